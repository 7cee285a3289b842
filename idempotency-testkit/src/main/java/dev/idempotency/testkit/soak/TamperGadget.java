package dev.idempotency.testkit.soak;

import java.io.Serializable;

/**
 * A class a tampered record names in a Java serialization stream; a decoder whose allow-list does
 * not name it must never load it, which the soak's probe checks with class-load logging.
 */
public final class TamperGadget implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Never constructed by the library. */
  public TamperGadget() {}
}
