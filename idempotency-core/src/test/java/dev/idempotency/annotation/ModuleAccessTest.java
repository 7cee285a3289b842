package dev.idempotency.annotation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The advice the library's errors give when the module path keeps it out of an application's package. */
class ModuleAccessTest {
  @Test
  void aPackageANamedModuleDoesNotExportGetsTheExportsLine() throws Exception {
    Class<?> hidden = Class.forName("sun.nio.ch.Net");
    assertThat(ModuleAccess.hint(hidden))
        .contains("module java.base")
        .contains("exports sun.nio.ch to dev.idempotency.core;")
        .contains("module-info.java");
  }

  @Test
  void anExportedButClosedPackageGetsTheOpensLine() {
    assertThat(ModuleAccess.hint(java.util.ArrayList.class)).contains("opens java.util to dev.idempotency.core;");
  }

  @Test
  void theClassPathNeedsNoAdvice() {
    assertThat(ModuleAccess.hint(ModuleAccessTest.class)).isEmpty();
  }
}
