package io.niotls.engine;

import io.netty.internal.tcnative.SSL;
import io.niotls.context.NativeSsl;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The closing half of {@link BoringDriver}: our close_notify ({@code SSL_shutdown}'s first step),
 * and reading until the peer's arrives, discarding its data. Mid-handshake BoringSSL sends nothing
 * on {@code SSL_shutdown}, so the peer is told with a warning {@code user_canceled} while our
 * records are still plaintext.
 */
final class BoringCloser {
  /** RFC 8446 section 6.1: a handshake given up for a reason that is no failure, as a warning. */
  private static final byte[] USER_CANCELED = {21, 3, 3, 0, 2, 1, 90};

  private final TlsEngine engine;
  private final EngineBuffers buffers;
  private final BoringIo io;
  private final RecordGuard guard;
  private final NativeSsl nativeSsl;
  private final long ssl;

  BoringCloser(
      TlsEngine engine,
      EngineBuffers buffers,
      BoringIo io,
      RecordGuard guard,
      NativeSsl nativeSsl) {
    this.engine = engine;
    this.buffers = buffers;
    this.io = io;
    this.guard = guard;
    this.nativeSsl = nativeSsl;
    this.ssl = nativeSsl.ssl();
  }

  /**
   * Queues our close_notify and writes it as far as the transport takes; {@code readTicketsFirst}
   * for a TLS 1.3 client (see {@link #readAhead()}).
   */
  void closeNotify(boolean readTicketsFirst) throws IOException {
    if (engine.phase() == Phase.HANDSHAKING) {
      if (!io.sealing()) {
        buffers.beginWrap().put(USER_CANCELED);
        buffers.endWrap();
      }
      buffers.flush();
      return;
    }
    if (readTicketsFirst) {
      readAhead();
    }
    // SSL_shutdown's first call only writes: lending it input would put the bytes behind a peer's
    // close_notify (plaintext after a stopTls) before the record guard as if they were a record.
    io.withoutInput(BoringIo.Call.SHUTDOWN, ssl);
    buffers.flush();
  }

  /**
   * BoringSSL ignores tickets that arrive after our close_notify: before sending it, a TLS 1.3
   * client reads what has arrived as far as the first application data (kept in appIn for the
   * caller), so the server's tickets reach the session cache of a client that never read.
   */
  private void readAhead() throws IOException {
    for (int step = 0; step < TlsEngine.MAX_RECORDS_WITHOUT_DATA && !buffers.holdsAppIn(); step++) {
      if (!buffers.holdsWholeRecord() && buffers.fill() <= 0) {
        return;
      }
      ByteBuffer app = buffers.beginUnwrapIntoAppIn();
      int n;
      try {
        long at = BoringIo.address(app) + app.position();
        int room = app.remaining();
        n = io.withInput(BoringIo.Call.READ, ssl, at, room, true);
        if (n > 0) {
          app.position(app.position() + n);
        }
      } finally {
        buffers.endUnwrapIntoAppIn();
      }
      guard.unwrapped(io.consumed(), Math.max(n, 0));
      int error = n <= 0 ? SSL.getError(ssl, n) : SSL.SSL_ERROR_NONE;
      if (error == SSL.SSL_ERROR_ZERO_RETURN) {
        io.peerClosed(); // read() and awaitPeerClose() hear it from BoringSSL in turn
        return;
      }
      if (n <= 0 && (error != SSL.SSL_ERROR_WANT_READ || io.consumed() == 0)) {
        return; // a failure (read() reports it in turn), or nothing more has arrived
      }
    }
  }

  /** After our close_notify: DONE once the peer's arrived (the engine is CLOSED), else SENT. */
  Status awaitPeerClose() throws IOException {
    while (engine.phase() == Phase.SHUTDOWN_SENT) {
      ByteBuffer discard = BoringIo.staging();
      long at = BoringIo.address(discard);
      int room = discard.remaining();
      int n = io.withInput(BoringIo.Call.READ, ssl, at, room, true);
      if (n > 0) {
        continue; // the peer's last data, which we no longer read
      }
      int error = SSL.getError(ssl, n);
      if (error == SSL.SSL_ERROR_ZERO_RETURN) {
        io.peerClosed();
        engine.moveTo(Phase.CLOSED);
      } else if (error == SSL.SSL_ERROR_WANT_READ) {
        if (io.consumed() > 0) {
          continue;
        }
        int filled = buffers.fill();
        if (filled == 0) {
          return Status.SENT;
        }
        if (filled < 0) {
          throw TlsException.truncated(false);
        }
      } else if (error == SSL.SSL_ERROR_WANT_WRITE) {
        if (!buffers.flush()) {
          return Status.SENT;
        }
      } else {
        throw BoringFacts.failure(nativeSsl);
      }
    }
    // netIn stays: what it holds came behind the peer's close_notify (TlsEngine.unwrapRemainder)
    buffers.releaseAllButInput();
    return Status.DONE;
  }
}
