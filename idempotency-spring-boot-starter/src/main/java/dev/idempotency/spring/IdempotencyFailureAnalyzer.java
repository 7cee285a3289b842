package dev.idempotency.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Tells what to do when the idempotency store cannot be reached at start-up: which store, at which
 * address, the properties that chose it, and how to start without the check.
 */
final class IdempotencyFailureAnalyzer extends AbstractFailureAnalyzer<StoreUnreachableAtStartupException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, StoreUnreachableAtStartupException cause) {
    Throwable why = cause.getCause() != null ? cause.getCause() : cause;
    String description = "The idempotency store " + cause.store() + " could not be reached at start-up: "
        + why.getMessage();
    String action = "Start that server, or point the application at a running one with "
        + String.join(", ", cause.properties()) + ". To start without it, set idempotency.startup-check=false"
        + " (Redis only: each idempotent call then answers 503 until the store is back; the JDBC backend"
        + " needs its database at start-up to learn its dialect and create its tables).";
    return new FailureAnalysis(description, action, cause);
  }
}
