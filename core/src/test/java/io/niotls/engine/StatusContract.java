package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.DelegatedTasks;
import io.niotls.context.TlsContext;
import io.niotls.testing.Chunks;
import io.niotls.testing.MemoryPair;
import io.niotls.testing.PatternSource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each status of the contract, produced on purpose: WANT_WRITE from a full transport, WANT_TASK
 * with caller-run tasks, SYSCALL from truncation, SSL from hostile input, and the stickiness of a
 * fatal status. (OK and WANT_READ appear in every handshake; ZERO_RETURN, SENT and DONE in {@link
 * ShutdownContract}.)
 */
interface StatusContract extends Contract {

  @ParameterizedTest(name = "{0}")
  @FieldSource("io.niotls.engine.Cases#PROTOCOLS")
  default void aFullTransportReportsWantWriteAndNoByteIsEncryptedTwice(String protocol) {
    TlsContext client = peers().clientContext(protocol).build();
    TlsContext server = peers().serverContext(protocol).build();
    try (MemoryPair pair =
        MemoryPair.builder(client, server).outboundLimit(700).chunks(Chunks.upTo(700, 7)).build()) {
      pair.handshake();
      assertThat(pair.serverTranscript)
          .as("the server's first flight overflows 700 bytes")
          .contains(Status.WANT_WRITE);

      byte[] data = PatternSource.bytes(100_000, 7);
      ByteBuffer src = ByteBuffer.wrap(data);
      ByteBuffer received = ByteBuffer.allocate(data.length + 1);
      ByteBuffer dst = ByteBuffer.allocate(64 * 1024);
      int wantWrites = 0;
      for (int step = 0; step < 100_000 && received.position() < data.length; step++) {
        if (src.hasRemaining()) {
          int n = pair.client.write(src);
          assertThat(n > 0 || n == Status.WANT_WRITE.code()).as("write gave %s", n).isTrue();
          wantWrites += n == Status.WANT_WRITE.code() ? 1 : 0;
        } else if (pair.client.wantsWrite()) {
          pair.client.handshake();
        }
        pair.pump();
        for (int n = pair.server.read(dst); n > 0; n = pair.server.read(dst)) {
          received.put(dst.flip());
          dst.clear();
        }
      }

      assertThat(wantWrites).as("write() reported WANT_WRITE").isPositive();
      assertThat(received.flip().remaining()).isEqualTo(data.length);
      assertThat(received.array()).startsWith(data);
    }
  }

