package io.niotls.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.engine.SessionInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpPageTest {
  private static final SessionInfo TLS13 =
      new SessionInfo(
          "TLSv1.3", "TLS_AES_128_GCM_SHA256", "http/1.1", "localhost", List.of(), false);

  private static HttpRequest get(String accept, boolean keepAlive) {
    Map<String, String> headers =
        accept == null ? Map.of("host", "a") : Map.of("host", "a", "accept", accept);
    return new HttpRequest("GET", "/<x>", "HTTP/1.1", headers, keepAlive);
  }

  private static String text(byte[] response) {
    return new String(response, StandardCharsets.UTF_8);
  }

  @Test
  void curlGetsAPlainTextPageWithTheNegotiatedSession() {
    String response = text(HttpPage.response(get("*/*", true), TLS13));
    assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Type: text/plain");
    assertThat(response)
        .contains("protocol:            TLSv1.3\n")
        .contains("cipher:              TLS_AES_128_GCM_SHA256\n")
        .contains("alpn:                http/1.1\n")
        .contains("sni:                 localhost\n")
        .contains("resumed:             no\n")
        .doesNotContain("Connection: close");
  }

  @Test
  void theContentLengthCountsTheBody() {
    String response = text(HttpPage.response(get(null, true), TLS13));
    int split = response.indexOf("\r\n\r\n") + 4;
    String length = response.replaceAll("(?s).*Content-Length: (\\d+).*", "$1");
    assertThat(response.substring(split).getBytes(StandardCharsets.UTF_8))
        .hasSize(Integer.parseInt(length));
  }

  @Test
  void browsersGetEscapedHtml() {
    String response = text(HttpPage.response(get("text/html,*/*", true), TLS13));
    assertThat(response)
        .contains("Content-Type: text/html")
        .contains("<code>TLSv1.3</code>")
        .contains("GET /&lt;x&gt; HTTP/1.1");
  }

  @Test
  void headGetsHeadersOnlyAndCloseIsAnnounced() {
    String response =
        text(
            HttpPage.response(
                new HttpRequest("HEAD", "/", "HTTP/1.1", Map.of("host", "a"), false), TLS13));
    assertThat(response).endsWith("Connection: close\r\n\r\n");
  }

  @Test
  void aPlaintextConnectionSaysSo() {
    assertThat(text(HttpPage.response(get(null, true), null)))
        .contains("protocol:            none (plaintext)");
  }

  @Test
  void errorsCarryTheirStatusAndClose() {
    assertThat(text(HttpPage.error(400, "bad request line: x")))
        .startsWith("HTTP/1.1 400 Bad Request\r\n")
        .contains("Connection: close")
        .endsWith("bad request line: x\n");
  }
}
