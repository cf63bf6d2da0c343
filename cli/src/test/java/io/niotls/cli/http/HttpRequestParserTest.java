package io.niotls.cli.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpRequestParserTest {
  private final HttpRequestParser parser = new HttpRequestParser();

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void aCurlRequestIsParsed() throws Exception {
    HttpRequest r =
        parser.next(
            bytes(
                "GET /x?y=1 HTTP/1.1\r\nHost: 127.0.0.1:8443\r\nUser-Agent: curl/8\r\nAccept: */*\r\n\r\n"));
    assertThat(r.method()).isEqualTo("GET");
    assertThat(r.target()).isEqualTo("/x?y=1");
    assertThat(r.version()).isEqualTo("HTTP/1.1");
    assertThat(r.header("HOST")).isEqualTo("127.0.0.1:8443");
    assertThat(r.keepAlive()).isTrue();
  }

  @Test
  void aRequestSplitIntoSingleBytesIsParsedOnceComplete() throws Exception {
    byte[] all = "GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < all.length - 1; i++) {
      assertThat(parser.next(ByteBuffer.wrap(all, i, 1))).isNull();
    }
    assertThat(parser.next(ByteBuffer.wrap(all, all.length - 1, 1)).target()).isEqualTo("/");
  }

  @Test
  void pipelinedRequestsComeOneAtATimeAndBodiesAreSkipped() throws Exception {
    ByteBuffer data =
        bytes(
            "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    assertThat(parser.next(data).target()).isEqualTo("/a");
    HttpRequest second = parser.next(data);
    assertThat(second.target()).isEqualTo("/b");
    assertThat(second.keepAlive()).isFalse();
    assertThat(data.hasRemaining()).isFalse();
    assertThat(parser.inProgress()).isFalse();
  }

  @Test
  void http10ClosesUnlessKeepAliveIsAsked() throws Exception {
    assertThat(parser.next(bytes("GET / HTTP/1.0\r\n\r\n")).keepAlive()).isFalse();
    assertThat(parser.next(bytes("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")).keepAlive())
        .isTrue();
  }

  @Test
  void aMalformedRequestLineIsA400() {
    assertThatThrownBy(() -> parser.next(bytes("HELLO\r\n\r\n")))
        .isInstanceOf(HttpParseException.class)
        .hasMessage("bad request line: HELLO")
        .satisfies(e -> assertThat(((HttpParseException) e).status()).isEqualTo(400));
  }

  @Test
  void http11WithoutHostIsA400() {
    assertThatThrownBy(() -> parser.next(bytes("GET / HTTP/1.1\r\n\r\n")))
        .hasMessage("HTTP/1.1 request without a Host header");
  }

  @Test
  void anotherHttpVersionIsA505() {
    assertThatThrownBy(() -> parser.next(bytes("GET / HTTP/2.0\r\n\r\n")))
        .satisfies(e -> assertThat(((HttpParseException) e).status()).isEqualTo(505));
  }

  @Test
  void chunkedBodiesAreA501() {
    assertThatThrownBy(
            () ->
                parser.next(
                    bytes("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n")))
        .satisfies(e -> assertThat(((HttpParseException) e).status()).isEqualTo(501));
  }

  @Test
  void anOversizedHeadIsA431() {
    String big = "GET / HTTP/1.1\r\nHost: a\r\nX: " + "y".repeat(HttpRequestParser.MAX_HEAD);
    assertThatThrownBy(() -> parser.next(bytes(big)))
        .satisfies(e -> assertThat(((HttpParseException) e).status()).isEqualTo(431));
  }
}
