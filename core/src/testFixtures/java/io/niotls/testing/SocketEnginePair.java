package io.niotls.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.TlsContext;
import io.niotls.engine.TlsEngine;
import io.niotls.testing.SelectorDriver.Party;
import io.niotls.transport.SocketTransport;
import io.niotls.transport.Transport;
import java.io.IOException;
import java.time.Duration;

/**
 * A client and a server engine over a fresh {@link SocketPair}, each conversation driven to its end
 * by a {@link SelectorDriver} within {@link #LIMIT}: the socket counterpart of {@link MemoryPair}.
 * With {@link Chunks}, both transports read and write one chunk per call. Closing it closes both
 * engines and both sockets.
 */
public final class SocketEnginePair implements AutoCloseable {
  /** How long any one conversation may take before the test fails. */
  public static final Duration LIMIT = Duration.ofSeconds(60);

  public final SocketPair sockets;
  public final TlsEngine client;
  public final TlsEngine server;

  /**
   * @param chunks how much each transport call may move, or null for whatever the socket takes
   */
  public SocketEnginePair(TlsContext clientContext, TlsContext serverContext, Chunks chunks)
      throws IOException {
    sockets = SocketPair.open();
    Transport clientTransport = new SocketTransport(sockets.client);
    Transport serverTransport = new SocketTransport(sockets.server);
    if (chunks != null) {
      clientTransport = new ChunkingTransport(clientTransport, chunks);
      serverTransport = new ChunkingTransport(serverTransport, chunks);
    }
    client = TlsEngine.client(clientContext, clientTransport, "localhost", sockets.port());
    server = TlsEngine.server(serverContext, serverTransport);
  }

  /** Drives both handshakes to completion. */
  public void handshake() throws IOException {
    SelectorDriver.run(
        LIMIT,
        new Party(sockets.client, EngineActors.handshake(client)),
        new Party(sockets.server, EngineActors.handshake(server)));
  }

  /** Streams {@code bytes} each way at once and checks both checksums. */
  public void exchange(long bytes) throws IOException {
    EngineActors.Stream up = EngineActors.stream(client, bytes, bytes, 1);
    EngineActors.Stream down = EngineActors.stream(server, bytes, bytes, 2);
    SelectorDriver.run(LIMIT, new Party(sockets.client, up), new Party(sockets.server, down));
    assertThat(down.received()).isEqualTo(bytes);
    assertThat(up.received()).isEqualTo(bytes);
    assertThat(down.receivedCrc()).as("client to server CRC32").isEqualTo(up.sentCrc());
    assertThat(up.receivedCrc()).as("server to client CRC32").isEqualTo(down.sentCrc());
  }

  /** Both sides shut down at once, until both are DONE. */
  public void shutdown() throws IOException {
    SelectorDriver.run(
        LIMIT,
        new Party(sockets.client, EngineActors.shutdown(client)),
        new Party(sockets.server, EngineActors.shutdown(server)));
    assertThat(client.isPeerClosed()).isTrue();
    assertThat(server.isPeerClosed()).isTrue();
  }

  @Override
  public void close() {
    client.close();
    server.close();
    sockets.close();
  }
}
