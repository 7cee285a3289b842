package dev.idempotency.testkit.soak;

import java.io.Serializable;

/**
 * A class a tampered record names in a Java serialization stream; a decoder whose allow-list does
 * not name it must never load it, which the soak's probe checks with class-load logging. Package
 * private: the stream names it by its class name, and nothing ever constructs it.
 */
final class TamperGadget implements Serializable {
  private static final long serialVersionUID = 1L;

  private TamperGadget() {}
}
