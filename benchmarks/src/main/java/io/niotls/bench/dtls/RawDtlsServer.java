package io.niotls.bench.dtls;

import io.niotls.context.ProviderEngines;
import io.niotls.context.TlsContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The baseline's DTLS echo server: one unconnected {@link DatagramChannel} on a {@link RawLoop},
 * demultiplexed by peer address, a bare SSLEngine per peer made on its first datagram (the JDK's
 * engine does the cookie exchange itself, keeping that state), each datagram's plaintext sent back,
 * a peer forgotten at its close_notify (answered with ours).
 */
final class RawDtlsServer implements AutoCloseable {
  private final RawLoop loop = new RawLoop("raw-dtls-server");
  private final DatagramChannel channel;
  private final Map<SocketAddress, RawAssociation> peers = new HashMap<>();
  private final ByteBuffer in = ByteBuffer.allocate(65536);

  RawDtlsServer(TlsContext context, int maxPacket) {
    try {
      channel = DatagramChannel.open();
      channel.configureBlocking(false);
      channel.bind(new InetSocketAddress("127.0.0.1", 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RawAssociation.Events echo =
        new RawAssociation.Events() {
          @Override
          public void data(RawAssociation a, ByteBuffer plaintext) {
            a.send(plaintext);
          }

          @Override
          public void closed(RawAssociation a) {
            peers.values().remove(a);
          }
        };
    CompletableFuture<Void> registered = new CompletableFuture<>();
    loop.execute(
        () -> {
          try {
            loop.register(
                channel,
                ops -> {
                  for (int i = 0; i < 256; i++) {
                    in.clear();
                    SocketAddress from;
                    try {
                      from = channel.receive(in);
                    } catch (IOException e) {
                      return;
                    }
                    if (from == null) {
                      return;
                    }
                    in.flip();
                    RawAssociation peer = peers.get(from);
                    if (peer == null) {
                      peer =
                          new RawAssociation(
                              ProviderEngines.newEngine(context, null, -1),
                              maxPacket,
                              d -> channel.send(d, from),
                              echo);
                      peers.put(from, peer);
                      peer.begin();
                    }
                    peer.received(in);
                  }
                });
            registered.complete(null);
          } catch (IOException e) {
            registered.completeExceptionally(e);
          }
        });
    registered.join();
  }

  InetSocketAddress address() throws IOException {
    return (InetSocketAddress) channel.getLocalAddress();
  }

  /** Peers with an engine now (a leak check: handshakes that end must not leave any). */
  int peers() {
    CompletableFuture<Integer> n = new CompletableFuture<>();
    loop.execute(() -> n.complete(peers.size()));
    return n.join();
  }

  @Override
  public void close() throws Exception {
    loop.close();
    channel.close();
  }
}
