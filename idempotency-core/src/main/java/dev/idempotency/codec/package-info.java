/** How results are turned into bytes for storage and back for replay. */
package dev.idempotency.codec;
