package io.niotls.loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Random;

/**
 * A UDP proxy on 127.0.0.1 between one client and a server that loses, duplicates and reorders
 * datagrams, each way, with a fixed seed: each datagram is dropped with {@code drop}, else sent
 * twice with {@code duplicate}, and held back with {@code reorder} until the next datagram the same
 * way has gone (or 50 ms passed). For real peers (openssl) that cannot be put on an in-memory
 * network. Its thread stops at {@link #close()}.
 */
final class LossyUdpProxy implements AutoCloseable {
  private static final long HOLD_NANOS = 50_000_000L;

  private final DatagramChannel front;
  private final DatagramChannel back;
  private final Selector selector;
  private final Random random;
  private final double drop;
  private final double duplicate;
  private final double reorder;
  private final Thread thread;
  private volatile boolean running = true;
  private SocketAddress client;
  private final ByteBuffer[] held = new ByteBuffer[2];
  private final long[] heldSince = new long[2];
  volatile int dropped;
  volatile int duplicated;
  volatile int reordered;

  LossyUdpProxy(InetSocketAddress server, long seed, double drop, double duplicate, double reorder)
      throws IOException {
    this.random = new Random(seed);
    this.drop = drop;
    this.duplicate = duplicate;
    this.reorder = reorder;
    front = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
    back = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)).connect(server);
    selector = Selector.open();
    front.configureBlocking(false).register(selector, SelectionKey.OP_READ);
    back.configureBlocking(false).register(selector, SelectionKey.OP_READ);
    thread = new Thread(this::run, "lossy-udp-proxy");
    thread.setDaemon(true);
    thread.start();
  }

  /** Where the client sends. */
  InetSocketAddress address() throws IOException {
    return (InetSocketAddress) front.getLocalAddress();
  }

  private void run() {
    ByteBuffer in = ByteBuffer.allocate(65536);
    try {
      while (running) {
        selector.select(10);
        selector.selectedKeys().clear();
        for (; ; ) {
          in.clear();
          SocketAddress from = front.receive(in);
          if (from == null) {
            break;
          }
          client = from;
          pass(0, copy(in.flip()));
        }
        for (; ; ) {
          in.clear();
          int n;
          try {
            n = back.read(in);
          } catch (java.net.PortUnreachableException e) {
            continue;
          }
          if (n <= 0) {
            break;
          }
          pass(1, copy(in.flip()));
        }
        long now = System.nanoTime();
        for (int way = 0; way < 2; way++) {
          if (held[way] != null && now - heldSince[way] > HOLD_NANOS) {
            release(way);
          }
        }
      }
    } catch (IOException e) {
      // closed: the proxy stops
    }
  }

  private void pass(int way, ByteBuffer datagram) throws IOException {
    if (random.nextDouble() < drop) {
      dropped++;
      return;
    }
    int copies = random.nextDouble() < duplicate ? 2 : 1;
    duplicated += copies - 1;
    if (held[way] == null && random.nextDouble() < reorder) {
      reordered++;
      held[way] = datagram;
      heldSince[way] = System.nanoTime();
      if (copies == 2) {
        send(way, datagram.duplicate());
      }
      return;
    }
    for (int i = 0; i < copies; i++) {
      send(way, datagram.duplicate());
    }
    release(way);
  }

  private void release(int way) throws IOException {
    ByteBuffer d = held[way];
    held[way] = null;
    if (d != null) {
      send(way, d);
    }
  }

  private void send(int way, ByteBuffer datagram) throws IOException {
    try {
      if (way == 0) {
        back.write(datagram);
      } else if (client != null) {
        front.send(datagram, client);
      }
    } catch (java.net.PortUnreachableException e) {
      // the peer is gone: lost, as on a network
    }
  }

  private static ByteBuffer copy(ByteBuffer b) {
    return ByteBuffer.allocate(b.remaining()).put(b).flip();
  }

  @Override
  public String toString() {
    return "dropped " + dropped + ", duplicated " + duplicated + ", reordered " + reordered;
  }

  @Override
  public void close() throws Exception {
    running = false;
    thread.join(2000);
    selector.close();
    front.close();
    back.close();
  }
}
