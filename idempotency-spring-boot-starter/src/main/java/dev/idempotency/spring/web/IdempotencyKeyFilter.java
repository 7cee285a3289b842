package dev.idempotency.spring.web;

import dev.idempotency.CallResult;
import dev.idempotency.Claim;
import dev.idempotency.Fingerprint;
import dev.idempotency.IdempotencyEngine;
import dev.idempotency.IdempotencyException;
import dev.idempotency.IdempotencyKey;
import dev.idempotency.IdempotentAction;
import dev.idempotency.InvalidInputException;
import dev.idempotency.StoreUnavailableException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

// Size: the filter is about 200 lines; the rest is the request wrapper that serves the body read
// once from memory.
/**
 * The {@code Idempotency-Key} header on routes annotated with {@link IdempotentRequest} (see there
 * for the semantics): the request body is read once (for the fingerprint, and handed on unchanged),
 * the route runs inside the engine's claim, and its response is captured, stored and sent; a repeat
 * gets the stored response. Other requests pass through untouched. Thread-safe.
 */
public final class IdempotencyKeyFilter extends OncePerRequestFilter {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IdempotencyKeyFilter.class);

  private final IdempotencyEngine engine;
  private final IdempotentRoutes routes;
  private final String header;
  private final String replayedHeader;
  private final List<String> storedHeaders;
  private final int maxBodyBytes;
  private final boolean proceedWhenStoreDown;

  /**
   * A filter that answers 503 when the store cannot be reached before the route ran.
   *
   * @param engine the engine
   * @param routes the opted-in routes
   * @param header the request header with the key
   * @param replayedHeader the response header set on a replay
   * @param storedHeaders the response headers stored besides {@code Content-Type}
   * @param maxBodyBytes the largest request body read, and the largest response stored
   */
  public IdempotencyKeyFilter(IdempotencyEngine engine, IdempotentRoutes routes, String header, String replayedHeader,
      List<String> storedHeaders, int maxBodyBytes) {
    this(engine, routes, header, replayedHeader, storedHeaders, maxBodyBytes, false);
  }

  /**
   * A filter.
   *
   * @param engine the engine
   * @param routes the opted-in routes
   * @param header the request header with the key
   * @param replayedHeader the response header set on a replay
   * @param storedHeaders the response headers stored besides {@code Content-Type}
   * @param maxBodyBytes the largest request body read, and the largest response stored
   * @param proceedWhenStoreDown when the store cannot be reached before the route ran: false answers
   *     503 (nothing runs); true runs the route without this layer's guarantee (logged), for
   *     applications whose own later layers (a unique key, a dedup row) stop duplicates anyway
   */
  public IdempotencyKeyFilter(IdempotencyEngine engine, IdempotentRoutes routes, String header, String replayedHeader,
      List<String> storedHeaders, int maxBodyBytes, boolean proceedWhenStoreDown) {
    this.proceedWhenStoreDown = proceedWhenStoreDown;
    this.engine = engine;
    this.routes = routes;
    this.header = header;
    this.replayedHeader = replayedHeader;
    this.storedHeaders = List.copyOf(storedHeaders);
    this.maxBodyBytes = maxBodyBytes;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Optional<RouteSpec> found = routes.find(request);
    if (found.isEmpty()) {
      chain.doFilter(request, response);
      return;
    }
    RouteSpec route = found.get();
    List<String> values = java.util.Collections.list(request.getHeaders(header));
    if (values.size() > 1) {
      // Which one would a retry repeat? Neither is taken: the first winning silently let a proxy or
      // client that appends its own key run one intent under two keys.
      Problems.write(request, response, HttpStatus.BAD_REQUEST,
          "Send one " + header + " header; this request has " + values.size() + ".");
      return;
    }
    if (values.isEmpty()) {
      if (route.required()) {
        Problems.write(request, response, HttpStatus.BAD_REQUEST, "This request needs an " + header + " header.");
      } else {
        chain.doFilter(request, response);
      }
      return;
    }
    byte[] body = readBody(request);
    if (body == null) {
      Problems.write(request, response, HttpStatus.CONTENT_TOO_LARGE,
          "The request body is larger than " + maxBodyBytes + " bytes.");
      return;
    }
    IdempotencyKey key;
    try {
      java.security.Principal principal = request.getUserPrincipal();
      key = new IdempotencyKey(route.scope(principal == null ? null : principal.getName()), values.get(0));
    } catch (InvalidInputException e) {
      Problems.write(request, response, HttpStatus.BAD_REQUEST, "The " + header + " header is not a valid key: "
          + e.getMessage());
      return;
    }
    runOnce(new RouteRun(new BodyRequest(request, body), response, chain), route, key, body);
  }

  /** Runs the route once under the key, or replays what its first run stored. */
  private void runOnce(RouteRun run, RouteSpec route, IdempotencyKey key, byte[] body)
      throws ServletException, IOException {
    CallResult<StoredResponse> result;
    try {
      // A response that must not be stored (a 5xx, a committed stream) comes back as null: the
      // engine releases the claim and this request still gets the route's response.
      result = engine.execute(key, fingerprint(run.request, body), StoredResponse.CODEC, route.options(), run,
          Objects::nonNull);
    } catch (IdempotencyException e) {
      if (run.ran) {
        // The route ran (its effects happened) but its response could not be stored: the client
        // gets that response, never an error inviting a retry that would run it again.
        run.capture.copyBodyToResponse();
      } else if (proceedWhenStoreDown && e instanceof StoreUnavailableException) {
        LOG.warn("{} not checked, the store is unavailable; the route runs without it: {}", header, e.getMessage());
        run.chain.doFilter(run.request, run.response);
      } else {
        problem(run.request, run.response, e);
      }
      return;
    } catch (IOException | ServletException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new ServletException(e); // not reached: the chain throws only the types above
    }
    if (result.replayed()) {
      replay(run.response, result.value());
    } else {
      run.capture.copyBodyToResponse();
    }
  }

  /**
   * The route as the engine's action: it runs the rest of the chain into a captured response and
   * answers that response to be stored. It remembers whether it ran, so that a failure to store
   * after the route's effects happened still sends the client the route's response.
   */
  private final class RouteRun implements IdempotentAction<StoredResponse, Exception> {
    final HttpServletRequest request;
    final HttpServletResponse response;
    final FilterChain chain;
    final ContentCachingResponseWrapper capture;
    boolean ran;

    RouteRun(HttpServletRequest request, HttpServletResponse response, FilterChain chain) {
      this.request = request;
      this.response = response;
      this.chain = chain;
      this.capture = new ContentCachingResponseWrapper(response);
    }

    /** Runs the route; answers its response as stored, or null if it must not be stored. */
    @Override
    public StoredResponse run(Claim claim) throws IOException, ServletException {
      ran = true;
      chain.doFilter(request, capture);
      return captured(capture);
    }
  }

  private void problem(HttpServletRequest request, HttpServletResponse response, IdempotencyException e)
      throws IOException {
    Problems.write(request, response, e, "This " + header);
  }

  /** The response as stored, or null if it must not be (a retry should run again). */
  private StoredResponse captured(ContentCachingResponseWrapper capture) {
    if (capture.isCommitted()) {
      return null;
    }
    return StoredResponse.of(capture.getStatus(), capture.getContentType(), capture::getHeaders, storedHeaders,
        capture.getContentAsByteArray(), maxBodyBytes);
  }

  private void replay(HttpServletResponse response, StoredResponse stored) throws IOException {
    response.setStatus(stored.status());
    List<String> h = stored.headers();
    for (int i = 0; i + 1 < h.size(); i += 2) {
      if (h.get(i).equalsIgnoreCase("Content-Type")) {
        response.setContentType(h.get(i + 1));
      } else {
        response.addHeader(h.get(i), h.get(i + 1));
      }
    }
    response.setHeader(replayedHeader, "true");
    response.setContentLength(stored.body().length);
    response.getOutputStream().write(stored.body());
  }

  /** Method, path, query and body: the same key with any of them different is another request. */
  private static Fingerprint fingerprint(HttpServletRequest request, byte[] body) {
    return RouteSpec.fingerprint(request.getMethod(), request.getRequestURI(), request.getQueryString(), body);
  }

  /** The whole body, or null if it is larger than the limit. */
  private byte[] readBody(HttpServletRequest request) throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > maxBodyBytes) {
      return null;
    }
    try (InputStream in = request.getInputStream()) {
      // A declared length is read into an array of exactly that size (the container delivers no more);
      // a body of unknown length (chunked) up to one byte past the limit, which tells it is over.
      int limit = declared >= 0 ? (int) declared : (int) Math.min(Integer.MAX_VALUE, maxBodyBytes + 1L);
      byte[] body = in.readNBytes(limit);
      return body.length > maxBodyBytes ? null : body;
    }
  }

  /** The request with its body read once and handed on from memory. */
  private static final class BodyRequest extends HttpServletRequestWrapper {
    private final byte[] body;

    BodyRequest(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new UnsupportedOperationException("the body was read already; it is served from memory");
        }
      };
    }

    @Override
    public BufferedReader getReader() {
      String encoding = getCharacterEncoding();
      Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
      return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset));
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }
  }
}
