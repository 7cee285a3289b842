/** State machines with conditional transitions and optimistic versions. */
package dev.idempotency.state;
