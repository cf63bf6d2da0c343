package io.niotls.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.testing.Contexts;
import io.niotls.testing.MemoryPair;
import io.niotls.transport.MemoryTransport;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every BoringSSL object the BORINGSSL provider makes is freed exactly once, whatever the path: a
 * double free or a use after free would crash the JVM running these tests, and a leak shows in the
 * native context's counts. Each path is driven, then the engines (and the contexts) are closed or
 * dropped, and the counts must come back to zero with the native context freed.
 */
class BoringNativeLifecycleTest {
  private final TlsContext client =
      Contexts.client(Provider.BORINGSSL, KeyType.EC_P256).protocols("TLSv1.3").build();
  private final TlsContext server =
      Contexts.server(Provider.BORINGSSL, KeyType.EC_P256).protocols("TLSv1.3").build();

  @AfterEach
  void theContextsAreFreedOnceClosed() {
    client.close();
    server.close();
    for (TlsContext context : List.of(client, server)) {
      BoringContext natives = context.boringContext();
      assertThat(natives.liveConnections()).as("connections left of %s", context).isZero();
      assertThat(natives.contextFreed()).as("SSL_CTX of %s freed", context).isTrue();
    }
  }

  /** Drives a fresh pair to {@code phase} and closes both engines there. */
  @ParameterizedTest(name = "closed when {0}")
  @ValueSource(
      strings = {"NEW", "HANDSHAKING", "OPEN", "SHUTDOWN_SENT", "PEER_CLOSED", "CLOSED", "FAILED"})
  void closingFromEveryPhaseFreesEachSslOnce(String phase) {
    MemoryPair pair = MemoryPair.builder(client, server).build();
    BoringContext natives = client.boringContext();
    assertThat(natives.liveConnections()).isEqualTo(1);
    switch (phase) {
      case "NEW" -> {}
      case "HANDSHAKING" -> assertThat(pair.client.handshake()).isEqualTo(Status.WANT_READ);
      case "OPEN" -> pair.handshake();
      case "SHUTDOWN_SENT" -> {
        pair.handshake();
        assertThat(pair.client.shutdown()).isEqualTo(Status.SENT);
      }
      case "PEER_CLOSED" -> {
        pair.handshake();
        pair.server.shutdown();
        pair.pumpAll();
        assertThat(pair.readAll(pair.client).status()).isEqualTo(Status.ZERO_RETURN);
      }
      case "CLOSED" -> {
        pair.handshake();
        pair.client.shutdown();
        pair.pumpAll();
        pair.server.shutdown();
        pair.pumpAll();
        assertThat(pair.client.shutdown()).isEqualTo(Status.DONE);
      }
      default -> { // FAILED: garbage where the server's hello should be
        pair.client.handshake();
        pair.clientTransport.feed(new byte[] {22, 3, 3, 0, 4, 9, 9, 9, 9});
        assertThat(pair.client.handshake()).isEqualTo(Status.SSL);
      }
    }

    pair.close();
    pair.close(); // twice: the second is a no-op, not a second free

    assertThat(natives.liveConnections()).isZero();
    assertThat(natives.connectionsFreed()).isEqualTo(1);
    assertThat(server.boringContext().liveConnections()).isZero();
  }

  @Test
  void aHandshakeThatFailsOnTrustFreesBothSides() {
    TlsContext stranger =
        TlsContext.forClient().provider(Provider.BORINGSSL).protocols("TLSv1.3").build();
    try {
      MemoryPair pair = MemoryPair.builder(stranger, server).build();
      Status[] last = pair.handshakeUntilFailure();
      assertThat(last[0]).isEqualTo(Status.SSL);
      assertThat(pair.client.failure()).hasMessageContaining("not trusted");
      pair.close();
      assertThat(stranger.boringContext().liveConnections()).isZero();
    } finally {
      stranger.close();
    }
    assertThat(stranger.boringContext().contextFreed()).isTrue();
  }

