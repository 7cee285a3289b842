package dev.idempotency.spring.web;

import dev.idempotency.ResultCodecException;
import dev.idempotency.codec.ResultCodec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A response as stored for replay: status, headers (name and value pairs, in order) and body.
 *
 * @param status the HTTP status
 * @param headers the stored headers, as name, value, name, value...
 * @param body the body
 */
record StoredResponse(int status, List<String> headers, byte[] body) {
  private static final int VERSION = 1;

  /** Statuses that say "try again": never stored, so the retry runs. */
  private static final java.util.Set<Integer> TRANSIENT = java.util.Set.of(408, 409, 425, 429);

  StoredResponse {
    headers = List.copyOf(headers);
  }

  /**
   * What a route's response stores, or null when it must not be stored (a retry should run again):
   * a 5xx, 408, 409, 425 or 429, or a body over the limit.
   *
   * @param contentType the response's content type, or null
   * @param values a header's values by name (never null)
   * @param storedHeaders the headers stored besides {@code Content-Type}
   */
  static StoredResponse of(int status, String contentType,
      java.util.function.Function<String, ? extends java.util.Collection<String>> values, List<String> storedHeaders,
      byte[] body, int maxBodyBytes) {
    if (status >= 500 || TRANSIENT.contains(status) || body.length > maxBodyBytes) {
      return null;
    }
    List<String> headers = new ArrayList<>();
    if (contentType != null) {
      headers.add("Content-Type");
      headers.add(contentType);
    }
    for (String name : storedHeaders) {
      for (String v : values.apply(name)) {
        headers.add(name);
        headers.add(v);
      }
    }
    return new StoredResponse(status, headers, body);
  }

  /**
   * A compact binary form: version, status, header count, pairs, body. Checked when written (a
   * response it could not read back is refused with a {@link ResultCodecException}, so the engine
   * need not decode each new one before storing it) and when read.
   */
  static final ResultCodec<StoredResponse> CODEC = new ResultCodec<>() {
    @Override
    public byte[] encode(StoredResponse r) {
      if (r.status() < 100 || r.status() > 599 || r.headers().size() > Short.MAX_VALUE
          || r.headers().size() % 2 != 0) {
        throw new ResultCodecException("stored response: status " + r.status() + " or its "
            + r.headers().size() / 2 + " headers cannot be stored", null);
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(r.body().length + 64);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(VERSION);
        out.writeShort(r.status());
        out.writeShort(r.headers().size());
        for (String h : r.headers()) {
          out.writeUTF(h);
        }
        out.writeInt(r.body().length);
        out.write(r.body());
      } catch (IOException e) {
        // A header over 65,535 bytes in modified UTF-8 (writeUTF refuses it); a byte array never fails.
        throw new ResultCodecException("stored response: " + e.getMessage(), e);
      }
      return bytes.toByteArray();
    }

    @Override
    public boolean decodesAllItEncodes() {
      return true;
    }

    @Override
    public StoredResponse decode(byte[] bytes) {
      try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
        if (in.readByte() != VERSION) {
          throw new ResultCodecException("stored response: " + "unknown version", null);
        }
        int status = in.readShort();
        int count = in.readShort();
        if (status < 100 || status > 599 || count < 0 || count % 2 != 0) {
          throw new ResultCodecException("stored response: " + "bad status or header count", null);
        }
        List<String> headers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          headers.add(in.readUTF());
        }
        int length = in.readInt();
        if (length < 0 || length != in.available()) {
          throw new ResultCodecException("stored response: " + "body length " + length + " does not match", null);
        }
        return new StoredResponse(status, headers, in.readNBytes(length));
      } catch (IOException e) {
        throw new ResultCodecException("stored response: truncated", e);
      }
    }
  };
}
