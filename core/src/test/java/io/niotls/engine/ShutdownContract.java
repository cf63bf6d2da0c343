package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.context.TlsContext;
import io.niotls.testing.Chunks;
import io.niotls.testing.MemoryPair;
import io.niotls.testing.PatternSource;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Closing in OpenSSL's two steps: SENT until the peer's close_notify is seen, then DONE; the peer
 * reads ZERO_RETURN. In both orders and at once.
 */
interface ShutdownContract extends Contract {

  private MemoryPair established(String protocol, Chunks chunks) {
    TlsContext client = peers().clientContext(protocol).build();
    TlsContext server = peers().serverContext(protocol).build();
    MemoryPair pair = MemoryPair.builder(client, server).chunks(chunks).build();
    pair.handshake();
    pair.pumpAll();
    return pair;
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.engine.Cases#protocolExtremes")
  default void theClientClosesFirstAndTheServerAnswers(String protocol, Chunks chunks) {
    try (MemoryPair pair = established(protocol, chunks)) {
      closeInOrder(pair, pair.client, pair.server);
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.engine.Cases#protocolExtremes")
  default void theServerClosesFirstAndTheClientAnswers(String protocol, Chunks chunks) {
    try (MemoryPair pair = established(protocol, chunks)) {
      closeInOrder(pair, pair.server, pair.client);
    }
  }

  private static void closeInOrder(MemoryPair pair, TlsEngine first, TlsEngine second) {
    assertThat(first.shutdown()).as("%s before the peer answered", first).isEqualTo(Status.SENT);
    assertThat(first.shutdown()).as("%s asked again", first).isEqualTo(Status.SENT);
    pair.pumpAll();

    MemoryPair.Received seen = pair.readAll(second);
    assertThat(seen.status()).as("%s reads the close_notify", second).isEqualTo(Status.ZERO_RETURN);
    assertThat(seen.bytes()).isEmpty();
    assertThat(second.isPeerClosed()).isTrue();
    assertThat(second.shutdown()).as("%s answers", second).isEqualTo(Status.DONE);
    pair.pumpAll();

    assertThat(first.shutdown()).as("%s after the answer", first).isEqualTo(Status.DONE);
    assertThat(first.isPeerClosed()).isTrue();
    assertThat(first.read(ByteBuffer.allocate(10))).isEqualTo(Status.ZERO_RETURN.code());
    assertThat(first.holdsBuffers()).isFalse();
    assertThat(second.holdsBuffers()).isFalse();
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.engine.Cases#protocolExtremes")
  default void bothSidesCloseAtOnceAndBothFinish(String protocol, Chunks chunks) {
    try (MemoryPair pair = established(protocol, chunks)) {
      assertThat(pair.client.shutdown()).isEqualTo(Status.SENT);
      assertThat(pair.server.shutdown()).isEqualTo(Status.SENT);
      pair.pumpAll();

      assertThat(pair.client.shutdown()).isEqualTo(Status.DONE);
      assertThat(pair.server.shutdown()).isEqualTo(Status.DONE);
      assertThat(pair.client.isPeerClosed()).isTrue();
      assertThat(pair.server.isPeerClosed()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.engine.Cases#protocolExtremes")
  default void dataWrittenBeforeCloseNotifyIsReadBeforeZeroReturn(String protocol, Chunks chunks) {
    try (MemoryPair pair = established(protocol, chunks)) {
      byte[] last = PatternSource.bytes(30_000, 11);
      assertThat(pair.server.write(ByteBuffer.wrap(last))).isEqualTo(last.length);
      assertThat(pair.server.shutdown()).isEqualTo(Status.SENT);
      pair.pumpAll();

      MemoryPair.Received seen = pair.readAll(pair.client);

      assertThat(seen.bytes()).isEqualTo(last);
      assertThat(seen.status()).isEqualTo(Status.ZERO_RETURN);
    }
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.engine.Cases#protocolExtremes")
  default void afterSendingCloseNotifyTheEngineStillReadsWhatThePeerSent(
      String protocol, Chunks chunks) {
    try (MemoryPair pair = established(protocol, chunks)) {
      assertThat(pair.client.shutdown()).isEqualTo(Status.SENT);
      byte[] late = PatternSource.bytes(20_000, 12);
      assertThat(pair.server.write(ByteBuffer.wrap(late))).isEqualTo(late.length);
      assertThat(pair.server.shutdown()).isIn(Status.SENT, Status.DONE);
      pair.pumpAll();

      MemoryPair.Received seen = pair.readAll(pair.client);

      assertThat(seen.bytes()).isEqualTo(late);
      assertThat(seen.status()).isEqualTo(Status.ZERO_RETURN);
      assertThat(pair.client.shutdown()).isEqualTo(Status.DONE);
    }
  }

  /**
   * The side whose handshake ends first (the TLS 1.3 client, the TLS 1.2 server) closes at once:
   * its close_notify travels right behind its last flight, and then its socket closes. The other
   * side finishes its handshake on those bytes and must read ZERO_RETURN, not a truncation at the
   * end of the stream. (BoringSSL reports the close_notify on the very unwrap that ends the
   * handshake.)
   */
  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("io.niotls.engine.Cases#protocolExtremes")
  default void aCloseNotifyRightBehindTheLastFlightIsSeen(String protocol, Chunks chunks) {
    TlsContext clientContext = peers().clientContext(protocol).build();
    TlsContext serverContext = peers().serverContext(protocol).build();
    try (MemoryPair pair =
        MemoryPair.builder(clientContext, serverContext).chunks(chunks).build()) {
      Status c = null;
      Status s = null;
      for (int step = 0; step < 64 && c != Status.OK && s != Status.OK; step++) {
        c = pair.client.handshake();
        if (c == Status.WANT_TASK) {
          pair.client.runTasks();
        }
        if (c != Status.OK) {
          s = pair.server.handshake();
          if (s == Status.WANT_TASK) {
            pair.server.runTasks();
          }
        }
        if (c != Status.OK && s != Status.OK) {
          pair.pumpAll();
        }
      }
      boolean clientFirst = c == Status.OK;
      TlsEngine first = clientFirst ? pair.client : pair.server;
      TlsEngine second = clientFirst ? pair.server : pair.client;
      assertThat(first.shutdown()).isEqualTo(Status.SENT);
      pair.pumpAll();
      (clientFirst ? pair.serverTransport : pair.clientTransport).feedEof();

      Status done = second.handshake();
      for (int step = 0; step < 8 && done == Status.WANT_TASK; step++) {
        second.runTasks();
        done = second.handshake();
      }
      assertThat(done).as("%s ends its handshake", second).isEqualTo(Status.OK);
      MemoryPair.Received seen = pair.readAll(second);
      assertThat(seen.status())
          .as("%s reads the close_notify: %s", second, second.failure())
          .isEqualTo(Status.ZERO_RETURN);
      assertThat(second.isPeerClosed()).isTrue();
    }
  }

  @Test
  default void closingTwiceIsHarmless() {
    MemoryPair pair = established("TLSv1.3", Chunks.wholeRecords());
    pair.close();

    pair.close();
    assertThat(pair.client.holdsBuffers()).isFalse();
    assertThat(pair.server.holdsBuffers()).isFalse();
  }

  @Test
  default void writingAfterShutdownIsAProgrammingError() {
    try (MemoryPair pair = established("TLSv1.3", Chunks.wholeRecords())) {
      pair.client.shutdown();

      assertThatThrownBy(() -> pair.client.write(ByteBuffer.allocate(1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("write after shutdown() or close()");
    }
  }
}
