package dev.idempotency.examples.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import tools.jackson.databind.JsonNode;

/** The order service on embedded defaults: H2, in-memory stores, the in-process queue; and the anti-pattern (c). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"orders.anti-pattern=true", "orders.visibility-timeout=500ms"})
class EmbeddedOrderServiceTest extends OrderServiceContract {

  @Test
  void c_theNaiveReadCheckWritePathOversells() throws Exception {
    ScenarioAssertions.allHold(scenarios().naiveFlashSale(500, 10));
  }

  /**
   * The benchmark's yardstick (the same order written with no defence) answers as the defended route
   * does: 201, the order's Location, the order's fields as JSON; so the difference the benchmark
   * measures is the defence, not a smaller answer.
   */
  @Test
  void theUndefendedYardstickAnswersWithTheSameShapeAsTheDefendedRoute() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    String user = "yardstick-" + run;
    HttpResponse<String> bare = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/anti-pattern/orders")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"" + user + "\",\"productId\":\"p1\",\"quantity\":2}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    String token = http.post("/tokens", Map.of("userId", user), null).text("token");
    HttpResponse<String> defended = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
        + "/orders")).header("Content-Type", "application/json").header("Idempotency-Key", "yardstick-" + run)
        .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(
            Map.of("userId", user, "productId", "p1", "quantity", 2, "submitToken", token))))
        .build(), HttpResponse.BodyHandlers.ofString());
    JsonNode bareOrder = json.readTree(bare.body());
    JsonNode defendedOrder = json.readTree(defended.body());
    assertThat(bare.statusCode()).isEqualTo(defended.statusCode()).isEqualTo(201);
    assertThat(bare.headers().firstValue("Location")).hasValue("/orders/" + bareOrder.get("orderId").asString());
    assertThat(bare.headers().firstValue("Content-Type")).isEqualTo(defended.headers().firstValue("Content-Type"));
    assertThat(fieldNames(bareOrder)).isEqualTo(fieldNames(defendedOrder));
    assertThat(bareOrder.get("userId").asString()).isEqualTo(user);
    assertThat(bareOrder.get("status").asString()).isEqualTo("CREATED");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.propertyNames().forEach(names::add);
    return names;
  }
}
