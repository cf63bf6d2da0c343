package io.niotls.engine;

import io.niotls.context.ClientAuth;
import io.niotls.context.DelegatedTasks;
import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import io.niotls.transport.Transport;
import io.niotls.wire.TlsRecords;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * One TLS connection: the state machine over one {@link SSLEngine} and one {@link Transport}, with
 * the contract of OpenSSL's {@code SSL_connect}/{@code SSL_read}/{@code SSL_write}/{@code
 * SSL_shutdown} + {@code SSL_get_error}.
 *
 * <p>Every call does what it can without blocking and says what it needs to go on: {@link
 * Status#WANT_READ} (call again when the transport is readable), {@link Status#WANT_WRITE} (when
 * writable), {@link Status#WANT_TASK} (after {@link #runTasks()}). {@link #read} and {@link #write}
 * return a byte count, or a negative {@link Status#code()}; {@link #status()} always tells the
 * status of the last call.
 *
 * <p>The engine is passive: it never blocks, never touches a selector and never calls user code.
 * Not thread-safe: one thread at a time drives it, except {@link #runTasks()}, which may run on
 * another thread while no other call is in progress.
 *
 * <p>Floods: after the handshake, at most {@value #MAX_RECORDS_WITHOUT_DATA} records in a row may
 * carry no application data (empty records, warning alerts, KeyUpdates, session tickets); the next
 * one fails the engine with SSL ({@code unexpected_message}). A flood therefore costs a bounded
 * amount of work, and no single call runs for as long as the peer keeps sending. (BoringSSL has
 * tighter limits of its own for empty records, warnings and KeyUpdates.) A reply the peer asked
 * for, such as a KeyUpdate, is written before the next record is read, so a peer that does not read
 * gets WANT_WRITE, not a growing queue.
 *
 * <p>Buffers: ciphertext in ({@code netIn}), ciphertext out ({@code netOut}) and decrypted
 * plaintext not yet read ({@code appIn}) are taken from the context's pool only while they hold
 * bytes, so an idle connection holds none.
 */
public final class TlsEngine implements Closeable {
  /** Records in a row without application data that the engine accepts after the handshake. */
  public static final int MAX_RECORDS_WITHOUT_DATA = 64;

  private final TlsContext context;
  private final SSLEngine ssl;
  private final Transport transport;
  private final EngineBuffers buffers;
  private final RecordGuard guard;
  private final EngineQuirks quirks;
  private final String serverName;
  private final boolean inlineTasks;

  private Phase phase = Phase.NEW;
  private Status status = Status.OK;
  private TlsException failure;
  private SessionInfo session;
  private int appBufferSize;
  private boolean released; // close() freed the SSLEngine, buffers and transport
  private boolean wrapDue; // an unwrap said NEED_WRAP: wrap before unwrapping again
  private boolean sealing; // a record of ours was encrypted: our alerts must be too

  private TlsEngine(TlsContext context, Transport transport, String peerHost, int peerPort) {
    this.context = context;
    this.transport = transport;
    this.ssl = context.newSslEngine(peerHost, peerPort);
    this.buffers = new EngineBuffers(context.bufferPool(), transport);
    this.serverName = context.isClient() ? context.serverNameFor(peerHost) : null;
    this.inlineTasks = context.delegatedTasks() == DelegatedTasks.INLINE;
    this.appBufferSize = ssl.getSession().getApplicationBufferSize();
    this.quirks = EngineQuirks.of(context.provider());
    this.guard = new RecordGuard(!quirks.refusesRenegotiation(context.isClient()));
  }

  /**
   * A client engine (the {@code SSL_connect} side). {@code host} is sent as SNI (unless an IP
   * literal or overridden in the context) and verified against the server's certificate; {@code
   * host} and {@code port} also key the session cache for resumption.
   */
  public static TlsEngine client(TlsContext context, Transport transport, String host, int port) {
    if (!context.isClient()) {
      throw new TlsConfigException("TlsEngine.client needs a context from forClient()");
    }
    return new TlsEngine(context, transport, host, port);
  }

  /**
   * A server engine (the {@code SSL_accept} side). When the context {@code requireAlpn()}, the
   * client's ClientHello is read on its way in and refused with {@code no_application_protocol}
   * unless it offers one of the context's ALPN protocols.
   */
  public static TlsEngine server(TlsContext context, Transport transport) {
    if (context.isClient()) {
      throw new TlsConfigException("TlsEngine.server needs a context from forServer()");
    }
    Transport guarded =
        context.requireAlpn() ? new AlpnGuard(transport, context.alpn()) : transport;
    return new TlsEngine(context, guarded, null, -1);
  }

  /**
   * Drives the handshake as far as it goes now. {@link Status#OK} once it is complete and its last
   * flight is written; calling it on an established engine writes any pending ciphertext. Optional:
   * the first {@link #read} or {@link #write} drives it too.
   */
  public Status handshake() {
    switch (phase) {
      case FAILED:
        return status(failure.status());
      case NEW:
        try {
          ssl.beginHandshake();
        } catch (SSLException e) {
          return fail(TlsException.fromEngine(e));
        }
        moveTo(Phase.HANDSHAKING);
        return driveHandshake();
      case HANDSHAKING:
        return driveHandshake();
      default:
        try {
          return status(buffers.flush() ? Status.OK : Status.WANT_WRITE);
        } catch (IOException e) {
          return fail(TlsException.transport(e));
        }
    }
  }

  /**
   * Reads decrypted bytes into {@code dst}: up to one record's worth per call. Keep calling until
   * it returns {@link Status#WANT_READ}'s code: a later record may already be buffered. TLS 1.3
   * post-handshake messages are handled here and may report WANT_WRITE.
   *
   * @return bytes read (0 only when {@code dst} is full), or a negative {@link Status#code()}:
   *     WANT_READ, WANT_WRITE, WANT_TASK, ZERO_RETURN (peer's close_notify), SYSCALL or SSL
   */
  public int read(ByteBuffer dst) {
    if (!phase.established() && phase != Phase.CLOSED) {
      Status s = handshake();
      if (s != Status.OK) {
        return s.code();
      }
    }
    if (!dst.hasRemaining() && phase != Phase.FAILED) {
      status(Status.OK);
      return 0;
    }
    try {
      return readRecords(dst);
    } catch (SSLException e) {
      return fail(TlsException.fromEngine(e)).code();
    } catch (TlsException e) {
      return fail(e).code();
    } catch (IOException e) {
      return fail(TlsException.transport(e)).code();
    }
  }

  /**
   * Encrypts and sends bytes from {@code src}. Returns how many were consumed, possibly fewer than
   * offered when the transport fills up; those bytes are committed and the rest must be offered
   * again (after WANT_WRITE, unchanged). Never encrypts a byte twice.
   *
   * @return bytes consumed, or a negative {@link Status#code()}: WANT_WRITE, WANT_READ, WANT_TASK
   *     (handshake not done), ZERO_RETURN (the connection no longer accepts data), SYSCALL or SSL
   * @throws IllegalStateException after {@link #shutdown()} or {@link #close()}
   */
  public int write(ByteBuffer src) {
    if (phase == Phase.SHUTDOWN_SENT || phase == Phase.CLOSED) {
      throw new IllegalStateException("write after shutdown() or close()");
    }
    if (!phase.established()) {
      Status s = handshake();
      if (s != Status.OK) {
        return s.code();
      }
    }
    try {
      if (!buffers.flush()) {
        return status(Status.WANT_WRITE).code();
      }
      int consumed = 0;
      while (src.hasRemaining()) {
        SSLEngineResult r = wrap(src);
        consumed += r.bytesConsumed();
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
          return consumed > 0 ? ok(consumed) : status(Status.ZERO_RETURN).code();
        }
        if (!buffers.flush()) {
          break;
        }
      }
      return consumed > 0 ? ok(consumed) : status(Status.WANT_WRITE).code();
    } catch (SSLException e) {
      return fail(TlsException.fromEngine(e)).code();
    } catch (IOException e) {
      return fail(TlsException.transport(e)).code();
    }
  }

  /**
   * Closes the connection in OpenSSL's two steps: the first call sends close_notify and returns
   * {@link Status#SENT} without reading (or {@link Status#DONE} when the peer's close_notify was
   * already read); then either {@link #read} the peer's last data until ZERO_RETURN, or call again:
   * further calls read, discarding data, until the peer's close_notify arrives ({@code DONE}). May
   * return WANT_WRITE while our close_notify is not yet written. During the handshake it aborts: an
   * alert is sent and the result is DONE. Then {@link #close()} frees the engine.
   */
  public Status shutdown() {
    try {
      switch (phase) {
        case FAILED:
          return status(failure.status());
        case NEW:
          moveTo(Phase.CLOSED);
          return status(Status.DONE);
        case HANDSHAKING:
          buffers.flush();
          sendCloseNotify();
          moveTo(Phase.CLOSED);
          return status(buffers.flush() ? Status.DONE : Status.WANT_WRITE);
        case OPEN:
          if (!buffers.flush()) {
            return status(Status.WANT_WRITE);
          }
          sendCloseNotify();
          moveTo(Phase.SHUTDOWN_SENT);
          // Like SSL_shutdown's first call: no read yet, so a caller that wants the peer's last
          // data (TLS 1.3 half-close) can still read() it before calling shutdown() again.
          return status(buffers.flush() ? Status.SENT : Status.WANT_WRITE);
        case SHUTDOWN_SENT:
          return status(buffers.flush() ? awaitPeerClose() : Status.WANT_WRITE);
        case PEER_CLOSED:
          if (!buffers.flush()) {
            return status(Status.WANT_WRITE);
          }
          sendCloseNotify();
          moveTo(Phase.CLOSED);
          return status(buffers.flush() ? Status.DONE : Status.WANT_WRITE);
        default: // CLOSED
          return status(buffers.flush() ? Status.DONE : Status.WANT_WRITE);
      }
    } catch (SSLException e) {
      return fail(TlsException.fromEngine(e));
    } catch (TlsException e) {
      return fail(e);
    } catch (IOException e) {
      return fail(TlsException.transport(e));
    }
  }

  /** Runs the SSLEngine's delegated tasks announced by {@link Status#WANT_TASK}. Any thread. */
  public void runTasks() {
    for (Runnable task = ssl.getDelegatedTask(); task != null; task = ssl.getDelegatedTask()) {
      task.run();
    }
  }

  /**
   * Frees the engine: native SSL state, pooled buffers, and the transport. Sends nothing (call
   * {@link #shutdown()} first for a clean close). Idempotent.
   */
  @Override
  public void close() {
    if (released) {
      return; // the OpenSSL provider's engine is reference counted: release it once
    }
    released = true;
    if (phase != Phase.FAILED && phase != Phase.CLOSED) {
      moveTo(Phase.CLOSED);
    }
    buffers.releaseAll();
    context.releaseSslEngine(ssl);
    try {
      transport.close();
    } catch (IOException ignored) {
      // nothing is lost: the caller asked to drop the connection
    }
  }

  /** The status of the last call. */
  public Status status() {
    return status;
  }

  /** Why the engine failed, once a call returned SSL or SYSCALL; null before. */
  public TlsException failure() {
    return failure;
  }

  /** What the handshake negotiated; null until it completes. */
  public SessionInfo session() {
    return session;
  }

  public boolean isHandshakeComplete() {
    return session != null;
  }

  /** True once the peer's close_notify has been read. */
  public boolean isPeerClosed() {
    return phase == Phase.PEER_CLOSED || (phase == Phase.CLOSED && ssl.isInboundDone());
  }

  /** Decrypted bytes buffered and not yet read ({@code SSL_pending}). */
  public int pending() {
    return buffers.pending();
  }

  /** True while ciphertext waits to be written: the caller should wait for writability. */
  public boolean wantsWrite() {
    return buffers.wantsWrite();
  }

  /** Whether this engine holds any pooled buffer (false for an idle connection). */
  public boolean holdsBuffers() {
    return buffers.holdsAny();
  }

  public boolean isClient() {
    return context.isClient();
  }

  public Transport transport() {
    return transport;
  }

  /** The SSLEngine underneath, for facts this class does not expose. Do not drive it directly. */
  public SSLEngine sslEngine() {
    return ssl;
  }

  private Status driveHandshake() {
    try {
      while (phase == Phase.HANDSHAKING) {
        if (!buffers.flush()) {
          return status(Status.WANT_WRITE);
        }
        HandshakeStatus hs = ssl.getHandshakeStatus();
        switch (hs) {
          case NEED_TASK:
            if (!inlineTasks) {
              return status(Status.WANT_TASK);
            }
            runTasks();
            break;
          case NEED_WRAP:
            wrap(EngineBuffers.empty());
            break;
          case NEED_UNWRAP:
          case NEED_UNWRAP_AGAIN:
            Status wait = unwrapHandshake();
            if (wait != null) {
              return status(wait);
            }
            break;
          default: // FINISHED or NOT_HANDSHAKING: an engine that did not report FINISHED
            established();
        }
      }
      if (context.isClient() && buffers.holdsNetIn()) {
        readAhead();
      }
      return status(buffers.flush() ? Status.OK : Status.WANT_WRITE);
    } catch (SSLException e) {
      return fail(TlsException.fromEngine(e));
    } catch (TlsException e) {
      return fail(e);
    } catch (IOException e) {
      return fail(TlsException.transport(e));
    }
  }

  /** One handshake unwrap; returns the status to report when it needs more input, else null. */
  private Status unwrapHandshake() throws IOException {
    // Read first when no whole record is buffered: an unwrap without new bytes would only repeat
    // the "need more" that ended the previous call, a wasted call into the provider per flight.
    // An end of stream is reported only if the unwrap below cannot go on without more input.
    int firstRead = buffers.holdsWholeRecord() ? 1 : buffers.fill();
    // Always offer the engine an unwrap, even with no input: BoringSSL's TLS 1.3 server only
    // reports the handshake finished on an unwrap after the one that consumed the client Finished.
    SSLEngineResult r = unwrapIntoAppIn();
    if (phase != Phase.HANDSHAKING) {
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
  private void readAhead() throws IOException {
    while (!buffers.holdsAppIn() && phase == Phase.OPEN && buffers.holdsWholeRecord()) {
      SSLEngineResult r = unwrapIntoAppIn();
      if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
        moveTo(Phase.PEER_CLOSED);
      } else if (r.getStatus() != SSLEngineResult.Status.OK || r.bytesConsumed() == 0) {
        return;
      }
    }
  }

  private int readRecords(ByteBuffer dst) throws IOException {
    buffers.flush(); // a post-handshake reply left over from an earlier call
    boolean bodySizedRefused = false;
    while (true) {
      if (buffers.holdsAppIn()) {
        return ok(buffers.take(dst));
      }
      if (phase == Phase.PEER_CLOSED || phase == Phase.CLOSED) {
        return status(Status.ZERO_RETURN).code();
      }
      if (phase == Phase.FAILED) {
        return status(failure.status()).code();
      }
      HandshakeStatus hs = ssl.getHandshakeStatus();
      if (hs == HandshakeStatus.NEED_TASK) {
        if (!inlineTasks) {
          return status(Status.WANT_TASK).code();
        }
        runTasks();
        continue;
      }
      if (hs == HandshakeStatus.NEED_WRAP || wrapDue) { // a reply, such as KeyUpdate's, or an alert
        if (!buffers.flush()) {
          return status(Status.WANT_WRITE).code();
        }
        wrapDue =
            wrap(EngineBuffers.empty()).bytesProduced()
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
      // then skip appIn and a copy.
      boolean direct =
          dst.remaining() >= appBufferSize
              || (!bodySizedRefused && dst.remaining() >= buffers.nextRecordBody());
      SSLEngineResult r = direct ? unwrap(dst) : unwrapIntoAppIn();
      if (direct && r.bytesProduced() > 0) {
        return ok(r.bytesProduced());
      }
      switch (r.getStatus()) {
        case CLOSED:
          if (ssl.isInboundDone()) {
            moveTo(phase == Phase.SHUTDOWN_SENT ? Phase.CLOSED : Phase.PEER_CLOSED);
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
    return n > 0 ? 0 : status(wantsWrite() ? Status.WANT_WRITE : Status.WANT_READ).code();
  }

  /** After our close_notify: reads and discards until the peer's arrives. */
  private Status awaitPeerClose() throws IOException {
    while (phase == Phase.SHUTDOWN_SENT) {
      SSLEngineResult r = unwrapIntoAppIn();
      buffers.releaseAppIn();
      switch (r.getStatus()) {
        case CLOSED:
          if (ssl.isInboundDone()) {
            moveTo(Phase.CLOSED);
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
    buffers.releaseAll();
    return Status.DONE;
  }

  private void sendCloseNotify() throws IOException {
    ssl.closeOutbound();
    for (int i = 0; i < 4 && !ssl.isOutboundDone(); i++) {
      if (wrap(EngineBuffers.empty()).bytesProduced() == 0 || !buffers.flush()) {
        return;
      }
    }
  }

  private void established() {
    moveTo(Phase.OPEN);
    sealing = true;
    // A server that asked for no client certificate has none to read: asking would only throw.
    boolean peerCertificates = context.isClient() || context.clientAuth() != ClientAuth.NONE;
    String sni = context.isClient() ? serverName : context.requestedServerName(ssl);
    session = SessionInfo.of(ssl, sni, context.wasResumed(ssl), peerCertificates);
    guard.established(session.protocol());
    appBufferSize = ssl.getSession().getApplicationBufferSize();
    if (!context.sessionResumption()) {
      ssl.getSession().invalidate();
    }
  }

  private SSLEngineResult wrap(ByteBuffer src) throws SSLException {
    if (phase.established() && src.hasRemaining()) {
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
      r = ssl.wrap(src, buffers.beginWrap());
    } finally {
      buffers.endWrap();
    }
    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
      throw new IllegalStateException("netOut smaller than a record");
    }
    if (!sealing && r.bytesProduced() > 0) {
      sealing = FatalAlerts.sealsFromHere(buffers.netOut(), r.bytesProduced());
    }
    if (r.getHandshakeStatus() == HandshakeStatus.FINISHED && phase == Phase.HANDSHAKING) {
      established();
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
      guard.checkHeader(src, phase.established());
    }
    SSLEngineResult r = ssl.unwrap(src, dst);
    buffers.afterUnwrap();
    if (r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP
        && (phase.established() || ssl.getHandshakeStatus() != HandshakeStatus.NEED_WRAP)) {
      // Netty's engine says NEED_WRAP only here, never in getHandshakeStatus(), after the
      // handshake (a KeyUpdate reply) and for the alert of a failure it found while unwrapping,
      // which it throws only on the wrap after the one that writes the alert. That includes a
      // bad record read by the unwrap that ends the handshake, when its status already says
      // NOT_HANDSHAKING. read() wraps before it unwraps again; a WANT_READ instead would leave
      // the failure unseen (a hung connection, or a spinning loop if the bytes are buffered).
      wrapDue = true;
    }
    if (phase.established()) {
      guard.unwrapped(r.bytesConsumed(), r.bytesProduced());
    }
    if (r.getHandshakeStatus() == HandshakeStatus.FINISHED && phase == Phase.HANDSHAKING) {
      established();
      if (r.getStatus() == SSLEngineResult.Status.CLOSED && ssl.isInboundDone()) {
        // The peer closed right behind its last flight and BoringSSL took its close_notify on
        // the unwrap that ended the handshake: no later read will see it again.
        moveTo(Phase.PEER_CLOSED);
      }
    }
    return r;
  }

  private Status fail(TlsException e) {
    if (phase != Phase.FAILED) {
      failure = e;
      if (e.status() == Status.SSL) {
        sendAlert(e);
      }
      moveTo(Phase.FAILED);
      buffers.releaseAll();
    }
    return status(failure.status());
  }

  /**
   * Best effort, never a close_notify: a failure the provider decided has its fatal alert queued in
   * the provider, and the next wraps write it; for a refusal of ours, see {@link FatalAlerts}.
   */
  private void sendAlert(TlsException e) {
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

  private void moveTo(Phase target) {
    if (!phase.canMoveTo(target)) {
      throw new IllegalStateException("illegal move " + phase + " -> " + target);
    }
    phase = target;
  }

  private Status status(Status s) {
    status = s;
    return s;
  }

  private int ok(int n) {
    status = Status.OK;
    return n;
  }

  @Override
  public String toString() {
    return "TlsEngine[" + (isClient() ? "client " : "server ") + phase + ", " + status + "]";
  }
}
