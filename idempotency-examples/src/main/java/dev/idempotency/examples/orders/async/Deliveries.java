package dev.idempotency.examples.orders.async;

import dev.idempotency.IdempotencyKey;
import dev.idempotency.dedup.DedupResult;
import dev.idempotency.jdbc.TransactionalDedup;
import java.sql.Connection;
import java.util.function.Function;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The transaction every handler runs a delivery in: it counts the delivery, writes the library's
 * dedup row of the request id on the transaction's connection (a redelivery finds it and changes
 * nothing), and then runs the handler's writes on that same connection, so the dedup row and the
 * writes commit or roll back together. Thread-safe.
 */
public final class Deliveries {
  private final DataSource dataSource;
  private final TransactionTemplate tx;
  private final TransactionalDedup dedup;
  private final RequestStore requests;
  private final DeliveryFaults faults;

  /**
   * @param dataSource the database of record
   * @param tx its transactions
   * @param dedup the library's dedup rows, written on the transaction's connection
   * @param requests the requests' answers
   * @param faults where the fault tests strike ({@link DeliveryFaults#NONE} in service)
   */
  public Deliveries(DataSource dataSource, TransactionTemplate tx, TransactionalDedup dedup, RequestStore requests,
      DeliveryFaults faults) {
    this.dataSource = dataSource;
    this.tx = tx;
    this.dedup = dedup;
    this.requests = requests;
    this.faults = faults;
  }

  /**
   * Runs a delivery's writes once per request.
   *
   * @param namespace the dedup rows' namespace (one per message kind)
   * @param m the message
   * @param delivery its delivery count, from 1
   * @param writes the handler's writes, given the transaction's connection
   * @return the writes' outcome, or {@link QueueHandler.Outcome#ALREADY_PROCESSED} for a redelivery
   */
  public QueueHandler.Outcome once(String namespace, QueueMessage m, int delivery,
      Function<Connection, QueueHandler.Outcome> writes) {
    return tx.execute(status -> {
      requests.delivered(m.requestId(), delivery);
      Connection c = DataSourceUtils.getConnection(dataSource);
      if (dedup.markFirst(c, IdempotencyKey.of(namespace, m.requestId())) == DedupResult.DUPLICATE) {
        return QueueHandler.Outcome.ALREADY_PROCESSED;
      }
      faults.insideTransaction();
      return writes.apply(c);
    });
  }

  /** @return the requests' answers, which handlers write in the same transaction */
  public RequestStore requests() {
    return requests;
  }
}
