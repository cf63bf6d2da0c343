package io.niotls.cli.http;

import java.util.Map;

/**
 * One parsed HTTP/1.x request head; the body, if any, was skipped.
 *
 * @param method as sent, e.g. GET
 * @param target the request target, e.g. {@code /index.html}
 * @param version HTTP/1.1 or HTTP/1.0
 * @param headers field names lowercased; repeated fields joined with ", "
 * @param keepAlive whether the connection stays open after the answer (HTTP/1.1 unless {@code
 *     Connection: close}; HTTP/1.0 only with {@code Connection: keep-alive})
 */
public record HttpRequest(
    String method, String target, String version, Map<String, String> headers, boolean keepAlive) {

  /** A header's value (name in any case), or null. */
  public String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }
}
