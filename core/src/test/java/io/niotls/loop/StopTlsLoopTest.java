package io.niotls.loop;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.channel.TlsChannel;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.TlsException;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TlsSession#stopTls()} on a loop server against a blocking {@link TlsChannel} client on
 * loopback: what was written before the call goes out over TLS (more than the socket takes at
 * once), what was written after it as plaintext; and the ways a stop fails.
 */
@Timeout(60) // a deadlock fails the test instead of hanging the build
class StopTlsLoopTest {
  private static final int MIB = 1 << 20;
  private static final int TLS_BYTES = 200 * 1024; // below maxOutboundBytes: both writes fit

  /** On the first data ("STOP"): writes TLS_BYTES, asks for stopTls, writes a plaintext line. */
  private static final class Stopper extends Recorder {
    final CompletableFuture<TlsSession> stop = new CompletableFuture<>();
    private final int tlsBytes;

    Stopper(int tlsBytes) {
      this.tlsBytes = tlsBytes;
    }

    @Override
    public void onData(TlsSession session, ByteBuffer data) {
      super.onData(session, data);
      if (stop.isDone() || session.info() == null) {
        return; // the plaintext after the stop
      }
      byte[] block = new byte[tlsBytes];
      Arrays.fill(block, (byte) 't');
      assertThat(session.write(ByteBuffer.wrap(block))).isTrue();
      session.stopTls().whenComplete((s, e) -> complete(s, e));
      assertThat(session.write(ByteBuffer.wrap("plain from the loop\n".getBytes(US_ASCII))))
          .isTrue();
    }

