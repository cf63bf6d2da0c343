package io.niotls.channel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * A blocking TLS 1.3 client that ends its connection right after the handshake would leave before
 * the server's session tickets reach it: a server sends them only once it has our Finished, and
 * BoringSSL ignores tickets that arrive behind our close_notify, while SunJSSE takes them only as
 * it reads toward the peer's close_notify, which {@link TlsChannel#close()} does not wait for. So
 * such a client would never resume. Before its close_notify, a client that has read nothing since
 * the handshake waits for the socket to become readable, at most twice as long as its handshake
 * took, within [{@link #MIN_MILLIS}, {@link #MAX_MILLIS}], and lets the engine read what came (the
 * tickets; application data that came with them is dropped, as the close would drop it). A server
 * that sends no tickets costs the close that long.
 *
 * <p>The socket is put in non-blocking mode for the wait (a blocking channel cannot wait with a
 * time limit) and back in blocking mode after it. Only when no other thread is reading (a reader
 * takes the tickets itself) or writing (a writer may be stuck on a full socket).
 */
final class TicketLinger {
  /** The shortest wait: a resumed loopback handshake's millisecond says little of the server. */
  static final long MIN_MILLIS = 10;

  /**
   * The longest wait. Longer than the event loop's 20 ms: a blocking client is typically one of
   * few, and a JVM's first handshakes (a server's first tickets) took 30–40 ms on a loaded machine.
   */
  static final long MAX_MILLIS = 200;

  /** Reads of what came, at most: a flight of tickets is read in one or two. */
  private static final int MAX_READS = 8;

  /** One non-blocking read through the engine into {@code sink}: plaintext bytes, 0, or -1. */
  interface EngineRead {
    int read(ByteBuffer sink) throws IOException;
  }

  private TicketLinger() {}

  /**
   * Waits on {@code socket} (blocking mode, connected) for what the server sends after a handshake
   * that took {@code handshakeMillis}, and has {@code read} take it. I/O errors end the wait: the
   * close goes on and reports what it finds.
   */
  static void await(SocketChannel socket, int handshakeMillis, EngineRead read) {
    long limit = Math.max(MIN_MILLIS, Math.min(MAX_MILLIS, 2L * handshakeMillis));
    try (Selector selector = Selector.open()) {
      socket.configureBlocking(false);
      try {
        SelectionKey key = socket.register(selector, SelectionKey.OP_READ);
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limit);
        ByteBuffer sink = ByteBuffer.allocate(512);
        boolean came = false;
        for (int reads = 0; reads < MAX_READS; reads++) {
          long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
          int ready = came ? selector.selectNow() : left > 0 ? selector.select(left) : 0;
          if (ready == 0) {
            break; // nothing (more) came in time
          }
          selector.selectedKeys().clear();
          came = true;
          sink.clear();
          if (read.read(sink) < 0) {
            break; // the peer closed
          }
        }
        key.cancel();
        selector.selectNow(); // deregisters, so the socket may block again
      } finally {
        socket.configureBlocking(true);
      }
    } catch (IOException | RuntimeException e) {
      // the close that follows meets the same condition and reports it
    }
  }
}
