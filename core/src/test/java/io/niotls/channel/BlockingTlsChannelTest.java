package io.niotls.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.TlsContext;
import io.niotls.loop.CloseReason;
import io.niotls.loop.EchoHandler;
import io.niotls.loop.SessionHandler;
import io.niotls.loop.TlsClient;
import io.niotls.loop.TlsServer;
import io.niotls.loop.TlsSession;
import io.niotls.testing.Peers;
import io.niotls.testing.TestPki;
import io.niotls.uri.TransportUri;
import java.io.ByteArrayOutputStream;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Blocking TlsChannels on loopback against the niotls selector loop on the other side, and against
 * each other: every provider pairing, TLS 1.3 and 1.2.
 */
@Timeout(60) // a deadlock fails the test instead of hanging the build
class BlockingTlsChannelTest {
  private static final int MIB = 1 << 20;

  static Stream<Peers> pairings() {
    return Peers.pairings();
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.testing.Peers#pairingsAndProtocols")
  void aBlockingClientChannelGetsOneMebibyteBackFromATlsServerByteForByte(
      Peers peers, String protocol) throws Exception {
    TlsContext server = peers.serverContext(protocol).build();
    TlsContext client = peers.clientContext(protocol).build();
    byte[] payload = Payloads.random(MIB, 1);
    try (TlsServer s =
            TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), server, EchoHandler::new);
        TlsChannel tls =
            TlsChannel.client(
                client, SocketChannel.open(s.localAddress()), "localhost", s.uri().port())) {
      tls.handshake();
      assertThat(tls.session().protocol()).isEqualTo(protocol);
      assertThat(tls.session().peerFingerprint()).isEqualTo(TestPki.ec().server().sha256());

      CompletableFuture<Void> written = Payloads.writeOnThread(tls, payload);
      assertThat(Payloads.readDigest(tls, payload.length)).isEqualTo(Payloads.sha256(payload));
      written.get(20, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.testing.Peers#pairingsAndProtocols")
  void aClientThatOnlyHandshakesAndClosesResumesItsNextConnection(Peers peers, String protocol)
      throws Exception {
    TlsContext server = peers.serverContext(protocol).build();
    TlsContext client = peers.clientContext(protocol).build();
    try (TlsServer s =
        TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), server, EchoHandler::new)) {
      boolean[] resumed = new boolean[3];
      for (int i = 0; i < resumed.length; i++) {
        try (TlsChannel tls =
            TlsChannel.client(
                client, SocketChannel.open(s.localAddress()), "localhost", s.uri().port())) {
          tls.handshake();
          resumed[i] = tls.session().resumed();
        }
      }
      assertThat(resumed).containsExactly(false, true, true);
    }
  }

