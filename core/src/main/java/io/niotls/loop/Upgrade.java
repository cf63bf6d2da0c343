package io.niotls.loop;

import io.niotls.context.TlsContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * A STARTTLS upgrade asked for: the context to speak, the future that waits for it, and the
 * plaintext queued before the request, which goes out before the handshake starts. Loop-confined.
 */
final class Upgrade {
  final TlsContext context;
  final CompletableFuture<TlsSession> future = new CompletableFuture<>();
  private ArrayDeque<ByteBuffer> plaintext;

  Upgrade(TlsContext context) {
    this.context = context;
  }

  /** Takes what was queued before the request: it is plaintext, everything after is TLS. */
  void takePlaintext(Outbound outbound) {
    plaintext = outbound.detach();
  }

  /** Writes the plaintext taken; true once all of it is out. */
  boolean flush(SocketChannel channel, Outbound outbound) throws IOException {
    while (plaintext != null && !plaintext.isEmpty()) {
      ByteBuffer head = plaintext.peek();
      outbound.release(channel.write(head));
      if (head.hasRemaining()) {
        return false;
      }
      plaintext.poll();
    }
    return true;
  }
}
