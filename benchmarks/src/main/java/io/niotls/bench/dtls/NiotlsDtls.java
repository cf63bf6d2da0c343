package io.niotls.bench.dtls;

import io.niotls.context.TlsContext;
import io.niotls.loop.DatagramClient;
import io.niotls.loop.DatagramHandler;
import io.niotls.loop.DatagramServer;
import io.niotls.loop.DatagramSession;
import io.niotls.loop.TlsEventLoopGroup;
import io.niotls.uri.TransportUri;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * niotls's side of {@link PairedDtls}: a {@link DatagramServer} echoing every datagram on its own
 * loop, and {@link DatagramClient}s on another, used through their public API only, as the
 * baseline's {@link RawDtlsServer} and {@link RawDtlsClient} are on theirs.
 */
final class NiotlsDtls implements AutoCloseable {
  private final TlsEventLoopGroup serverLoop = TlsEventLoopGroup.create(1);
  private final TlsEventLoopGroup clientLoop = TlsEventLoopGroup.create(1);
  private final TlsContext clientContext;
  private final int maxPacket;
  private final DatagramServer server;
  private final TransportUri uri;

  NiotlsDtls(TlsContext clientContext, TlsContext serverContext, int maxPacket) {
    this.clientContext = clientContext;
    this.maxPacket = maxPacket;
    server =
        DatagramServer.bind(
            TransportUri.parse("dtls://127.0.0.1:0"),
            serverContext,
            (session, datagram) -> session.send(datagram),
            serverLoop,
            maxPacket);
    InetSocketAddress a = server.localAddress();
    uri = TransportUri.parse("dtls://127.0.0.1:" + a.getPort());
  }

  /** Sessions the server holds now (a leak check). */
  int sessions() {
    return server.sessionCount();
  }

  /** A full handshake and close_notify: completes once the client's session has closed. */
  CompletableFuture<Void> handshakeAndClose() {
    CompletableFuture<Void> closed = new CompletableFuture<>();
    DatagramHandler handler =
        new DatagramHandler() {
          @Override
          public void onOpen(DatagramSession session) {
            session.close();
          }

          @Override
          public void onDatagram(DatagramSession session, ByteBuffer datagram) {}

          @Override
          public void onClose(DatagramSession session, Throwable cause) {
            if (cause == null) {
              closed.complete(null);
            } else {
              closed.completeExceptionally(cause);
            }
          }
        };
    DatagramClient.connect(uri, clientContext, handler, clientLoop, maxPacket)
        .whenComplete(
            (s, failure) -> {
              if (failure != null) {
                closed.completeExceptionally(failure);
              }
            });
    return closed;
  }

  /** An established session whose datagrams come back to {@link Echoes}. */
  Echoes connect() throws Exception {
    Echoes echoes = new Echoes(clientLoop.next());
    echoes.session =
        DatagramClient.connect(uri, clientContext, echoes, clientLoop, maxPacket).get();
    return echoes;
  }

  /** Sends datagrams one after another, each after the previous one's echo. */
  static final class Echoes implements DatagramHandler {
    private final Executor loop;
    DatagramSession session;
    private ByteBuffer payload;
    private int left;
    private CompletableFuture<Integer> done;

    Echoes(Executor loop) {
      this.loop = loop;
    }

    /** Runs on the session's loop (the client group has one), as the baseline's does. */
    CompletableFuture<Integer> run(ByteBuffer payload, int count) {
      CompletableFuture<Integer> finished = new CompletableFuture<>();
      loop.execute(
          () -> {
            this.payload = payload;
            this.left = count;
            this.done = finished;
            session.send(payload.duplicate());
          });
      return finished;
    }

    @Override
    public void onDatagram(DatagramSession session, ByteBuffer datagram) {
      if (--left > 0) {
        session.send(payload.duplicate());
      } else {
        done.complete(datagram.remaining());
      }
    }
  }

  @Override
  public void close() {
    server.close();
    clientLoop.close();
    serverLoop.close();
  }
}
