package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.niotls.channel.TlsChannel;
import io.niotls.context.Provider;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Netty's {@code WebSocketServerProtocolHandler} behind a niotls handler finds it as an {@code
 * SslHandler} and says {@code wss}: the only place the location reaches the wire is the hixie-76
 * (version 00) handshake's {@code Sec-WebSocket-Location}, which this client asks for over a niotls
 * {@link TlsChannel}.
 */
class WebSocketSchemeTest {
  private static final String HANDSHAKE =
      "GET /chat HTTP/1.1\r\n"
          + "Host: localhost\r\n"
          + "Connection: Upgrade\r\n"
          + "Upgrade: WebSocket\r\n"
          + "Origin: https://localhost\r\n"
          + "Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5\r\n"
          + "Sec-WebSocket-Key2: 12998 5 Y3 1  .P00\r\n"
          + "\r\n"
          + "^n:ds[4U";

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void theWebSocketHandshakeNamesAWssLocation(Provider provider) throws Exception {
    try (Loopback net = new Loopback()) {
      int port =
          net.listen(
              ch ->
                  ch.pipeline()
                      .addLast(
                          NiotlsSslContext.of(Fixtures.server(provider, "TLSv1.3"))
                              .newHandler(ch.alloc()),
                          new HttpServerCodec(),
                          new HttpObjectAggregator(1 << 16),
                          new WebSocketServerProtocolHandler("/chat")));
      String response = handshake(provider, port);
      assertThat(response)
          .startsWith("http/1.1 101")
          .contains("sec-websocket-location: wss://localhost/chat");
    }
  }

  /** Sends the handshake over TLS and returns the response head, lower-cased. */
  private static String handshake(Provider provider, int port) throws Exception {
    try (SocketChannel socket = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
      socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
      socket.socket().setSoTimeout(30_000);
      try (TlsChannel tls =
          TlsChannel.client(Fixtures.client(provider, "TLSv1.3"), socket, "localhost", port)) {
        ByteBuffer request = ByteBuffer.wrap(HANDSHAKE.getBytes(StandardCharsets.ISO_8859_1));
        while (request.hasRemaining()) {
          tls.write(request);
        }
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (!head.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
          buffer.clear();
          int n = tls.read(buffer);
          if (n < 0) {
            break;
          }
          head.write(buffer.array(), 0, n);
        }
        return head.toString(StandardCharsets.ISO_8859_1).toLowerCase();
      }
    }
  }
}
