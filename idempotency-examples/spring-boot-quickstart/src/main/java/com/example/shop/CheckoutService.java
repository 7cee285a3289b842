package com.example.shop;

import dev.idempotency.annotation.Idempotent;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

// As in the README's Spring Boot quick start; the counter lets the tests see how often the body ran.
@Service
public class CheckoutService {
  final AtomicInteger placed = new AtomicInteger();

  @Idempotent(namespace = "checkout", key = "{request.submitToken}", principal = "{request.userId}")
  @Transactional
  public OrderConfirmation place(OrderRequest request) {
    placed.incrementAndGet();
    return new OrderConfirmation("o-" + request.submitToken());   // insert the order here
  }

  public int placed() {
    return placed.get();
  }
}
