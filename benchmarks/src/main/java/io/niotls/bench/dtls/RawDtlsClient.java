package io.niotls.bench.dtls;

import io.niotls.context.ProviderEngines;
import io.niotls.context.TlsContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.concurrent.CompletableFuture;

/**
 * The baseline's DTLS client on its own {@link RawLoop}, used as niotls's {@code DatagramClient}
 * is: the caller opens and connects the socket, the loop runs the handshake and the session. A
 * {@link Session} is one association: {@link #handshake} resolves it once established, {@link
 * Session#echoes} sends datagrams one after another, each after the previous one's echo.
 */
final class RawDtlsClient implements AutoCloseable {
  private final RawLoop loop = new RawLoop("raw-dtls-client");
  private final TlsContext context;
  private final int maxPacket;

  RawDtlsClient(TlsContext context, int maxPacket) {
    this.context = context;
    this.maxPacket = maxPacket;
  }

  /** One client association with its connected socket. */
  final class Session {
    private final DatagramChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(65536);
    private final CompletableFuture<Session> established = new CompletableFuture<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private RawAssociation association;
    private SelectionKey key;
    private boolean closeWhenEstablished;
    private int echoesLeft;
    private ByteBuffer payload;
    private CompletableFuture<Integer> echoesDone;

    private Session(InetSocketAddress server, boolean closeWhenEstablished) throws IOException {
      this.closeWhenEstablished = closeWhenEstablished;
      channel = DatagramChannel.open();
      channel.configureBlocking(false);
      channel.connect(server);
      RawAssociation.Events events =
          new RawAssociation.Events() {
            @Override
            public void established(RawAssociation a) {
              established.complete(Session.this);
              if (Session.this.closeWhenEstablished) {
                a.close();
              }
            }

            @Override
            public void data(RawAssociation a, ByteBuffer plaintext) {
              if (--echoesLeft > 0) {
                a.send(payload.duplicate());
              } else {
                echoesDone.complete(plaintext.remaining());
              }
            }

            @Override
            public void closed(RawAssociation a) {
              key.cancel();
              try {
                channel.close();
              } catch (IOException ignored) {
                // closing
              }
              closed.complete(null);
            }
          };
      loop.execute(
          () -> {
            try {
              association =
                  new RawAssociation(
                      ProviderEngines.newEngine(context, "localhost", server.getPort()),
                      maxPacket,
                      channel::write,
                      events);
              key = loop.register(channel, ops -> readAll());
              association.begin();
            } catch (IOException | RuntimeException e) {
              established.completeExceptionally(e);
            }
          });
    }

    private void readAll() {
      for (int i = 0; i < 256; i++) {
        in.clear();
        int n;
        try {
          n = channel.read(in);
        } catch (IOException e) {
          return;
        }
        if (n <= 0) {
          return;
        }
        in.flip();
        association.received(in);
      }
    }

    /** Sends {@code payload} {@code count} times, each after the previous one came back. */
    CompletableFuture<Integer> echoes(ByteBuffer payload, int count) {
      CompletableFuture<Integer> done = new CompletableFuture<>();
      loop.execute(
          () -> {
            this.payload = payload;
            echoesLeft = count;
            echoesDone = done;
            association.send(payload.duplicate());
          });
      return done;
    }

    CompletableFuture<Void> close() {
      loop.execute(() -> association.close());
      return closed;
    }
  }

  /** Opens a session; it completes once established. */
  CompletableFuture<Session> connect(InetSocketAddress server) {
    try {
      return new Session(server, false).established;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A full handshake and close_notify: completes once the socket is closed again. */
  CompletableFuture<Void> handshakeAndClose(InetSocketAddress server) {
    try {
      return new Session(server, true).closed;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    loop.close();
  }
}
