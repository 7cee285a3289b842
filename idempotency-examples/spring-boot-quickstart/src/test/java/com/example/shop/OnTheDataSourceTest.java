package com.example.shop;

import org.springframework.boot.test.context.SpringBootTest;

/** The README's properties alone: the application's DataSource (H2) carries the keys. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OnTheDataSourceTest extends QuickstartContract {
  @Override
  String expectedBackend() {
    return "JdbcBackend";
  }
}
