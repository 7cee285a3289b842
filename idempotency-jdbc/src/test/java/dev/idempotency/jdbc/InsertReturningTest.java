package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which MySQL-dialect servers get the one-statement claim ({@code INSERT ... RETURNING}). */
class InsertReturningTest {

  @Test
  void mariaDbFrom105TakesItMySqlAndOlderMariaDbDoNot() {
    assertThat(Schema.takesInsertReturning("10.11.19-MariaDB-0+deb12u1")).isTrue();
    assertThat(Schema.takesInsertReturning("10.5.0-MariaDB")).isTrue();
    assertThat(Schema.takesInsertReturning("11.4.2-MariaDB-ubu2404")).isTrue();
    assertThat(Schema.takesInsertReturning("10.4.34-MariaDB")).isFalse();
    assertThat(Schema.takesInsertReturning("5.5.5-10.11.6-MariaDB")).isFalse();
    assertThat(Schema.takesInsertReturning("8.0.36")).isFalse();
    assertThat(Schema.takesInsertReturning("8.4.0-commercial")).isFalse();
    assertThat(Schema.takesInsertReturning((String) null)).isFalse();
  }
}
