package dev.idempotency.internal;

/** Rethrowing helpers. Not part of the public API. */
public final class Exceptions {
  private Exceptions() {}

  /**
   * Rethrows any throwable without wrapping it. Used where the throwable was thrown by the caller's
   * own action through a signature that declared it, so the caller sees exactly what it threw.
   *
   * @param t the throwable
   * @return never returns; declared so that call sites can write {@code throw rethrow(t)}
   */
  public static RuntimeException rethrow(Throwable t) {
    throw Exceptions.<RuntimeException>sneaky(t);
  }

  @SuppressWarnings("unchecked")
  private static <X extends Throwable> X sneaky(Throwable t) throws X {
    throw (X) t;
  }
}
