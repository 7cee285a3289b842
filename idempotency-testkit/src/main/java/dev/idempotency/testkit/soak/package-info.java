/**
 * The multi-process soak: worker JVMs making guarded calls on a shared key space, a side-effect
 * table that shows a double execution, and faults injected while they run.
 */
package dev.idempotency.testkit.soak;