    private void complete(TlsSession s, Throwable e) {
      if (e != null) {
        stop.completeExceptionally(e);
      } else {
        stop.complete(s);
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void bytesWrittenBeforeStopTlsGoOutOverTlsAndBytesWrittenAfterItAsPlaintext(
      Provider provider, String protocol) throws Exception {
    stopAfterTlsBytes(
        provider,
        protocol,
        TLS_BYTES,
        ServerOptions.defaults(),
        Duration.ZERO,
        Duration.ofSeconds(3));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void aStopBehindMoreTlsBytesThanTheSocketTakesWaitsForTheSocketAndLosesNothing(
      Provider provider, String protocol) throws Exception {
    ServerOptions roomy = ServerOptions.builder().maxOutboundBytes(32 * MIB).build();
    // The client reads nothing for a while: the socket fills, the TLS bytes and the close_notify
    // wait for OP_WRITE. The close timeout bounds the whole stop, writing them included: a slow
    // machine gets room.
    stopAfterTlsBytes(
        provider, protocol, 8 * MIB, roomy, Duration.ofMillis(300), Duration.ofSeconds(30));
  }

  private static void stopAfterTlsBytes(
      Provider provider,
      String protocol,
      int tlsBytes,
      ServerOptions options,
      Duration pause,
      Duration closeTimeout)
      throws Exception {
    TlsContext server =
        Contexts.server(provider, KeyType.EC_P256)
            .protocols(protocol)
            .closeTimeout(closeTimeout)
            .build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    Stopper stopper = new Stopper(tlsBytes);
    try (TlsServer s =
            TlsServer.bind(
                TransportUri.parse("tls://127.0.0.1:0"), server, () -> stopper, options);
        TlsChannel tls =
            TlsChannel.client(client, SocketChannel.open(s.localAddress()), "localhost", 443)) {
      tls.write(ByteBuffer.wrap("STOP\n".getBytes(US_ASCII)));
      Thread.sleep(pause.toMillis());
      ByteBuffer tlsData = ByteBuffer.allocate(tlsBytes + 1);
      int n;
      while ((n = tls.read(tlsData)) > 0) {
        // the loop's TLS bytes, up to its close_notify
      }
      assertThat(n).as("read() at the loop's close_notify").isEqualTo(-1);
      assertThat(tlsData.position()).isEqualTo(tlsBytes);
      assertThat(tls.stopTls()).isTrue();
      assertThat(readLine(tls)).isEqualTo("plain from the loop");

      TlsSession session = stopper.stop.get(30, TimeUnit.SECONDS);
      assertThat(session.info()).isNull();
      assertThat(session.isOpen()).isTrue();
      tls.write(ByteBuffer.wrap("plain from the channel\n".getBytes(US_ASCII)));
      tls.underlying().close();
      Recorder.Closed closed = stopper.closed.get(10, TimeUnit.SECONDS);
      assertThat(closed.reason()).as("%s", closed.cause()).isEqualTo(CloseReason.EOF);
      assertThat(new String(stopper.received(), US_ASCII))
          .isEqualTo("STOP\nplain from the channel\n");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void aPeerThatClosesTcpInsteadOfAnsweringFailsTheStopWithAnIoException(
      Provider provider, String protocol) throws Exception {
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    Stopper stopper = new Stopper(1);
    try (TlsServer s =
            TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), server, () -> stopper);
        TlsChannel tls =
            TlsChannel.client(client, SocketChannel.open(s.localAddress()), "localhost", 443)) {
      tls.write(ByteBuffer.wrap("STOP\n".getBytes(US_ASCII)));
      ByteBuffer sink = ByteBuffer.allocate(64);
      while (tls.read(sink.clear()) >= 0) {
        // up to the loop's close_notify
      }
      tls.underlying().close(); // FIN instead of close_notify

      assertThatThrownBy(() -> stopper.stop.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IOException.class)
          .hasMessageContaining("closed the TCP connection instead of answering with close_notify")
          .cause()
          .isInstanceOf(TlsException.class);
      Recorder.Closed closed = stopper.closed.get(10, TimeUnit.SECONDS);
      assertThat(closed.reason()).isEqualTo(CloseReason.TRUNCATED);
      assertThat(new String(stopper.received(), US_ASCII)).isEqualTo("STOP\n");
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void aPeerThatNeverAnswersEndsTheStopAtTheCloseTimeout(Provider provider, String protocol)
      throws Exception {
    TlsContext server =
        Contexts.server(provider, KeyType.EC_P256)
            .protocols(protocol)
            .closeTimeout(Duration.ofMillis(300))
            .build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    Stopper stopper = new Stopper(1);
    try (TlsServer s =
            TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), server, () -> stopper);
        TlsChannel tls =
            TlsChannel.client(client, SocketChannel.open(s.localAddress()), "localhost", 443)) {
      tls.write(ByteBuffer.wrap("STOP\n".getBytes(US_ASCII))); // then silent
      assertThatThrownBy(() -> stopper.stop.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IOException.class)
          .hasMessageContaining("did not come within PT0.3S");
      assertThat(stopper.closed.get(10, TimeUnit.SECONDS).reason()).isEqualTo(CloseReason.TIMEOUT);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("io.niotls.testing.Matrix#providersAndProtocols")
  void aCloseAskedForDuringTheStopWaitsForItAndSendsThePlaintextQueuedFirst(
      Provider provider, String protocol) throws Exception {
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    Recorder closer =
        new Recorder() {
          @Override
          public void onData(TlsSession session, ByteBuffer data) {
            super.onData(session, data);
            session.write(ByteBuffer.wrap("last over tls\n".getBytes(US_ASCII)));
            session.stopTls();
            session.write(ByteBuffer.wrap("bye in the clear\n".getBytes(US_ASCII)));
            session.close();
          }
        };
    try (TlsServer s =
            TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), server, () -> closer);
        TlsChannel tls =
            TlsChannel.client(client, SocketChannel.open(s.localAddress()), "localhost", 443)) {
      tls.write(ByteBuffer.wrap("STOP\n".getBytes(US_ASCII)));
      assertThat(readLine(tls)).isEqualTo("last over tls");
      assertThat(tls.read(ByteBuffer.allocate(16))).as("the loop's close_notify").isEqualTo(-1);
      assertThat(tls.stopTls()).isTrue();
      assertThat(readLine(tls)).isEqualTo("bye in the clear");
      assertThat(tls.read(ByteBuffer.allocate(16))).as("then the plaintext end").isEqualTo(-1);
      assertThat(closer.closed.get(10, TimeUnit.SECONDS).reason()).isEqualTo(CloseReason.LOCAL);
    }
  }

  @Test
  void stopTlsOnAPlaintextSessionIsRefusedWithTheReason() throws Exception {
    Recorder recorder = new Recorder();
    try (TlsServer s =
            TlsServer.bind(TransportUri.parse("tcp://127.0.0.1:0"), null, () -> recorder);
        SocketChannel peer = SocketChannel.open(s.localAddress())) {
      TlsSession session = recorder.opened.get(10, TimeUnit.SECONDS);
      assertThatThrownBy(() -> session.stopTls().get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("cannot stopTls: the session speaks plaintext");
      assertThat(session.isOpen()).isTrue();
    }
  }

  private static String readLine(TlsChannel tls) throws IOException {
    StringBuilder line = new StringBuilder();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (true) {
      if (tls.read(one.clear()) < 0) {
        throw new AssertionError("the stream ended after '" + line + "'");
      }
      char c = (char) one.get(0);
      if (c == '\n') {
        return line.toString();
      }
      line.append(c);
    }
  }
}
