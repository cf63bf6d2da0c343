package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.TlsException;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Slow and stuck peers against the handshake deadline, which runs from accept and which no byte a
 * peer sends extends: a ClientHello trickled a byte at a time is cut off on time, and a flood of a
 * thousand connections that never send a byte, or never finish their ClientHello, neither delays a
 * legitimate client nor leaves a socket or a buffer behind once the deadline has passed.
 *
 * <p>Both ends of every flood connection are in this JVM: the flood is sized to what {@code ulimit
 * -n} leaves room for (1,000, or fewer down to 200; below that the test fails saying how to raise
 * the limit).
 */
class StuckPeerTest {
  private static final int MAX_FLOOD = 1_000;

  /** Below this a flood proves little: fail, saying how to raise the limit, rather than run. */
  private static final int MIN_FLOOD = 200;

  /** Well above a legitimate handshake on a loaded 2-core machine, far below the deadline. */
  private static final Duration PROMPT = Duration.ofSeconds(2);

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aClientHelloTrickledAByteEvery100MsIsCutOffAtTheDeadlineFromAccept(Provider provider)
      throws Exception {
    Duration deadline = Duration.ofSeconds(1);
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256).handshakeTimeout(deadline).build();
    byte[] hello = ClientHellos.of(Contexts.client(provider, KeyType.EC_P256).build());
    Handlers<Recorder> handlers = new Handlers<>(Recorder::new);
    try (LoopWatch watch = new LoopWatch();
        TlsServer server =
            TlsServer.bind(
                TransportUri.parse("tls://127.0.0.1:0"),
                serverContext,
                handlers,
                ServerOptions.builder().loopCount(1).build());
        Socket peer = new Socket(InetAddress.getLoopbackAddress(), server.uri().port())) {
      long connected = System.nanoTime();
      peer.setSoTimeout(100); // the pace: one byte, then up to 100 ms waiting for the server
      OutputStream out = peer.getOutputStream();
      InputStream in = peer.getInputStream();
      int sent = 0;
      long cutOff = -1;
      while (cutOff < 0 && sent < hello.length) {
        try {
          out.write(hello[sent]);
          sent++;
          if (in.read() < 0) {
            cutOff = System.nanoTime() - connected;
          }
        } catch (SocketTimeoutException stillWaiting) {
          // the server is still waiting for the rest: trickle on
        } catch (IOException reset) {
          cutOff = System.nanoTime() - connected;
        }
      }

      assertThat(cutOff).as("the server closed the connection").isPositive();
      assertThat(sent).as("bytes trickled").isLessThan(hello.length);
      assertThat(Duration.ofNanos(cutOff))
          .isGreaterThanOrEqualTo(deadline.minusMillis(50))
          .isLessThan(deadline.plus(PROMPT));
      Recorder.Closed closed =
          handlers.made.poll(5, TimeUnit.SECONDS).closed.get(5, TimeUnit.SECONDS);
      assertThat(closed.reason()).isEqualTo(CloseReason.TIMEOUT);
      assertThat(closed.cause())
          .isInstanceOf(TlsException.class)
          .hasMessageContaining("did not finish within 1000 ms");
      System.out.printf(
          "%s: %d of %d ClientHello bytes trickled, cut off after %d ms (deadline %d ms)%n",
          provider, sent, hello.length, cutOff / 1_000_000, deadline.toMillis());
      watch.assertNothingEscaped();
    }
  }

  /** What each connection of the flood does before it goes quiet. */
  enum Flood {
    /** Connects and never sends a byte. */
    SILENT,
    /** Sends half a ClientHello: the server holds a partial record for it. */
    HALF_HELLO
  }

  @ParameterizedTest(name = "{0}, {1}")
  @CsvSource({"JDK,SILENT", "JDK,HALF_HELLO", "OPENSSL,SILENT", "OPENSSL,HALF_HELLO"})
  void aThousandStuckConnectionsNeitherDelayALegitimateClientNorOutliveTheirDeadline(
      Provider provider, Flood kind) throws Exception {
    // both ends of every connection are ours: size the flood to the descriptors we may open
    int room = (int) Math.min(Integer.MAX_VALUE, Descriptors.softLimit() - Descriptors.open());
    int flood = Math.min(MAX_FLOOD, (room - 256) / 2);
    Descriptors.requireRoom(
        2 * Math.max(flood, MIN_FLOOD) + 256, "a flood of loopback connections");
    Duration deadline = Duration.ofSeconds(3);
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256).handshakeTimeout(deadline).build();
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).build();
    byte[] half = Arrays.copyOf(ClientHellos.of(clientContext), 100);
    try (LoopWatch watch = new LoopWatch();
        TlsServer server =
            TlsServer.bind(
                TransportUri.parse("tls://127.0.0.1:0"),
                serverContext,
                EchoHandler::new,
                ServerOptions.defaults());
        TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      exchange(client, server, clientContext); // opens what a first session opens lazily
      int baseline = Descriptors.settled();
      List<Socket> stuck = new ArrayList<>();
      try {
        for (int i = 0; i < flood; i++) {
          Socket s = new Socket(InetAddress.getLoopbackAddress(), server.uri().port());
          stuck.add(s);
          if (kind == Flood.HALF_HELLO) {
            s.getOutputStream().write(half);
          }
        }
        awaitStats(server, s -> s.accepted() == flood + 1, "the flood accepted");
        if (kind == Flood.HALF_HELLO) {
          awaitOutstanding(serverContext, flood);
        }
        long heldDuringFlood = serverContext.bufferPool().outstanding();

        long slowest = 0;
        for (int i = 0; i < 5; i++) {
          slowest = Math.max(slowest, exchange(client, server, clientContext));
        }
        ServerStats during = server.stats();
        assertThat(during.concurrentHandshakes())
            .as("the whole flood still stuck while the legitimate clients ran")
            .isEqualTo(flood);
        assertThat(Duration.ofNanos(slowest)).isLessThan(PROMPT);

        awaitStats(server, s -> s.handshakesFailed() == flood, "every stuck handshake timed out");
        assertThat(server.stats().activeSessions()).isZero();
        int afterDeadline = Descriptors.awaitAtMost(baseline + flood, Duration.ofSeconds(5));
        assertThat(afterDeadline)
            .as("descriptors: only our ends of the flood remain open")
            .isLessThanOrEqualTo(baseline + flood);
        assertThat(PeerFaultTest.awaitOutstanding(serverContext)).as("server buffers").isZero();
        for (Socket s : stuck) {
          s.setSoTimeout(5_000);
          assertThat(readToEnd(s)).as("the server closed it").isTrue();
        }
        System.out.printf(
            "%s %s flood of %d: slowest legitimate handshake+echo %d ms, %d buffers held by the"
                + " flood, %d descriptors before, %d after the deadline (without our %d ends)%n",
            provider,
            kind,
            flood,
            slowest / 1_000_000,
            heldDuringFlood,
            baseline,
            afterDeadline - flood,
            flood);
      } finally {
        for (Socket s : stuck) {
          s.close();
        }
      }
      assertThat(Descriptors.awaitAtMost(baseline, Duration.ofSeconds(5)))
          .isLessThanOrEqualTo(baseline);
      LoopWatch.serves(server, clientContext);
      watch.assertNothingEscaped();
    }
  }

  /** One echo exchange; returns how long connect, handshake and echo took, in nanoseconds. */
  private static long exchange(TlsClient client, TlsServer server, TlsContext context)
      throws Exception {
    long start = System.nanoTime();
    Exchange exchange = new Exchange(new byte[] {1, 2, 3});
    client.connect(server.uri(), context, exchange);
    exchange.result.get(20, TimeUnit.SECONDS);
    return System.nanoTime() - start;
  }

  private static void awaitStats(
      TlsServer server, java.util.function.Predicate<ServerStats> done, String what)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.test(server.stats()) && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(done.test(server.stats())).as(what + ": " + server.stats()).isTrue();
  }

  private static void awaitOutstanding(TlsContext context, long n) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (context.bufferPool().outstanding() < n && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(context.bufferPool().outstanding())
        .as("one buffer per partial ClientHello")
        .isEqualTo(n);
  }

  /** True when the stream ends (EOF or reset) without data. */
  private static boolean readToEnd(Socket s) throws IOException {
    try {
      return s.getInputStream().read() < 0;
    } catch (java.net.SocketException reset) {
      return true;
    }
  }
}
