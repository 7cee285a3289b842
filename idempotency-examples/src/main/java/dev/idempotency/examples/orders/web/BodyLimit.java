package dev.idempotency.examples.orders.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every request body of the service is a small JSON form: one over {@value #MAX_BYTES} bytes is
 * refused with 413 problem+json. A body that declares its length is refused before anything reads
 * it; a chunked one is counted as it is read, and the read that passes the limit throws
 * {@link TooLargeException}: answered here when the {@code Idempotency-Key} filter was reading it (the
 * request claimed nothing), by {@link ProblemAdvice} when a route was. Thread-safe.
 */
final class BodyLimit extends OncePerRequestFilter {
  static final int MAX_BYTES = 64 * 1024;
  static final String DETAIL = "The request body is larger than " + MAX_BYTES + " bytes; an order form is far smaller.";

  /** A chunked body went past the limit while it was read. */
  static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException() {
      super("the request body is larger than " + MAX_BYTES + " bytes");
    }
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (request.getContentLengthLong() > MAX_BYTES) {
      tooLarge(response);
      return;
    }
    try {
      chain.doFilter(request.getContentLengthLong() < 0 ? new Counted(request) : request, response);
    } catch (TooLargeException e) {
      if (response.isCommitted()) {
        throw e;
      }
      response.reset();
      tooLarge(response);
    }
  }

  private static void tooLarge(HttpServletResponse response) throws IOException {
    byte[] body = ("{\"type\":\"" + ProblemAdvice.TYPES + "content-too-large\",\"title\":\"Content Too Large\","
        + "\"status\":413,\"detail\":\"" + DETAIL + "\"}").getBytes(StandardCharsets.UTF_8);
    response.setStatus(413);
    response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    response.setContentLength(body.length);
    // The rest of the body is not read: the connection closes after this answer.
    response.setHeader("Connection", "close");
    response.getOutputStream().write(body);
  }

  /** A body of unknown length, counted as it is read. */
  private static final class Counted extends HttpServletRequestWrapper {
    private ServletInputStream in;

    Counted(HttpServletRequest request) {
      super(request);
    }

    @Override
    public synchronized ServletInputStream getInputStream() throws IOException {
      if (in == null) {
        in = new CountingStream(super.getInputStream());
      }
      return in;
    }

    @Override
    public java.io.BufferedReader getReader() throws IOException {
      String encoding = getCharacterEncoding();
      return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(),
          encoding == null ? StandardCharsets.UTF_8 : java.nio.charset.Charset.forName(encoding)));
    }
  }

  private static final class CountingStream extends ServletInputStream {
    private final ServletInputStream raw;
    private long read;

    CountingStream(ServletInputStream raw) {
      this.raw = raw;
    }

    @Override
    public int read() throws IOException {
      int b = raw.read();
      if (b >= 0) {
        counted(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = raw.read(buf, off, len);
      return n <= 0 ? n : counted(n);
    }

    /** Adds what was read; returns it. */
    private int counted(int n) throws TooLargeException {
      read += n;
      if (read > MAX_BYTES) {
        throw new TooLargeException();
      }
      return n;
    }

    @Override
    public boolean isFinished() {
      return raw.isFinished();
    }

    @Override
    public boolean isReady() {
      return raw.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      raw.setReadListener(listener);
    }
  }
}
