package dev.idempotency.examples.orders.async;

import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * Queued requests ({@code shop_requests}) and where each stands: the answer a client polls at
 * {@code GET /orders/requests/{id}}. Handlers write it in their delivery's transaction. Thread-safe.
 */
public final class RequestStore {
  /**
   * An async or flash-sale request.
   *
   * @param requestId its id, the consumer's dedup key
   * @param userId the buyer
   * @param kind {@code async} or {@code flash-sale}
   * @param status {@code PENDING}, {@code CREATED} or {@code FAILED}
   * @param orderId the order it made, if any
   * @param detail why it ended as it did
   * @param deliveries how often its message was delivered
   */
  public record Request(String requestId, String userId, String kind, String status, String orderId, String detail,
      int deliveries) {}

  private static final RowMapper<Request> REQUEST = (rs, i) -> new Request(rs.getString("request_id"),
      rs.getString("user_id"), rs.getString("kind"), rs.getString("status"), rs.getString("order_id"),
      rs.getString("detail"), rs.getInt("deliveries"));

  private final JdbcTemplate jdbc;

  /** @param jdbc the database of record */
  public RequestStore(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Records a new request, pending.
   *
   * @param requestId its id
   * @param userId the buyer
   * @param kind its kind
   */
  public void add(String requestId, String userId, String kind) {
    jdbc.update("INSERT INTO shop_requests (request_id, user_id, kind, status, deliveries) VALUES (?, ?, ?, 'PENDING', 0)",
        requestId, userId, kind);
  }

  /**
   * @param requestId a request's id
   * @return the request, if there is one
   */
  public Optional<Request> find(String requestId) {
    return jdbc.query("SELECT * FROM shop_requests WHERE request_id = ?", REQUEST, requestId).stream().findFirst();
  }

  /**
   * Counts a delivery (never backwards: a late, older delivery changes nothing).
   *
   * @param requestId the request
   * @param delivery the delivery's count, from 1
   */
  public void delivered(String requestId, int delivery) {
    jdbc.update("UPDATE shop_requests SET deliveries = ? WHERE request_id = ? AND deliveries < ?",
        delivery, requestId, delivery);
  }

  /**
   * @param requestId the request
   * @param orderId the order it made
   * @param detail how
   */
  public void created(String requestId, String orderId, String detail) {
    jdbc.update("UPDATE shop_requests SET status = 'CREATED', order_id = ?, detail = ? WHERE request_id = ?",
        orderId, detail, requestId);
  }

  /**
   * @param requestId the request
   * @param detail why it failed
   */
  public void failed(String requestId, String detail) {
    jdbc.update("UPDATE shop_requests SET status = 'FAILED', detail = ? WHERE request_id = ?", detail, requestId);
  }

  /**
   * Marks a request failed if nothing processed it.
   *
   * @param requestId the request
   * @param detail why
   * @return true if this call did
   */
  public boolean failIfPending(String requestId, String detail) {
    return jdbc.update("UPDATE shop_requests SET status = 'FAILED', detail = ? WHERE request_id = ? AND status = 'PENDING'",
        detail, requestId) == 1;
  }
}
