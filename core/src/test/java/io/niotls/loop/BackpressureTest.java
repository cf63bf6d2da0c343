package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Bounded outbound queues and reading that stops when the application does not keep up. */
class BackpressureTest {
  private static final int LIMIT = 64 * 1024;
  private static final int CHUNK = 16 * 1024;

  /** A server handler that does not read until told to. */
  static final class Sink extends Recorder {
    @Override
    public void onOpen(TlsSession session) {
      session.setAutoRead(false);
      super.onOpen(session);
    }
  }

  /** A client handler that says when its session is writable again. */
  static final class Writer extends Recorder {
    volatile CompletableFuture<Void> writable = new CompletableFuture<>();

    @Override
    public void onWritable(TlsSession session) {
      writable.complete(null);
    }
  }

  /** A client that wrote until refused, with everything it got taken. */
  record Filled(TlsSession client, TlsSession server, Sink sink, Writer writer, byte[] taken) {}

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aPeerThatStopsReadingGetsNothingAndFillsTheWritersQueue(Provider provider) throws Exception {
    try (Pair pair = new Pair(provider)) {
      Filled filled = pair.fill();
      assertThat(filled.sink().received()).as("nothing delivered while reading is off").isEmpty();
      assertThat(filled.client().queuedBytes())
          .as("above the half-limit mark that would call onWritable")
          .isGreaterThan(LIMIT / 2);
      assertThat(filled.writer().writable).isNotDone();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void onceThePeerReadsAgainTheWriterHearsItIsWritableAndEveryByteArrives(Provider provider)
      throws Exception {
    try (Pair pair = new Pair(provider)) {
      Filled filled = pair.fill();
      filled.server().setAutoRead(true);

      filled.writer().writable.get(20, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (filled.sink().received().length < filled.taken().length
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(Arrays.equals(filled.sink().received(), filled.taken()))
          .as("all %d bytes arrived in order", filled.taken().length)
          .isTrue();
    }
  }

  /** A TLS server with a Sink handler, and a client with a small outbound queue. */
  static final class Pair implements AutoCloseable {
    final TlsServer server;
    final TlsClient client;
    final Handlers<Sink> sinks = new Handlers<>(Sink::new);
    final TlsContext clientContext;

    Pair(Provider provider) throws Exception {
      TlsContext serverContext = Contexts.server(provider, KeyType.EC_P256).build();
      clientContext = Contexts.client(provider, KeyType.EC_P256).build();
      server =
          TlsServer.bind(
              TransportUri.parse("tls://127.0.0.1:0"),
              serverContext,
              sinks,
              ServerOptions.builder().loopCount(1).build());
      client =
          TlsClient.create(ClientOptions.builder().loopCount(1).maxOutboundBytes(LIMIT).build());
    }

    /**
     * Writes numbered chunks from this (non-loop) thread until a write is refused and stays
     * refused: a refusal followed by onWritable only means the loop had not yet moved the queue
     * into a socket with room left.
     */
    Filled fill() throws Exception {
      Writer writer = new Writer();
      TlsSession session =
          client.connect(server.uri(), clientContext, writer).get(20, TimeUnit.SECONDS);
      Sink sink = sinks.made.poll(20, TimeUnit.SECONDS);
      TlsSession serverSide = sink.opened.get(20, TimeUnit.SECONDS);
      ByteArrayOutputStream taken = new ByteArrayOutputStream();
      for (int i = 0; i < 100_000; i++) {
        byte[] chunk = new byte[CHUNK];
        Arrays.fill(chunk, (byte) (i % 251));
        ByteBuffer src = ByteBuffer.wrap(chunk);
        while (!session.write(src)) {
          assertThat(src.remaining()).as("a refused write takes nothing").isEqualTo(CHUNK);
          try {
            writer.writable.get(300, TimeUnit.MILLISECONDS);
            writer.writable = new CompletableFuture<>();
          } catch (TimeoutException full) {
            return new Filled(session, serverSide, sink, writer, taken.toByteArray());
          }
        }
        assertThat(src.hasRemaining()).as("a taken write takes everything").isFalse();
        taken.write(chunk);
      }
      throw new AssertionError("100,000 writes were all taken: the queue is not bounded");
    }

    @Override
    public void close() {
      client.close();
      server.close();
    }
  }
}
