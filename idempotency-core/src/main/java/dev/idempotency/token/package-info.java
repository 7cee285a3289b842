/** One-time tokens: issued per scope, consumed exactly once. */
package dev.idempotency.token;