  @Test
  void aClientWhoseServerSendsNoTicketsClosesWithinTheTicketWaitAndTheChannelHasTcpNoDelay()
      throws Exception {
    TlsContext server =
        Peers.BORINGSSL_BORINGSSL.serverContext("TLSv1.3").sessionTickets(false).build();
    TlsContext client = Peers.BORINGSSL_BORINGSSL.clientContext("TLSv1.3").build();
    try (TlsServer s =
        TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), server, EchoHandler::new)) {
      for (int i = 0; i < 2; i++) {
        SocketChannel socket = SocketChannel.open(s.localAddress());
        TlsChannel tls = TlsChannel.client(client, socket, "localhost", s.uri().port());
        assertThat(socket.getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
        tls.handshake();
        assertThat(tls.session().resumed()).as("no tickets, nothing to resume").isFalse();
        long before = System.nanoTime();
        tls.close();
        assertThat((System.nanoTime() - before) / 1_000_000)
            .as("close waits for tickets at most TicketLinger.MAX_MILLIS (and a little)")
            .isLessThan(TicketLinger.MAX_MILLIS + 100);
      }
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.testing.Peers#pairingsAndProtocols")
  void aBlockingServerChannelPerConnectionEchoesOneMebibyteToATlsClient(
      Peers peers, String protocol) throws Exception {
    TlsContext server = peers.serverContext(protocol).build();
    TlsContext client = peers.clientContext(protocol).build();
    byte[] payload = Payloads.random(MIB, 2);
    try (ChannelServer s = new ChannelServer(server, ChannelServer::echo);
        TlsClient c = TlsClient.create()) {
      Collect collect = new Collect(payload);
      c.connect(TransportUri.parse("tls://localhost:" + s.port()), client, collect);
      byte[] echoed = collect.result.get(30, TimeUnit.SECONDS);
      assertThat(Payloads.sha256(echoed)).isEqualTo(Payloads.sha256(payload));
      // the client closed with close_notify: the server's read saw -1 and it had echoed it all
      assertThat(s.result(0).get(10, TimeUnit.SECONDS)).isEqualTo((long) MIB);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairings")
  void oneReaderAndOneWriterThreadMoveFourMebibytesEachWayAtOnceWithoutDeadlock(Peers peers)
      throws Exception {
    TlsContext server = peers.serverContext("TLSv1.3").build();
    TlsContext client = peers.clientContext("TLSv1.3").build();
    byte[] up = Payloads.random(4 * MIB, 3);
    byte[] down = Payloads.random(4 * MIB, 4);
    // Both sides write 4 MiB while the other writes too: each only gets through because its own
    // reader keeps draining the socket while its writer is blocked on a full one.
    try (ChannelServer s =
            new ChannelServer(
                server,
                ch -> {
                  CompletableFuture<Void> sent = Payloads.writeOnThread(ch, down);
                  byte[] digest = Payloads.readDigest(ch, up.length);
                  sent.get(30, TimeUnit.SECONDS);
                  ch.shutdown();
                  assertThat(ch.read(ByteBuffer.allocate(1))).isEqualTo(-1);
                  return digest;
                });
        TlsChannel tls =
            TlsChannel.client(client, SocketChannel.open(s.address()), "localhost", s.port())) {
      CompletableFuture<Void> sent = Payloads.writeOnThread(tls, up);
      assertThat(Payloads.readDigest(tls, down.length)).isEqualTo(Payloads.sha256(down));
      sent.get(30, TimeUnit.SECONDS);
      tls.shutdown();
      assertThat(tls.read(ByteBuffer.allocate(1))).isEqualTo(-1);
      assertThat((byte[]) s.result(0).get(30, TimeUnit.SECONDS)).isEqualTo(Payloads.sha256(up));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairings")
  void anIdleReaderHoldsNoPoolBufferAndRecordsLongerThanItsBufferArriveWholeInSmallAndLargeReads(
      Peers peers) throws Exception {
    TlsContext server = peers.serverContext("TLSv1.3").build();
    TlsContext client = peers.clientContext("TLSv1.3").build();
    byte[] payload = Payloads.random(40_000, 5); // three records, the first two full
    try (ChannelServer s = new ChannelServer(server, ChannelServer::echo);
        TlsChannel tls =
            TlsChannel.client(client, SocketChannel.open(s.address()), "localhost", s.port())) {
      tls.handshake();
      ByteBuffer first = ByteBuffer.allocate(10_000); // shorter than a record
      CompletableFuture<Integer> blocked = new CompletableFuture<>();
      Thread reader =
          new Thread(
              () -> {
                try {
                  blocked.complete(tls.read(first));
                } catch (Throwable t) {
                  blocked.completeExceptionally(t);
                }
              });
      reader.start();
      try {
        Thread.sleep(300); // the reader is blocked: the server has sent no data (tickets at most)
        assertThat(blocked).isNotDone();
        assertThat(client.bufferPool().outstanding()).as("pool buffers held while idle").isZero();

        tls.write(ByteBuffer.wrap(payload));
        int n = blocked.get(10, TimeUnit.SECONDS);
        ByteArrayOutputStream echoed = new ByteArrayOutputStream();
        echoed.write(first.array(), 0, n);
        java.io.InputStream in = java.nio.channels.Channels.newInputStream(tls);
        for (int i = 0; i < 300; i++) { // a byte at a time: the reader lends no room
          int b = in.read();
          assertThat(b).isNotNegative();
          echoed.write(b);
        }
        ByteBuffer large = ByteBuffer.allocate(64 * 1024);
        while (echoed.size() < payload.length) {
          int m = tls.read(large.clear());
          assertThat(m).as("the echo ended after %d bytes", echoed.size()).isPositive();
          echoed.write(large.array(), 0, m);
        }
        assertThat(echoed.toByteArray()).isEqualTo(payload);
        assertThat(client.bufferPool().outstanding()).as("pool buffers held once read").isZero();
      } finally {
        reader.join(10_000);
      }
    }
  }

  /** Sends a payload once open, collects the echo, closes when it is all back. */
  private static final class Collect implements SessionHandler {
    final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final byte[] payload;
    private final ByteArrayOutputStream echoed = new ByteArrayOutputStream();
    private int offered;

    Collect(byte[] payload) {
      this.payload = payload;
    }

    @Override
    public void onOpen(TlsSession session) {
      onWritable(session);
    }

    @Override
    public void onWritable(TlsSession session) {
      while (offered < payload.length
          && session.write(
              ByteBuffer.wrap(payload, offered, Math.min(65_536, payload.length - offered)))) {
        offered += Math.min(65_536, payload.length - offered);
      }
    }

    @Override
    public void onData(TlsSession session, ByteBuffer data) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      echoed.writeBytes(bytes);
      if (echoed.size() >= payload.length) {
        session.close();
      }
    }

    @Override
    public void onClosed(TlsSession session, CloseReason reason, Throwable cause) {
      if (echoed.size() == payload.length && reason == CloseReason.LOCAL) {
        result.complete(echoed.toByteArray());
      } else {
        result.completeExceptionally(
            new AssertionError(
                "closed by " + reason + " after " + echoed.size() + " bytes came back", cause));
      }
    }
  }
}
