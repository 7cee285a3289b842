package dev.idempotency.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.examples.orders.order.OrderStore;
import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs when missing), driven as a person drives it: real pointer clicks through
 * WebDriver's input actions at human gaps, a reload, back navigation and a second tab. Each intent
 * makes exactly one order, counted in the database, and the page says when an order was already
 * placed. Fails, never skips, without Chromium, saying what to install.
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

  private String base() {
    return "http://127.0.0.1:" + port + "/";
  }

  private WebDriverWait waitUpTo(int seconds) {
    return new WebDriverWait(driver, Duration.ofSeconds(seconds));
  }

  /** Fills the form as a person types it. */
  private void fill(String user, String product) {
    for (String[] field : new String[][] {{"userId", user}, {"productId", product}}) {
      WebElement input = driver.findElement(By.id(field[0]));
      input.clear();
      input.sendKeys(field[1]);
    }
  }

  /** Clicks submit with real pointer events, the given gaps apart. */
  private void clickSubmit(long... gapsMillis) {
    WebElement submit = driver.findElement(By.id("submit"));
    Actions clicks = new Actions(driver).moveToElement(submit).click();
    for (long gap : gapsMillis) {
      clicks = clicks.pause(Duration.ofMillis(gap)).click();
    }
    clicks.perform();
  }

  private String awaitOrderShown() {
    WebElement result = driver.findElement(By.id("result"));
    waitUpTo(20).until(d -> result.getText().contains("Order "));
    return result.getAttribute("data-order-id");
  }

  private int orders(String user) {
    Integer n = store.jdbc().queryForObject("SELECT COUNT(*) FROM shop_orders WHERE user_id = ?", Integer.class, user);
    return n == null ? 0 : n;
  }

  private static String user(String what) {
    return what + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void aDoubleClickAt50To1000MillisecondsApartMakesOneOrder() throws Exception {
    List<String> seen = new ArrayList<>();
    for (long gap : new long[] {50, 120, 300, 1000}) {
      String user = user("click" + gap);
      driver.get(base());
      fill(user, "p1");
      clickSubmit(gap);
      String orderId = awaitOrderShown();
      Thread.sleep(Math.max(400, gap));   // a second request, if the page sent one, has landed
      assertThat(orders(user)).as("orders after two clicks %d ms apart", gap).isEqualTo(1);
      assertThat(store.jdbc().queryForObject("SELECT order_id FROM shop_orders WHERE user_id = ?", String.class, user))
          .isEqualTo(orderId);
      seen.add(gap + " ms: " + driver.findElement(By.id("result")).getText());
    }
    System.out.println("BROWSER | double clicks | " + String.join(" | ", seen));
  }

  @Test
  void aReloadOrBackNavigationThenResubmittingShowsTheSameOrderAndMakesNoOther() {
    String user = user("reload");
    driver.get(base());
    fill(user, "p2");
    clickSubmit();
    String orderId = awaitOrderShown();

    driver.navigate().refresh();
    fill(user, "p2");
    clickSubmit();
    WebElement result = driver.findElement(By.id("result"));
    waitUpTo(10).until(d -> result.getText().startsWith("This order was already placed."));
    assertThat(result.getAttribute("data-order-id")).isEqualTo(orderId);

    driver.navigate().to(base() + "stats");
    driver.navigate().back();
    fill(user, "p2");
    clickSubmit(80);
    WebElement again = driver.findElement(By.id("result"));
    waitUpTo(10).until(d -> again.getText().startsWith("This order was already placed."));
    assertThat(again.getAttribute("data-order-id")).isEqualTo(orderId);
    assertThat(orders(user)).isEqualTo(1);
  }

  @Test
  void twoTabsSubmittingTheSameFormAtOnceMakeOneOrderAndShowIt() throws Exception {
    String user = user("tabs");
    driver.get(base());
    String first = driver.getWindowHandle();
    fill(user, "p3");
    driver.switchTo().newWindow(WindowType.TAB);
    driver.get(base());
    String second = driver.getWindowHandle();
    fill(user, "p3");
    clickSubmit();
    driver.switchTo().window(first);
    clickSubmit();
    String shownFirst = awaitOrderShown();
    driver.switchTo().window(second);
    String shownSecond = awaitOrderShown();
    Thread.sleep(500);
    assertThat(orders(user)).isEqualTo(1);
    assertThat(shownFirst).isEqualTo(shownSecond);
  }

  /**
   * A form whose stored token the server no longer honours (expired, or issued by an earlier
   * version) and that has no order: the page says so and does not keep sending it; the next click
   * places the order with a new form, once.
   */
  @Test
  void aFormWhoseTokenExpiredSaysSoAndTheNextClickOrdersOnce() throws Exception {
    String user = user("expired");
    driver.get(base());
    fill(user, "p5");
    ((org.openqa.selenium.JavascriptExecutor) driver).executeScript("localStorage.setItem('order-intent:' +"
        + " JSON.stringify([arguments[0], 'p5', 1]), JSON.stringify({submitToken: 'expired-or-old-token', key:"
        + " 'k-' + Date.now(), order: null}))", user);
    clickSubmit();
    WebElement result = driver.findElement(By.id("result"));
    waitUpTo(10).until(d -> result.getText().startsWith("This form has expired and nothing was ordered."));
    assertThat(orders(user)).isZero();
    clickSubmit(120);
    String orderId = awaitOrderShown();
    Thread.sleep(400);
    assertThat(orders(user)).isEqualTo(1);
    assertThat(store.jdbc().queryForObject("SELECT order_id FROM shop_orders WHERE user_id = ?", String.class, user))
        .isEqualTo(orderId);
  }

  @Test
  void onlyNewOrderStartsAnotherIntent() {
    String user = user("again");
    driver.get(base());
    fill(user, "p4");
    clickSubmit();
    String firstOrder = awaitOrderShown();
    new Actions(driver).moveToElement(driver.findElement(By.id("new-order"))).click().perform();
    WebElement result = driver.findElement(By.id("result"));
    waitUpTo(5).until(d -> result.getText().equals("Ready for a new order."));
    clickSubmit();
    String secondOrder = awaitOrderShown();
    assertThat(secondOrder).isNotEqualTo(firstOrder);
    assertThat(result.getText()).doesNotContain("already placed");
    assertThat(orders(user)).isEqualTo(2);
  }
}