  @ParameterizedTest(name = "{0}")
  @FieldSource("io.niotls.engine.Cases#PROTOCOLS")
  default void callerTasksAreReportedAsWantTaskAndMayRunOnAnotherThread(String protocol)
      throws InterruptedException {
    TlsContext client =
        peers().clientContext(protocol).delegatedTasks(DelegatedTasks.CALLER).build();
    TlsContext server =
        peers().serverContext(protocol).delegatedTasks(DelegatedTasks.CALLER).build();
    ExecutorService worker = Executors.newSingleThreadExecutor();
    try (MemoryPair pair = MemoryPair.builder(client, server).build()) {
      pair.handshake(engine -> runOn(worker, engine::runTasks));

      assertThat(pair.clientTranscript).contains(Status.WANT_TASK).endsWith(Status.OK);
      assertThat(pair.serverTranscript).contains(Status.WANT_TASK).endsWith(Status.OK);
      byte[] data = PatternSource.bytes(20_000, 3);
      assertThat(pair.send(pair.client, pair.server, data)).isEqualTo(data);
    } finally {
      worker.shutdownNow();
      assertThat(worker.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void runOn(ExecutorService worker, Runnable task) {
    Future<?> done = worker.submit(task);
    try {
      done.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new AssertionError("runTasks() on the worker thread failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.engine.Cases#protocolExtremes")
  default void endOfStreamWithoutCloseNotifyIsTruncationNeverACleanEnd(
      String protocol, Chunks chunks) {
    TlsContext client = peers().clientContext(protocol).build();
    TlsContext server = peers().serverContext(protocol).build();
    try (MemoryPair pair = MemoryPair.builder(client, server).chunks(chunks).build()) {
      pair.handshake();
      byte[] data = PatternSource.bytes(5_000, 5);
      assertThat(pair.client.write(ByteBuffer.wrap(data))).isEqualTo(data.length);
      pair.pumpAll();
      pair.serverTransport.feedEof();

      MemoryPair.Received received = pair.readAll(pair.server);

      assertThat(received.bytes()).as("bytes before the cut arrive").isEqualTo(data);
      assertThat(received.status()).as("%s", pair).isEqualTo(Status.SYSCALL);
      assertThat(pair.server.failure())
          .hasMessage(
              "the peer closed the connection without close_notify: the data may be truncated");
      assertThat(pair.server.failure().status()).isEqualTo(Status.SYSCALL);
      assertThat(pair.server.isPeerClosed()).isFalse();
      assertThat(pair.server.read(ByteBuffer.allocate(10))).isEqualTo(Status.SYSCALL.code());
    }
  }

  @Test
  default void endOfStreamDuringTheHandshakeIsSyscallWithItsOwnMessage() {
    try (MemoryPair pair = pair("TLSv1.3")) {
      assertThat(pair.client.handshake()).isEqualTo(Status.WANT_READ);
      pair.clientTransport.feedEof();

      assertThat(pair.client.handshake()).isEqualTo(Status.SYSCALL);
      assertThat(pair.client.failure())
          .hasMessageStartingWith("the peer closed the connection during the handshake");
    }
  }

  @Test
  default void plaintextHttpSentToTheServerFailsWithSslAndSaysWhat() {
    try (MemoryPair pair = pair("TLSv1.3")) {
      pair.serverTransport.feed(
          "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

      assertThat(pair.server.handshake()).isEqualTo(Status.SSL);
      assertThat(pair.server.failure())
          .hasMessage(
              "the peer sent plaintext HTTP to a TLS endpoint: use https:// or a TLS client");
    }
  }

  @Test
  default void aRecordLongerThanTlsAllowsFailsWithRecordOverflow() {
    try (MemoryPair pair = pair("TLSv1.3")) {
      pair.handshake();
      pair.pumpAll();
      pair.clientTransport.feed(new byte[] {23, 3, 3, (byte) 0x7f, (byte) 0xff, 0, 0, 0});

      assertThat(pair.client.read(ByteBuffer.allocate(100))).isEqualTo(Status.SSL.code());
      assertThat(pair.client.failure().alert()).isEqualTo("record_overflow");
      assertThat(pair.client.failure())
          .hasMessage("the peer announced a 32767-byte record, more than the 16640 TLS allows");
    }
  }

  @Test
  default void afterAFatalErrorEveryCallFailsFastWithTheSameCause() {
    try (MemoryPair pair = pair("TLSv1.2")) {
      pair.serverTransport.feed(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
      assertThat(pair.server.handshake()).isEqualTo(Status.SSL);
      TlsException cause = pair.server.failure();
      assertThat(cause).hasMessageStartingWith("the peer sent data that is not TLS");
      pair.serverTransport.drainAll();
      pair.serverTransport.feed(new byte[] {22, 3, 3, 0, 1, 1});

      assertThat(pair.server.handshake()).isEqualTo(Status.SSL);
      assertThat(pair.server.read(ByteBuffer.allocate(10))).isEqualTo(Status.SSL.code());
      assertThat(pair.server.write(ByteBuffer.allocate(10))).isEqualTo(Status.SSL.code());
      assertThat(pair.server.shutdown()).isEqualTo(Status.SSL);
      assertThat(pair.server.status()).isEqualTo(Status.SSL);
      assertThat(pair.server.failure()).isSameAs(cause);
      assertThat(pair.serverTransport.pendingInbound()).as("nothing more was read").isEqualTo(6);
      assertThat(pair.serverTransport.pendingOutbound()).as("nothing more was sent").isZero();
      assertThat(pair.server.holdsBuffers()).isFalse();
    }
  }
}