  @Test
  void aContextClosedWhileItsEnginesLiveKeepsThemWorkingUntilTheLastCloses() {
    MemoryPair pair = MemoryPair.builder(client, server).build();
    pair.handshake();
    client.close();
    server.close();
    assertThat(client.boringContext().contextFreed()).isFalse();

    byte[] data = "still here".getBytes(StandardCharsets.US_ASCII);
    assertThat(pair.send(pair.client, pair.server, data)).isEqualTo(data);
    assertThat(pair.send(pair.server, pair.client, data)).isEqualTo(data);
    assertThatThrownBy(() -> TlsEngine.client(client, new MemoryTransport(), "localhost", 443))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");

    pair.close();
    assertThat(client.boringContext().contextFreed()).isTrue();
    assertThat(server.boringContext().contextFreed()).isTrue();
  }

  @Test
  void anEngineDroppedWithoutCloseIsFreedOnceItIsUnreachable() throws InterruptedException {
    BoringContext natives = client.boringContext();
    startAndDrop(client);
    startAndDrop(client);
    assertThat(natives.liveConnections()).isEqualTo(2);

    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (natives.liveConnections() > 0 && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(natives.liveConnections()).isZero();
    assertThat(natives.connectionsFreed()).isEqualTo(2);
  }

  @Test
  void aContextNeverClosedIsFreedOnceUnreachable() throws InterruptedException {
    // nothing native (the trust, SNI and session callbacks are global JNI references) may keep
    // the TlsContext reachable, or its SSL_CTX would never be freed
    BoringContext natives = usedAndDropped();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!natives.contextFreed() && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(natives.contextFreed()).isTrue();
    assertThat(natives.liveConnections()).isZero();
  }

  /** A client context that verified a server and cached its session, then was forgotten. */
  private BoringContext usedAndDropped() {
    TlsContext forgotten =
        Contexts.client(Provider.BORINGSSL, KeyType.EC_P256).protocols("TLSv1.3").build();
    try (MemoryPair pair = MemoryPair.builder(forgotten, server).build()) {
      pair.handshake();
      byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
      assertThat(pair.send(pair.server, pair.client, ping)).isEqualTo(ping);
    }
    assertThat(forgotten.boringContext().cachedSessions()).isPositive();
    return forgotten.boringContext();
  }

  /** Starts a client handshake (its ClientHello is made) and forgets the engine. */
  private static void startAndDrop(TlsContext context) {
    TlsEngine engine = TlsEngine.client(context, new MemoryTransport(), "localhost", 443);
    assertThat(engine.handshake()).isEqualTo(Status.WANT_READ);
  }

  @Test
  void anEngineClosedThenCalledAgainNeverTouchesFreedMemory() {
    MemoryPair pair = MemoryPair.builder(client, server).build();
    pair.handshake();
    pair.close();

    TlsEngine engine = pair.client;
    assertThat(engine.read(ByteBuffer.allocate(10))).isEqualTo(Status.ZERO_RETURN.code());
    assertThat(engine.read(ByteBuffer.allocateDirect(10))).isEqualTo(Status.ZERO_RETURN.code());
    assertThat(engine.shutdown()).isEqualTo(Status.DONE);
    assertThat(engine.handshake()).isEqualTo(Status.OK);
    assertThat(engine.pending()).isZero();
    engine.runTasks();
    assertThatThrownBy(() -> engine.write(ByteBuffer.allocate(1)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(client.boringContext().connectionsFreed()).isEqualTo(1);
  }

  @Test
  void aClosedClientContextFreesTheSessionsItCached() {
    for (int i = 0; i < 2; i++) {
      try (MemoryPair pair = MemoryPair.builder(client, server).build()) {
        pair.handshake();
        byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
        assertThat(pair.send(pair.server, pair.client, ping)).isEqualTo(ping);
      }
    }
    assertThat(client.boringContext().cachedSessions()).isPositive();
    // the sessions go with the SSL_CTX in theContextsAreFreedOnceClosed
  }
}
