package io.niotls.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * The engine's send path: every wrap of the {@link SSLEngine}, into the transport's own buffer
 * where it lends one after the handshake, else into netOut; the application's writes; our
 * close_notify; and the fatal alert of a failure, never a close_notify (see {@link FatalAlerts}).
 * Owns whether any of our records is sealed yet, which decides how an alert can be sent.
 *
 * <p>Part of one {@link TlsEngine} and confined, like it, to the thread driving it. The engine owns
 * the phase and the status: the sender reads the one and reports through the other.
 */
final class Sender {
  private final TlsEngine engine;
  private final SSLEngine ssl;
  private final EngineBuffers buffers;
  private final EngineQuirks quirks;
  private boolean sealing; // a record of ours was encrypted: our alerts must be too

  Sender(TlsEngine engine, SSLEngine ssl, EngineBuffers buffers, EngineQuirks quirks) {
    this.engine = engine;
    this.ssl = ssl;
    this.buffers = buffers;
    this.quirks = quirks;
  }

  /**
   * Encrypts and sends from {@code src} until it is empty or the transport is full, on an
   * established connection: {@link TlsEngine#write}'s contract.
   */
  int write(ByteBuffer src) throws IOException {
    if (!buffers.flush()) {
      return engine.status(Status.WANT_WRITE).code();
    }
    int consumed = 0;
    while (src.hasRemaining()) {
      SSLEngineResult r = wrap(src);
      consumed += r.bytesConsumed();
      if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
        return consumed > 0 ? engine.ok(consumed) : engine.status(Status.ZERO_RETURN).code();
      }
      if (!buffers.flush()) {
        break;
      }
    }
    return consumed > 0 ? engine.ok(consumed) : engine.status(Status.WANT_WRITE).code();
  }

  /** The handshake is done: from now on our records are sealed. */
  void established() {
    sealing = true;
  }

  /** Closes our direction and wraps our close_notify, writing it as far as the transport takes. */
  void closeNotify() throws IOException {
    ssl.closeOutbound();
    for (int i = 0; i < 4 && !ssl.isOutboundDone(); i++) {
      if (wrap(EngineBuffers.empty()).bytesProduced() == 0 || !buffers.flush()) {
        return;
      }
    }
  }

  /**
   * One wrap of {@code src} (empty for the handshake, a reply or an alert). Tells the engine when
   * it finished the handshake.
   */
  SSLEngineResult wrap(ByteBuffer src) throws SSLException {
    if (engine.phase().established() && src.hasRemaining()) {
      ByteBuffer lent = buffers.beginWrapInPlace(src.remaining());
      if (lent != null) {
        SSLEngineResult r;
        try {
          r = ssl.wrap(src, lent);
        } finally {
          buffers.endWrapInPlace(lent);
        }
        if (r.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
          return r;
        }
        // More to write than the record at hand (BoringSSL's pending tickets come first): the
        // engine's own buffer below has room for it.
      }
    }
    SSLEngineResult r;
    try {
      // behind what waits in netOut: a handshake flight leaves in one write, not one per wrap
      r = ssl.wrap(src, buffers.beginFlightWrap());
    } finally {
      buffers.endWrap();
    }
    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
      throw new IllegalStateException("netOut smaller than a record");
    }
    if (!sealing && r.bytesProduced() > 0) {
      sealing = FatalAlerts.sealsFromHere(buffers.lastWrapped(), r.bytesProduced());
    }
    if (r.getHandshakeStatus() == HandshakeStatus.FINISHED && engine.phase() == Phase.HANDSHAKING) {
      engine.established();
    }
    return r;
  }

  /**
   * Sends the fatal alert of {@code e}, best effort, never a close_notify: a failure the provider
   * decided has its fatal alert queued in the provider, and the next wraps write it; for a refusal
   * of ours, see {@link FatalAlerts}.
   */
  void alert(TlsException e) {
    try {
      if (e.isRefusal() && !sealing) {
        ByteBuffer alert = FatalAlerts.plaintext(e.alert());
        buffers.beginWrap().put(alert);
        buffers.endWrap();
        buffers.flush();
        return; // the provider may have its next flight ready: it must not follow the alert
      }
      if (e.isRefusal()) {
        provoke(e.alert());
      }
      int produced = 0;
      for (int i = 0; i < 4; i++) { // a provider that is done says so with 0 bytes
        int n = wrap(EngineBuffers.empty()).bytesProduced();
        produced += n;
        if (n == 0) {
          break;
        }
      }
      if (produced == 0
          && !sealing
          && quirks.mayFailWithoutAlert()
          && !"close_notify".equals(e.alert())) {
        // a peer whose first flight could not be read is told so, with the alert named or the
        // likeliest one
        String alert = e.alert() != null ? e.alert() : "decode_error";
        buffers.beginWrap().put(FatalAlerts.plaintext(alert));
        buffers.endWrap();
      }
    } catch (Exception ignored) {
      // the engine throws its failure once the alert is out; the original cause is what matters
    }
    try {
      buffers.flush();
    } catch (IOException ignored) {
      // the peer is gone: nothing more to tell it
    }
  }

  /** Feeds the provider a record its own record layer refuses with a fatal alert. */
  private void provoke(String alert) {
    try {
      ssl.unwrap(quirks.provocation(alert), buffers.beginUnwrapIntoAppIn());
    } catch (SSLException expected) {
      // SunJSSE throws here and has queued its alert; BoringSSL's engine says so on the wrap
    } finally {
      buffers.endUnwrapIntoAppIn();
    }
  }
}
