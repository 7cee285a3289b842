package dev.idempotency.examples.orders.web;

import dev.idempotency.examples.orders.order.SubmitOrder;
import java.util.regex.Pattern;

/** The HTTP bodies, and the checks every id passes before it reaches a layer. */
public final class Requests {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** {@code POST /tokens}. */
  public record TokenRequest(String userId) {}

  /** {@code POST /orders} and {@code POST /orders/async}. */
  public record OrderForm(String userId, String productId, Integer quantity, String submitToken) {}

  /** {@code POST /flash-sales/{productId}/orders}. */
  public record FlashOrder(String userId) {}

  /** {@code POST /flash-sales}. */
  public record FlashSale(String productId, Long units) {}

  /** A body or parameter the service refuses: 400, and nothing written. */
  public static final class BadRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequestException(String message) {
      super(message, null, false, false);
    }
  }

  /** What the path names does not exist: 404, as problem+json. */
  static final class NotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NotFoundException(String message) {
      super(message, null, false, false);
    }
  }

  private Requests() {}

  /**
   * @param value an id from a path or a body
   * @param field its name, for the message
   * @return the id
   * @throws BadRequestException if it is missing or malformed
   */
  public static String id(String value, String field) {
    if (value == null || !ID.matcher(value).matches()) {
      throw new BadRequestException(field + " must be 1 to 64 letters, digits, '.', '_' or '-', starting with a"
          + " letter or digit");
    }
    return value;
  }

  static int quantity(Integer q) {
    if (q == null || q < 1 || q > 100) {
      throw new BadRequestException("quantity must be 1 to 100");
    }
    return q;
  }

  /**
   * @param f the form
   * @param tokenRequired whether a one-time token must be present
   * @return the submission
   * @throws BadRequestException if the form is missing or malformed
   */
  public static SubmitOrder submit(OrderForm f, boolean tokenRequired) {
    if (f == null) {
      throw new BadRequestException("a JSON body is required");
    }
    String token = f.submitToken();
    if (tokenRequired || token != null) {
      if (token == null || !TOKEN.matcher(token).matches()) {
        throw new BadRequestException("submitToken must be the token from POST /tokens");
      }
    }
    return new SubmitOrder(id(f.userId(), "userId"), id(f.productId(), "productId"), quantity(f.quantity()), token);
  }
}
