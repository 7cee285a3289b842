/**
 * Helpers shared by the strategies. Not part of the public API: no compatibility is promised, and
 * nothing here should be called from outside the library.
 */
package dev.idempotency.internal;
