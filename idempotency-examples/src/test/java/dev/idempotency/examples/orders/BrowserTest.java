package dev.idempotency.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.examples.orders.order.Order;
import dev.idempotency.examples.orders.order.OrderStore;
import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs when missing): five fast clicks on submit make exactly one order, and the
 * page shows it. Fails, never skips, without Chromium, saying what to install.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"orders.anti-pattern=true", "orders.visibility-timeout=500ms"})
class BrowserTest {
  @LocalServerPort
  int port;
  @Autowired
  OrderStore store;

  private ChromeDriver driver;

  @BeforeEach
  void start() throws Exception {
    File chromium = executable("CHROMIUM_BIN", "/usr/bin/chromium");
    File chromedriver = executable("CHROMEDRIVER_BIN", "/usr/bin/chromedriver");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + Files.createTempDirectory("order-page-").toAbsolutePath());
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver)
        .usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
  }

  private static File executable(String env, String fallback) {
    String path = System.getenv().getOrDefault(env, fallback);
    File f = new File(path);
    if (!f.canExecute()) {
      throw new IllegalStateException(path + " is missing: apt-get install -y chromium chromium-driver (or set " + env
          + "); .ci/run installs them");
    }
    return f;
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.quit();
    }
  }

  @Test
  void fiveFastClicksOnSubmitMakeOneOrderAndThePageShowsIt() {
    String user = "page-" + UUID.randomUUID().toString().substring(0, 8);
    driver.get("http://127.0.0.1:" + port + "/");
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(15));
    WebElement result = driver.findElement(By.id("result"));
    wait.until(d -> result.getText().equals("Ready."));
    WebElement userField = driver.findElement(By.id("userId"));
    userField.clear();
    userField.sendKeys(user);
    // A new user: the page fetches a token for them when the field changes.
    ((JavascriptExecutor) driver).executeScript("arguments[0].dispatchEvent(new Event('change'))", userField);
    wait.until(d -> result.getText().equals("Ready."));
    // Five clicks as fast as the browser takes them, in one task: the button cannot even repaint between them.
    ((JavascriptExecutor) driver).executeScript(
        "const b = document.getElementById('submit'); for (let i = 0; i < 5; i++) { b.click(); }");
    wait.until(d -> result.getText().startsWith("Order "));
    String shown = result.getText();
    Integer orders = store.jdbc().queryForObject("SELECT COUNT(*) FROM shop_orders WHERE user_id = ?", Integer.class,
        user);
    assertThat(orders).isEqualTo(1);
    String orderId = store.jdbc().queryForObject("SELECT order_id FROM shop_orders WHERE user_id = ?", String.class,
        user);
    assertThat(shown).contains(orderId).contains(user).contains("CREATED");
  }
}
