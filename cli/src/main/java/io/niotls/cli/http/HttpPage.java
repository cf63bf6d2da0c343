package io.niotls.cli.http;

import io.niotls.engine.SessionInfo;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The page {@code niotls server --mode http} answers every request with: what the TLS handshake
 * negotiated (protocol, cipher, ALPN, SNI, resumption), as HTML for browsers and plain text for
 * everything else ({@code curl}). Stateless.
 */
public final class HttpPage {
  private HttpPage() {}

  /**
   * The whole response to {@code request}: status line, headers and (except for HEAD) the page.
   *
   * @param session what the handshake negotiated; null for a plaintext connection
   */
  public static byte[] response(HttpRequest request, SessionInfo session) {
    Map<String, String> facts = facts(session, request);
    String accept = request.header("accept");
    boolean html = accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
    String body = html ? html(facts) : text(facts);
    String type = html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
    boolean head = request.method().equals("HEAD");
    return message(200, "OK", type, body, !request.keepAlive(), head);
  }

  /** An error response for a request that could not be parsed; the connection then closes. */
  public static byte[] error(int status, String why) {
    return message(status, reason(status), "text/plain; charset=utf-8", why + "\n", true, false);
  }

  /** Name/value lines shown on the page, in order. */
  static Map<String, String> facts(SessionInfo session, HttpRequest request) {
    Map<String, String> facts = new LinkedHashMap<>();
    if (session == null) {
      facts.put("protocol", "none (plaintext)");
    } else {
      facts.put("protocol", session.protocol());
      facts.put("cipher", session.cipherSuite());
      facts.put("alpn", orNone(session.applicationProtocol()));
      facts.put("sni", orNone(session.serverName()));
      facts.put("resumed", session.resumed() ? "yes" : "no");
      facts.put(
          "client certificate",
          session.peerCertificates().isEmpty()
              ? "none"
              : session.peerCertificates().get(0).getSubjectX500Principal().getName());
    }
    facts.put("request", request.method() + " " + request.target() + " " + request.version());
    return facts;
  }

  private static String text(Map<String, String> facts) {
    StringBuilder b = new StringBuilder("niotls: your connection\n\n");
    facts.forEach((k, v) -> b.append(String.format("%-20s %s\n", k + ":", v)));
    return b.toString();
  }

  private static String html(Map<String, String> facts) {
    StringBuilder b =
        new StringBuilder(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>niotls</title></head>\n"
                + "<body><h1>niotls: your connection</h1>\n<table>\n");
    facts.forEach(
        (k, v) ->
            b.append("<tr><th align=\"left\">")
                .append(escape(k))
                .append("</th><td><code>")
                .append(escape(v))
                .append("</code></td></tr>\n"));
    return b.append("</table></body></html>\n").toString();
  }

  private static byte[] message(
      int status, String reason, String type, String body, boolean close, boolean headOnly) {
    byte[] content = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + reason
            + "\r\nServer: niotls\r\nContent-Type: "
            + type
            + "\r\nContent-Length: "
            + content.length
            + "\r\nCache-Control: no-store\r\n"
            + (close ? "Connection: close\r\n" : "")
            + "\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
    if (headOnly) {
      return headBytes;
    }
    byte[] all = new byte[headBytes.length + content.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(content, 0, all, headBytes.length, content.length);
    return all;
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 431 -> "Request Header Fields Too Large";
      case 501 -> "Not Implemented";
      case 505 -> "HTTP Version Not Supported";
      default -> "Error";
    };
  }

  private static String orNone(String s) {
    return s == null ? "none" : s;
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
