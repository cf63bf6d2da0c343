package io.niotls.engine;

import io.niotls.wire.TlsRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * The engine's receive path: every unwrap of the {@link SSLEngine} and every read from the
 * transport. It puts each record header past the {@link RecordGuard} first and counts records
 * without data against the flood limit, decrypts straight into the caller's buffer when that can
 * hold a record's plaintext (else into appIn), reads whole buffered records ahead at the end of a
 * client's handshake, and discards what arrives after our close_notify. Owns the application buffer
 * size it judges by and whether a wrap is due before the next unwrap (a reply or an alert the
 * provider announced only in an unwrap's result, see {@link EngineQuirks}); such wraps go through
 * the {@link Sender}.
 *
 * <p>Part of one {@link TlsEngine} and confined, like it, to the thread driving it. The engine owns
 * the phase and the status: the receiver reads and moves the one and reports through the other.
 */
final class Receiver {
  private final TlsEngine engine;
  private final SSLEngine ssl;
  private final EngineBuffers buffers;
  private final Sender sender;
  private final RecordGuard guard;

  /**
   * The most a reader's buffer may fall short of a record's body and still be decrypted into: TLS
   * 1.3's largest expansion, so a 16 KiB buffer takes any full record of plaintext.
   */
  private static final int MAX_SPARE = TlsRecords.MAX_TLS13_EXPANSION;

  /** A destination with room for nothing, for unwraps that produce no plaintext. */
  private static final ByteBuffer NO_ROOM = ByteBuffer.allocate(0);

  private int appBufferSize;
  private final boolean handshakeWithoutRoom; // see EngineQuirks.unwrapsHandshakeWithoutRoom
  private boolean wrapDue; // an unwrap said NEED_WRAP: wrap before unwrapping again
  private boolean heard; // a record was unwrapped after the handshake (a ticket, data, an alert)
  private final boolean statusFollowsUnwraps; // see EngineQuirks.handshakeStatusFollowsUnwraps
  private boolean quiet; // the last unwrap left the engine open and idle: nothing to ask it

  Receiver(
      TlsEngine engine,
      SSLEngine ssl,
      EngineBuffers buffers,
      Sender sender,
      EngineQuirks quirks,
      boolean client) {
    this.engine = engine;
    this.ssl = ssl;
    this.buffers = buffers;
    this.sender = sender;
    this.guard = new RecordGuard(!quirks.refusesRenegotiation(client));
    this.statusFollowsUnwraps = quirks.handshakeStatusFollowsUnwraps();
    this.handshakeWithoutRoom = quirks.unwrapsHandshakeWithoutRoom();
    this.appBufferSize = ssl.getSession().getApplicationBufferSize();
  }

  /** The handshake negotiated {@code protocol}: the guard's limits and the buffer size follow. */
  void established(String protocol) {
    guard.established(protocol);
    appBufferSize = ssl.getSession().getApplicationBufferSize();
  }

  /** One handshake unwrap; returns the status to report when it needs more input, else null. */
  Status unwrapHandshake() throws IOException {
    // Read first when no whole record is buffered: an unwrap without new bytes would only repeat
    // the "need more" that ended the previous call, a wasted call into the provider per flight.
    // An end of stream is reported only if the unwrap below cannot go on without more input.
    int firstRead = buffers.holdsWholeRecord() ? 1 : buffers.fill();
    // Always offer the engine an unwrap, even with no input: BoringSSL's TLS 1.3 server only
    // reports the handshake finished on an unwrap after the one that consumed the client Finished.
    SSLEngineResult r;
    if (handshakeWithoutRoom) {
      // SunJSSE asks for room only for data, which no handshake record carries: no appIn taken
      // and given back per record (and per "need more")
      r = unwrap(NO_ROOM);
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        r = unwrapIntoAppIn(); // data after all: the record is still there
      }
    } else {
      r = unwrapIntoAppIn();
    }
    if (engine.phase() != Phase.HANDSHAKING) {
      return null; // BoringSSL may report FINISHED on an unwrap that also says BUFFER_UNDERFLOW
    }
    switch (r.getStatus()) {
      case OK:
        if (r.bytesConsumed() > 0
            || r.bytesProduced() > 0
            || r.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP) {
          return null;
        }
        break; // no progress: needs input
      case CLOSED:
        throw TlsException.protocol(
            "close_notify", "the peer closed the connection during the handshake");
      case BUFFER_OVERFLOW:
        throw new IllegalStateException("appIn smaller than a record");
      default: // BUFFER_UNDERFLOW
    }
    int n =
        firstRead <= 0 ? firstRead : buffers.fill(); // no second read when the first found nothing
    if (n < 0) {
      throw TlsException.truncated(true);
    }
    return n == 0 ? Status.WANT_READ : null;
  }

  /**
   * A TLS 1.3 client's handshake ends with the server's records still buffered: BoringSSL's session
   * tickets arrive in the server's first flight and are only taken when unwrapped, so unwrap whole
   * buffered records now, or a client that never reads would never cache a session.
   */
  void readAhead() throws IOException {
    while (!buffers.holdsAppIn() && engine.phase() == Phase.OPEN && buffers.holdsWholeRecord()) {
      SSLEngineResult r = unwrapIntoAppIn();
      if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
        engine.moveTo(Phase.PEER_CLOSED);
      } else if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
        return;
      }
    }
  }

  /**
   * Before a TLS 1.3 client's close_notify: reads what has arrived from the transport and unwraps
   * it as far as the first application data (kept in appIn for the caller), so that the tickets a
   * server sent after the handshake reach the session cache of a client that never read. Netty's
   * engine (BoringSSL) ignores tickets once our close_notify is out. Never waits: what has not
   * arrived yet is not read. Failures and the peer's close_notify are left for the next call.
   *
   * @return whether the transport reported the end of its stream (no ticket can come now)
   */
  boolean readArrived() throws IOException {
    for (int step = 0;
        step < TlsEngine.MAX_RECORDS_WITHOUT_DATA
            && !buffers.holdsAppIn()
            && engine.phase() == Phase.OPEN;
        step++) {
      if (!buffers.holdsWholeRecord()) {
        int n = buffers.fill();
        if (n <= 0) {
          return n < 0; // nothing more has arrived, or the end of the stream, which read() reports
        }
      }
      if (!buffers.holdsWholeRecord()) {
        continue; // part of a record: the next fill may bring the rest
      }
      SSLEngineResult r = unwrapIntoAppIn();
      if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
        return false; // CLOSED: the peer's close_notify; read() and awaitPeerClose() find it read
      }
    }
    return false;
  }

  /** Whether a record was unwrapped after the handshake: a ticket, data, an alert. */
  boolean heardSinceHandshake() {
    return heard;
  }

  /** Decrypts into {@code dst}, up to one record's worth: {@link TlsEngine#read}'s contract. */
  int read(ByteBuffer dst) throws IOException {
    buffers.flush(); // a post-handshake reply left over from an earlier call
    boolean bodySizedRefused = false;
    while (true) {
      if (buffers.holdsAppIn()) {
        return engine.ok(buffers.take(dst));
      }
      Phase phase = engine.phase();
      if (phase == Phase.SHUTDOWN_SENT && ssl.isInboundDone()) {
        engine.moveTo(Phase.CLOSED); // readArrived() read the peer's close_notify before ours
        phase = Phase.CLOSED;
      }
      if (phase == Phase.PEER_CLOSED || phase == Phase.CLOSED) {
        return engine.status(Status.ZERO_RETURN).code();
      }
      if (phase == Phase.FAILED) {
        return engine.status(engine.failure().status()).code();
      }
      // Asked once per record otherwise: Netty's engine takes its lock for it, three times.
      HandshakeStatus hs =
          quiet && phase == Phase.OPEN ? HandshakeStatus.NOT_HANDSHAKING : ssl.getHandshakeStatus();
      if (hs == HandshakeStatus.NEED_TASK) {
        if (!engine.runTasksInline()) {
          return engine.status(Status.WANT_TASK).code();
        }
        continue;
      }
      if (hs == HandshakeStatus.NEED_WRAP || wrapDue) { // a reply, such as KeyUpdate's, or an alert
        if (!buffers.flush()) {
          return engine.status(Status.WANT_WRITE).code();
        }
        wrapDue =
            sender.wrap(EngineBuffers.empty()).bytesProduced()
                > 0; // until the engine has nothing more to say
        buffers.flush();
        continue;
      }
      if (!buffers.holdsCiphertext()) {
        // Nothing to unwrap: read first instead of asking the provider for a "need more" (and
        // taking appIn for it) on every call.
        int wait = fillOrWait();
        if (wait != 0) {
          return wait;
        }
        continue;
      }
      // Straight into dst when it can hold a record's plaintext: the session's application buffer
      // size, or the body of the whole record up next, which bounds its plaintext. Small records
      // then skip appIn and a copy. A dst a little smaller than the body (a 16 KiB reader's buffer
      // and a full record, whose body also holds the tag and the content type) is lent together
      // with a few spare bytes, which the plaintext fills only if it really is longer than dst.
      int body = bodySizedRefused ? Integer.MAX_VALUE : buffers.nextRecordBody();
      long shortfall = (long) body - dst.remaining(); // > MAX_SPARE when no record is whole
      boolean direct = dst.remaining() >= appBufferSize || shortfall <= MAX_SPARE;
      int start = dst.position();
      SSLEngineResult r;
      if (!direct) {
        r = unwrapIntoAppIn();
      } else if (shortfall > 0 && dst.remaining() < appBufferSize) {
        r = unwrapBeside(dst, (int) shortfall);
      } else {
        r = unwrap(dst);
      }
      if (direct && r.bytesProduced() > 0) {
        return engine.ok(dst.position() - start); // what spilled past dst waits in appIn
      }
      switch (r.getStatus()) {
        case CLOSED:
          if (ssl.isInboundDone()) {
            engine.moveTo(engine.phase() == Phase.SHUTDOWN_SENT ? Phase.CLOSED : Phase.PEER_CLOSED);
            continue;
          }
          // Only our side is closed (BoringSSL says CLOSED then): go on as for OK.
          if (r.bytesConsumed() > 0 || r.bytesProduced() > 0) {
            continue;
          }
          break; // no progress: needs input
        case BUFFER_OVERFLOW:
          if (direct && dst.remaining() < appBufferSize) {
            bodySizedRefused = true; // the provider wants more room than the record's body
            continue;
          }
          if (direct) {
            appBufferSize = dst.remaining() + 1; // the engine wants more: go through appIn
            continue;
          }
          throw new IllegalStateException("appIn smaller than a record");
        case OK:
          if (r.bytesConsumed() > 0 || r.bytesProduced() > 0) {
            continue;
          }
          break; // no progress: needs input
        default: // BUFFER_UNDERFLOW
      }
      int wait = fillOrWait();
      if (wait != 0) {
        return wait;
      }
    }
  }

  /** Reads more ciphertext: 0 when some came, else the code read() returns (a WANT_*). */
  private int fillOrWait() throws IOException {
    int n = buffers.fill();
    if (n < 0) {
      throw TlsException.truncated(false);
    }
    // OpenSSL's SSL_read says WANT_WRITE too when its own reply cannot be written yet
    return n > 0
        ? 0
        : engine.status(buffers.wantsWrite() ? Status.WANT_WRITE : Status.WANT_READ).code();
  }

  /** After our close_notify: reads and discards until the peer's arrives. */
  Status awaitPeerClose() throws IOException {
    if (engine.phase() == Phase.SHUTDOWN_SENT && ssl.isInboundDone()) {
      engine.moveTo(Phase.CLOSED); // readArrived() read the peer's close_notify before ours
    }
    while (engine.phase() == Phase.SHUTDOWN_SENT) {
      SSLEngineResult r = unwrapIntoAppIn();
      buffers.releaseAppIn();
      switch (r.getStatus()) {
        case CLOSED:
          if (ssl.isInboundDone()) {
            engine.moveTo(Phase.CLOSED);
            break;
          }
          // fall through: BoringSSL's engine says CLOSED on every call once our close_notify is
          // out; only isInboundDone() tells that the peer's has arrived
        case OK:
          if (r.bytesConsumed() > 0 || r.bytesProduced() > 0) {
            break;
          }
          // fall through: no progress, needs input
        default:
          int n = buffers.fill();
          if (n == 0) {
            return Status.SENT;
          }
          if (n < 0) {
            throw TlsException.truncated(false);
          }
      }
    }
    // netIn stays: what it holds came behind the peer's close_notify (TlsEngine.unwrapRemainder)
    buffers.releaseAllButInput();
    return Status.DONE;
  }

  /**
   * Unwraps into {@code dst} with {@code spare} bytes more lent behind it, so that a provider that
   * wants room for a whole body takes dst as it is. What lands in the spare bytes (a plaintext
   * longer than dst) goes to appIn, to be read next: read() then reports only dst's part.
   */
  private SSLEngineResult unwrapBeside(ByteBuffer dst, int spare) throws IOException {
    ByteBuffer beside = ByteBuffer.allocate(spare); // a few bytes, garbage at once: no pool trip
    SSLEngineResult r = unwrap(new ByteBuffer[] {dst, beside});
    if (beside.position() > 0) {
      buffers.beginUnwrapIntoAppIn().put(beside.flip());
      buffers.endUnwrapIntoAppIn();
    }
    return r;
  }

  private SSLEngineResult unwrapIntoAppIn() throws IOException {
    try {
      return unwrap(buffers.beginUnwrapIntoAppIn());
    } finally {
      buffers.endUnwrapIntoAppIn();
    }
  }

  private SSLEngineResult unwrap(ByteBuffer dst) throws IOException {
    ByteBuffer src = buffers.netIn();
    if (TlsRecords.headerPresent(src)) {
      guard.checkHeader(src, engine.phase().established());
    }
    return unwrapped(ssl.unwrap(src, dst));
  }

  private SSLEngineResult unwrap(ByteBuffer[] dsts) throws IOException {
    ByteBuffer src = buffers.netIn();
    if (TlsRecords.headerPresent(src)) {
      guard.checkHeader(src, engine.phase().established());
    }
    return unwrapped(ssl.unwrap(src, dsts));
  }

  /** Bookkeeping after every unwrap: netIn, the guard, the phase, a wrap due. */
  private SSLEngineResult unwrapped(SSLEngineResult r) throws IOException {
    buffers.afterUnwrap();
    quiet =
        statusFollowsUnwraps
            && r.getStatus() == SSLEngineResult.Status.OK
            && r.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
            && engine.phase() == Phase.OPEN;
    if (r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP
        && (engine.phase().established()
            || ssl.getHandshakeStatus() != HandshakeStatus.NEED_WRAP)) {
      // Netty's engine says NEED_WRAP only here, never in getHandshakeStatus(), after the
      // handshake (a KeyUpdate reply) and for the alert of a failure it found while unwrapping,
      // which it throws only on the wrap after the one that writes the alert. That includes a
      // bad record read by the unwrap that ends the handshake, when its status already says
      // NOT_HANDSHAKING. read() wraps before it unwraps again; a WANT_READ instead would leave
      // the failure unseen (a hung connection, or a spinning loop if the bytes are buffered).
      wrapDue = true;
    }
    if (engine.phase().established()) {
      guard.unwrapped(r.bytesConsumed(), r.bytesProduced());
      heard |= r.bytesConsumed() > 0;
    }
    if (r.getHandshakeStatus() == HandshakeStatus.FINISHED && engine.phase() == Phase.HANDSHAKING) {
      engine.established();
      if (r.getStatus() == SSLEngineResult.Status.CLOSED && ssl.isInboundDone()) {
        // The peer closed right behind its last flight and BoringSSL took its close_notify on
        // the unwrap that ended the handshake: no later read will see it again.
        engine.moveTo(Phase.PEER_CLOSED);
      }
    }
    return r;
  }
}
