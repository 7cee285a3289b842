package com.example.shop;

import dev.idempotency.spring.web.IdempotentRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

// As in the README's Spring Boot quick start.
@RestController
public class OrderController {
  private final CheckoutService checkout;

  public OrderController(CheckoutService checkout) {
    this.checkout = checkout;
  }

  @PostMapping("/orders")
  @IdempotentRequest(namespace = "orders", retention = "24h")
  public ResponseEntity<OrderConfirmation> create(@RequestBody OrderRequest request) {
    return ResponseEntity.status(201).body(checkout.place(request));
  }
}
