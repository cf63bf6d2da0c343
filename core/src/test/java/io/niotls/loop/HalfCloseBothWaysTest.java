package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Half-close against a peer that is not niotls (the JDK's SSLSocket, which supports TLS 1.3
 * half-close): the peer ends its side first and still gets our answer; we end ours first and still
 * hear the peer's last words. And the plaintext counterpart with a TCP FIN.
 */
class HalfCloseBothWaysTest {
  private static final long LIMIT = 20;

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aPeerThatSendsCloseNotifyFirstStillGetsTheEchoOfItsLastBytes(Provider provider)
      throws Exception {
    Handlers<ModeHandler> handlers = new Handlers<>(ModeHandler::new);
    try (LoopWatch watch = new LoopWatch();
        TlsServer server = server(provider, handlers);
        JdkPeer peer = JdkPeer.connect(server.uri().port(), "TLSv1.3")) {
      byte[] last = "Elast words".getBytes(StandardCharsets.US_ASCII);
      peer.tls.getOutputStream().write(last);
      peer.tls.getOutputStream().flush();
      peer.tls.shutdownOutput(); // close_notify; our side stays open for reading

      InputStream in = peer.tls.getInputStream();
      assertThat(in.readNBytes(last.length)).isEqualTo(last);
      assertThat(in.read()).as("the server's close_notify ends the stream").isEqualTo(-1);
      ModeHandler handler = handlers.made.poll(LIMIT, TimeUnit.SECONDS);
      assertThat(handler.closed.get(LIMIT, TimeUnit.SECONDS).reason())
          .isEqualTo(CloseReason.CLOSE_NOTIFY);
      watch.assertNothingEscaped();
    }
  }

  /** Writes a goodbye and closes at once: what the peer sends afterwards is still recorded. */
  static final class ClosesFirst extends Recorder {
    @Override
    public void onOpen(TlsSession session) {
      super.onOpen(session);
      session.write(ByteBuffer.wrap("bye".getBytes(StandardCharsets.US_ASCII)));
      session.close();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aServerThatSendsCloseNotifyFirstStillHearsThePeersLastBytes(Provider provider)
      throws Exception {
    Handlers<ClosesFirst> handlers = new Handlers<>(ClosesFirst::new);
    try (LoopWatch watch = new LoopWatch();
        TlsServer server = server(provider, handlers);
        JdkPeer peer = JdkPeer.connect(server.uri().port(), "TLSv1.3")) {
      InputStream in = peer.tls.getInputStream();
      assertThat(new String(in.readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("bye");
      assertThat(in.read()).as("the server's close_notify").isEqualTo(-1);
      OutputStream out = peer.tls.getOutputStream();
      out.write("my last words".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      peer.tls.shutdownOutput();

      ClosesFirst handler = handlers.made.poll(LIMIT, TimeUnit.SECONDS);
      assertThat(handler.closed.get(LIMIT, TimeUnit.SECONDS).reason()).isEqualTo(CloseReason.LOCAL);
      assertThat(new String(handler.received(), StandardCharsets.US_ASCII))
          .isEqualTo("my last words");
      watch.assertNothingEscaped();
    }
  }

  @Test
  void aPlaintextPeerThatSendsFinFirstStillGetsTheEchoOfItsLastBytes() throws Exception {
    Handlers<ModeHandler> handlers = new Handlers<>(ModeHandler::new);
    try (LoopWatch watch = new LoopWatch();
        TlsServer server =
            TlsServer.bind(
                TransportUri.parse("tcp://127.0.0.1:0"),
                null,
                handlers,
                ServerOptions.builder().loopCount(1).build());
        Socket peer = new Socket(InetAddress.getLoopbackAddress(), server.uri().port())) {
      peer.setSoTimeout(20_000);
      byte[] last = "Elast words".getBytes(StandardCharsets.US_ASCII);
      peer.getOutputStream().write(last);
      peer.shutdownOutput();

      InputStream in = peer.getInputStream();
      assertThat(in.readNBytes(last.length)).isEqualTo(last);
      assertThat(in.read()).isEqualTo(-1);
      ModeHandler handler = handlers.made.poll(LIMIT, TimeUnit.SECONDS);
      assertThat(handler.closed.get(LIMIT, TimeUnit.SECONDS).reason()).isEqualTo(CloseReason.EOF);
      watch.assertNothingEscaped();
    }
  }

  private static TlsServer server(Provider provider, Handlers<? extends SessionHandler> handlers)
      throws Exception {
    TlsContext context = Contexts.server(provider, KeyType.EC_P256).build();
    return TlsServer.bind(
        TransportUri.parse("tls://127.0.0.1:0"),
        context,
        handlers,
        ServerOptions.builder().loopCount(1).build());
  }
}
