package io.niotls.loop;

import io.niotls.datagram.DtlsEngine;
import io.niotls.engine.Status;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;

/**
 * One peer's datagram session on a loop: a DTLS association ({@code dtls://}) or plain datagrams
 * ({@code udp://}). {@link #send} and {@link #close} may be called from any thread; they run on the
 * loop. Made by {@link DatagramServer} and {@link DatagramClient}.
 */
public final class DatagramSession {
  private final TlsEventLoop loop;
  private final SocketAddress peer;
  private final DtlsEngine engine; // null for udp://
  private final Consumer<ByteBuffer> plainSend;
  private final Runnable closer;
  final CompletableFuture<DatagramSession> opened = new CompletableFuture<>();
  private volatile boolean closed;
  private volatile SocketAddress local;

  DatagramSession(
      TlsEventLoop loop,
      SocketAddress peer,
      DtlsEngine engine,
      Consumer<ByteBuffer> plainSend,
      Runnable closer) {
    this.loop = loop;
    this.peer = peer;
    this.engine = engine;
    this.plainSend = plainSend;
    this.closer = closer;
  }

  /** The peer's address. */
  public SocketAddress peer() {
    return peer;
  }

  /** Our address: the server's socket, or the client's own port. */
  public SocketAddress localAddress() {
    return local;
  }

  void localAddress(SocketAddress address) {
    local = address;
  }

  /** Whether datagrams are DTLS records ({@code dtls://}) rather than plaintext. */
  public boolean isSecure() {
    return engine != null;
  }

  /** The DTLS session once the handshake finished; null for {@code udp://}. */
  public SSLSession sslSession() {
    return engine == null ? null : engine.session();
  }

  /** The most one {@link #send} may carry: one record at the path MTU (DTLS), or 65507 (UDP). */
  public int maxDatagram() {
    return engine == null ? 65507 : engine.maxPlaintext();
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * Sends {@code datagram}'s remaining bytes as one datagram: at once on the loop's thread, else
   * copied now and sent on the loop. Any thread; either way the buffer is the caller's again when
   * this returns, its position at its limit. Datagrams are not delivered reliably: one lost on the
   * way is not sent again.
   *
   * @throws IllegalArgumentException if longer than {@link #maxDatagram()}
   */
  public void send(ByteBuffer datagram) {
    if (datagram.remaining() > maxDatagram()) {
      throw new IllegalArgumentException(
          "a datagram of "
              + datagram.remaining()
              + " bytes is longer than this session carries ("
              + maxDatagram()
              + "): send smaller ones");
    }
    if (loop.inEventLoop()) {
      // sent before this returns (or dropped, as any datagram may be): no copy needed
      sendNow(datagram);
      datagram.position(datagram.limit());
      return;
    }
    ByteBuffer copy = ByteBuffer.allocate(datagram.remaining());
    copy.put(datagram).flip();
    loop.execute(() -> sendNow(copy));
  }

  private void sendNow(ByteBuffer datagram) {
    if (closed) {
      return;
    }
    if (engine == null) {
      plainSend.accept(datagram);
    } else {
      int n = engine.write(datagram);
      if (n < 0 && Status.ofCode(n).isFatal()) {
        closer.run();
      }
    }
  }

  /** Sends close_notify (DTLS) and forgets the peer. Any thread; idempotent. */
  public void close() {
    if (loop.inEventLoop()) {
      closer.run();
    } else {
      loop.execute(closer);
    }
  }

  void markClosed() {
    closed = true;
  }

  @Override
  public String toString() {
    return (engine == null ? "udp " : "dtls ") + peer;
  }
}
