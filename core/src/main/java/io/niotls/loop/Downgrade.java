package io.niotls.loop;

import io.niotls.engine.TlsException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A stopTls asked for, from the request until the session speaks plaintext: the future that waits
 * for it, the bytes queued before the request (they still go out over TLS, before our close_notify;
 * everything queued after it is plaintext), and how far the close_notify exchange got.
 * Loop-confined.
 */
final class Downgrade {
  final CompletableFuture<TlsSession> future = new CompletableFuture<>();
  private ArrayDeque<ByteBuffer> tlsBytes;
  private boolean sent; // our close_notify is out: the peer's last data is read until its own
  private boolean peerClosed; // and the peer's has arrived
  private CloseIntent closeAfter; // close() during the stop

  /** Takes what was queued before the request: it is TLS, everything after is plaintext. */
  void takeTlsBytes(Outbound outbound) {
    tlsBytes = outbound.detach();
  }

  /**
   * A close came before the stop began: the TLS bytes go back to the head of the queue, ahead of
   * what was written since, and all of it goes out over TLS before the close's close_notify.
   */
  void giveBack(Outbound outbound) {
    ArrayDeque<ByteBuffer> later = outbound.detach();
    for (ArrayDeque<ByteBuffer> part : List.of(orEmpty(tlsBytes), orEmpty(later))) {
      part.forEach(outbound::add);
    }
    tlsBytes = null;
  }

  private static ArrayDeque<ByteBuffer> orEmpty(ArrayDeque<ByteBuffer> buffers) {
    return buffers == null ? new ArrayDeque<>() : buffers;
  }

  /** The TLS bytes still to write; null or empty once they are out. */
  ArrayDeque<ByteBuffer> tlsBytes() {
    return tlsBytes;
  }

  /** A graceful close asked for during the stop: it begins once the stop is done. */
  void closeAfter(CloseIntent intent) {
    if (closeAfter == null) {
      closeAfter = intent;
    }
  }

  CloseIntent closeAfter() {
    return closeAfter;
  }

  void sent() {
    sent = true;
  }

  void peerClosed() {
    peerClosed = true;
  }

  /** The peer's close_notify was read. */
  boolean peerCloseRead() {
    return peerClosed;
  }

  /** Our close_notify is out and the peer's not yet read: read its last data meanwhile. */
  boolean awaitingPeer() {
    return sent && !peerClosed;
  }

  /** What the future fails with when the TLS connection fails during the stop. */
  static IOException refused(IOException failure) {
    if (failure instanceof TlsException tls && tls.kind() == TlsException.Kind.TRUNCATED) {
      return new IOException(
          "stopTls: the peer closed the TCP connection instead of answering with close_notify,"
              + " so the session cannot go on as plaintext",
          failure);
    }
    return new IOException(
        "stopTls: the TLS connection failed before close_notify went both ways: "
            + failure.getMessage(),
        failure);
  }

  /** The stop's deadline passed: the peer's close_notify did not come. */
  static IOException timedOut(InetSocketAddress peer, Duration timeout) {
    return new IOException(
        "stopTls: the close_notify of "
            + Addresses.text(peer)
            + " did not come within "
            + timeout
            + " (the context's closeTimeout); the session is closed");
  }
}
