package io.niotls.cli.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A small, strict HTTP/1.1 request parser (RFC 9112) for the demo page: request line, header
 * fields, and a {@code Content-Length} body, which it skips. Bytes may arrive in any pieces, and
 * several pipelined requests may arrive in one. Chunked request bodies, obsolete line folding and
 * heads over {@link #MAX_HEAD} bytes are refused.
 *
 * <p>Not thread-safe: one per connection.
 */
public final class HttpRequestParser {
  /** The largest request head accepted, request line and headers together. */
  public static final int MAX_HEAD = 8192;

  private final byte[] head = new byte[MAX_HEAD];
  private int headLength;
  private long bodyToSkip;

  /**
   * The next whole request in {@code data}, or null when more bytes are needed. Consumes the bytes
   * of that request (head and body) and no more, so pipelined requests stay in {@code data}.
   *
   * @throws HttpParseException when the request is malformed or unsupported; the connection should
   *     be answered with its status and closed
   */
  public HttpRequest next(ByteBuffer data) throws HttpParseException {
    while (bodyToSkip > 0 && data.hasRemaining()) {
      int skip = (int) Math.min(bodyToSkip, data.remaining());
      data.position(data.position() + skip);
      bodyToSkip -= skip;
    }
    if (bodyToSkip > 0) {
      return null;
    }
    while (data.hasRemaining()) {
      if (headLength == MAX_HEAD) {
        throw new HttpParseException(431, "request head larger than " + MAX_HEAD + " bytes");
      }
      byte b = data.get();
      // a client may send stray CRLFs between requests (RFC 9112 2.2): skip them
      if (headLength == 0 && (b == '\r' || b == '\n')) {
        continue;
      }
      head[headLength++] = b;
      if (b == '\n' && endsHead()) {
        String text = new String(head, 0, headLength, StandardCharsets.ISO_8859_1);
        headLength = 0;
        HttpRequest request = parseHead(text);
        bodyToSkip = bodyLength(request);
        return request;
      }
    }
    return null;
  }

  /** Whether a request (or its body) is partly read. */
  public boolean inProgress() {
    return headLength > 0 || bodyToSkip > 0;
  }

  private boolean endsHead() {
    int n = headLength;
    return (n >= 2 && head[n - 2] == '\n')
        || (n >= 3 && head[n - 2] == '\r' && head[n - 3] == '\n');
  }

  private static HttpRequest parseHead(String text) throws HttpParseException {
    String[] lines = text.split("\r?\n");
    String[] start = lines[0].split(" ", -1);
    if (start.length != 3 || start[0].isEmpty() || start[1].isEmpty()) {
      throw new HttpParseException(400, "bad request line: " + shorten(lines[0]));
    }
    if (!start[0].chars().allMatch(HttpRequestParser::isTokenChar)) {
      throw new HttpParseException(400, "bad method: " + shorten(start[0]));
    }
    String version = start[2];
    if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
      throw new HttpParseException(505, "HTTP/1.1 or HTTP/1.0 only, not " + shorten(version));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        continue;
      }
      if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        throw new HttpParseException(400, "obsolete line folding is not accepted");
      }
      int colon = line.indexOf(':');
      if (colon <= 0
          || !line.substring(0, colon).chars().allMatch(HttpRequestParser::isTokenChar)) {
        throw new HttpParseException(400, "bad header field: " + shorten(line));
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      headers.merge(name, value, (a, b) -> a + ", " + b);
    }
    if (version.equals("HTTP/1.1") && !headers.containsKey("host")) {
      throw new HttpParseException(400, "HTTP/1.1 request without a Host header");
    }
    String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
    boolean keepAlive =
        version.equals("HTTP/1.1")
            ? !hasToken(connection, "close")
            : hasToken(connection, "keep-alive");
    return new HttpRequest(start[0], start[1], version, Map.copyOf(headers), keepAlive);
  }

  private static long bodyLength(HttpRequest request) throws HttpParseException {
    if (request.header("transfer-encoding") != null) {
      throw new HttpParseException(501, "request bodies with Transfer-Encoding are not supported");
    }
    String length = request.header("content-length");
    if (length == null) {
      return 0;
    }
    if (!length.matches("[0-9]{1,18}")) {
      throw new HttpParseException(400, "bad Content-Length: " + shorten(length));
    }
    return Long.parseLong(length);
  }

  private static boolean hasToken(String list, String token) {
    for (String part : list.split(",")) {
      if (part.strip().equals(token)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isTokenChar(int c) {
    return c > 32 && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
  }

  private static String shorten(String s) {
    String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
  }
}
