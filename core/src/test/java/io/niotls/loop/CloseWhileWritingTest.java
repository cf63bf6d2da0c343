package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The application closes a session from one thread while others write to it and its outbound queue
 * is full: what was taken before the close arrives, in order and whole, before close_notify; the
 * writers get false, never an exception; the handler hears the close once.
 */
class CloseWhileWritingTest {
  private static final long LIMIT = 20;
  private static final int CHUNK = 1024;

  /** Counts onClosed calls. */
  static final class Counting extends Recorder {
    final AtomicInteger closes = new AtomicInteger();

    @Override
    public void onClosed(TlsSession session, CloseReason reason, Throwable cause) {
      closes.incrementAndGet();
      super.onClosed(session, reason, cause);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void everyWriteTakenBeforeCloseArrivesInOrderBeforeCloseNotify(Provider provider)
      throws Exception {
    try (Pair pair = new Pair(provider)) {
      pair.reader.setAutoRead(false); // the peer does not read yet: the server's queue fills up
      AtomicInteger taken = new AtomicInteger();
      CountDownLatch enough = new CountDownLatch(1);
      ExecutorService threads = Executors.newFixedThreadPool(2);
      try {
        Future<?> writer =
            threads.submit(
                () -> {
                  for (int i = 0; i < 1_000_000; i++) {
                    if (pair.serverSide.write(ByteBuffer.wrap(chunk(i)))) {
                      taken.incrementAndGet();
                      if (i == 200) {
                        enough.countDown();
                      }
                    } else if (!pair.serverSide.isOpen()) {
                      return null;
                    } else {
                      i--; // full: the same chunk again
                      Thread.onSpinWait();
                    }
                  }
                  throw new AssertionError("the session never stopped taking writes");
                });
        assertThat(enough.await(LIMIT, TimeUnit.SECONDS)).isTrue();
        int takenBeforeClose = taken.get();
        var closed = threads.submit(() -> pair.serverSide.close()).get(LIMIT, TimeUnit.SECONDS);
        pair.reader.setAutoRead(true);

        writer.get(LIMIT, TimeUnit.SECONDS);
        closed.get(LIMIT, TimeUnit.SECONDS);
        Recorder.Closed peer = pair.client.closed.get(LIMIT, TimeUnit.SECONDS);
        assertThat(peer.reason())
            .as("the peer got close_notify")
            .isEqualTo(CloseReason.CLOSE_NOTIFY);
        Counting server = pair.handler();
        assertThat(server.closed.get(LIMIT, TimeUnit.SECONDS).reason())
            .isEqualTo(CloseReason.LOCAL);

        byte[] received = pair.client.received();
        assertThat(received.length % CHUNK).as("only whole chunks").isZero();
        int chunks = received.length / CHUNK;
        assertThat(chunks)
            .isGreaterThanOrEqualTo(takenBeforeClose)
            .isLessThanOrEqualTo(taken.get());
        for (int i = 0; i < chunks; i++) {
          assertThat(ByteBuffer.wrap(received, i * CHUNK, CHUNK))
              .as("chunk %d", i)
              .isEqualTo(ByteBuffer.wrap(chunk(i)));
        }
        assertThat(server.closes).hasValue(1);
        System.out.printf(
            "%s: %d chunks taken before close(), %d taken in all, %d arrived%n",
            provider, takenBeforeClose, taken.get(), chunks);
      } finally {
        threads.shutdownNow();
      }
      pair.assertHealthy();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void writersRacingACloseFromManyThreadsGetFalseNeverAnException(Provider provider)
      throws Exception {
    try (Pair pair = new Pair(provider)) {
      int writers = 4;
      ExecutorService threads = Executors.newFixedThreadPool(writers + 1);
      CountDownLatch started = new CountDownLatch(writers);
      try {
        List<Future<Integer>> results = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          results.add(
              threads.submit(
                  () -> {
                    started.countDown();
                    int n = 0;
                    for (int i = 0; i < 10_000_000; i++) {
                      if (pair.serverSide.write(ByteBuffer.wrap(new byte[64]))) {
                        n++;
                      } else if (!pair.serverSide.isOpen()) {
                        return n;
                      }
                    }
                    throw new AssertionError("the session never stopped taking writes");
                  }));
        }
        assertThat(started.await(LIMIT, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(50);
        threads.submit(() -> pair.serverSide.close()).get(LIMIT, TimeUnit.SECONDS);
        int taken = 0;
        for (Future<Integer> r : results) {
          taken += r.get(LIMIT, TimeUnit.SECONDS);
        }
        assertThat(taken).isPositive();
        pair.serverSide.closeFuture().get(LIMIT, TimeUnit.SECONDS);
        assertThat(pair.serverSide.write(ByteBuffer.wrap(new byte[1]))).isFalse();
        assertThat(pair.handler().closes).hasValue(1);
      } finally {
        threads.shutdownNow();
      }
      pair.assertHealthy();
    }
  }

  /** Chunk {@code i}: its number, then a byte pattern that depends on it. */
  private static byte[] chunk(int i) {
    ByteBuffer b = ByteBuffer.allocate(CHUNK).putInt(i);
    while (b.hasRemaining()) {
      b.put((byte) (i * 31 + b.position()));
    }
    return b.array();
  }

  /** A server whose session the test drives from its own threads, and a recording client. */
  static final class Pair implements AutoCloseable {
    final LoopWatch watch = new LoopWatch();
    final TlsContext serverContext;
    final TlsContext clientContext;
    final Handlers<Counting> handlers = new Handlers<>(Counting::new);
    final TlsServer server;
    final TlsClient tlsClient;
    final Recorder client = new Recorder();
    final TlsSession reader;
    final TlsSession serverSide;

    Pair(Provider provider) throws Exception {
      serverContext = Contexts.server(provider, KeyType.EC_P256).build();
      clientContext = Contexts.client(provider, KeyType.EC_P256).build();
      server =
          TlsServer.bind(
              TransportUri.parse("tls://127.0.0.1:0"),
              serverContext,
              handlers,
              ServerOptions.builder().loopCount(1).maxOutboundBytes(64 * 1024).build());
      tlsClient = TlsClient.create(ClientOptions.builder().loopCount(1).build());
      reader = tlsClient.connect(server.uri(), clientContext, client).get(LIMIT, TimeUnit.SECONDS);
      serverSide = handlers.made.peek().opened.get(LIMIT, TimeUnit.SECONDS);
    }

    Counting handler() {
      return handlers.made.peek();
    }

    void assertHealthy() throws Exception {
      LoopWatch.serves(server, clientContext);
      assertThat(PeerFaultTest.awaitOutstanding(serverContext)).isZero();
      assertThat(PeerFaultTest.awaitOutstanding(clientContext)).isZero();
      watch.assertNothingEscaped();
    }

    @Override
    public void close() {
      try {
        tlsClient.close();
        server.close();
      } finally {
        watch.close();
      }
    }
  }
}
