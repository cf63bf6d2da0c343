package io.niotls.engine;

import io.niotls.context.DelegatedTasks;
import io.niotls.context.Provider;
import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import io.niotls.transport.Transport;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * One TLS connection: the state machine over one provider's TLS object (an {@link SSLEngine}, or
 * BoringSSL's {@code SSL} driven directly) and one {@link Transport}, with the contract of
 * OpenSSL's {@code SSL_connect}/{@code SSL_read}/{@code SSL_write}/{@code SSL_shutdown} + {@code
 * SSL_get_error}.
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
 *
 * <p>Inside, this class is the coordinator: it owns the phase, the status and the failure and
 * decides what each call does next; the TLS work of each step is its {@code Driver}'s. For an
 * SSLEngine ({@code SslEngineDriver}) the receive path is {@code Receiver}'s, the send path (alerts
 * included) {@code Sender}'s, and what differs between the providers is asked of {@code
 * EngineQuirks}; for {@link Provider#BORINGSSL} {@code BoringDriver} calls BoringSSL's {@code
 * SSL_do_handshake}/{@code SSL_read}/{@code SSL_write}/{@code SSL_shutdown} itself. The buffers are
 * {@code EngineBuffers}' in both.
 */
public final class TlsEngine implements Closeable {
  /** Records in a row without application data that the engine accepts after the handshake. */
  public static final int MAX_RECORDS_WITHOUT_DATA = 64;

  private final TlsContext context;
  private final Transport transport;
  private final EngineBuffers buffers;
  private final Driver driver;
  private final boolean inlineTasks;

  private Phase phase = Phase.NEW;
  private Status status = Status.OK;
  private TlsException failure;
  private SessionInfo session;
  private boolean released; // close() freed the SSLEngine, buffers and transport
  private TicketWait tickets; // a client's shutdown() waits for session tickets; null when not

  private TlsEngine(TlsContext context, Transport transport, String peerHost, int peerPort) {
    this.context = context;
    this.transport = transport;
    this.buffers = new EngineBuffers(context.bufferPool(), transport);
    this.inlineTasks = context.delegatedTasks() == DelegatedTasks.INLINE;
    this.driver =
        context.provider() == Provider.BORINGSSL
            ? new BoringDriver(this, context, buffers, peerHost, peerPort)
            : new SslEngineDriver(this, context, buffers, peerHost, peerPort);
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
   * Narrows this connection's protocol versions to {@code protocols} (a subset of the context's),
   * for every provider; only before the handshake starts.
   *
   * @throws IllegalStateException once the handshake has started
   */
  public void restrictProtocols(List<String> protocols) {
    if (phase != Phase.NEW) {
      throw new IllegalStateException("restrictProtocols() after the handshake started");
    }
    driver.restrictProtocols(List.copyOf(protocols));
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
          driver.begin();
        } catch (IOException e) {
          return failWith(e);
        }
        if (tickets != null) {
          tickets.handshakeBegan(System.nanoTime());
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
      return driver.read(dst);
    } catch (IOException e) {
      return failWith(e).code();
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
      return driver.write(src);
    } catch (IOException e) {
      return failWith(e).code();
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
          driver.closeNotify();
          moveTo(Phase.CLOSED);
          return status(buffers.flush() ? Status.DONE : Status.WANT_WRITE);
        case OPEN:
          if (!buffers.flush()) {
            return status(Status.WANT_WRITE);
          }
          if (tickets != null && driver.awaitsTickets(tickets)) {
            return status(Status.WANT_READ); // see awaitTicketsBeforeClose()
          }
          driver.closeNotify();
          moveTo(Phase.SHUTDOWN_SENT);
          // Like SSL_shutdown's first call: no read yet, so a caller that wants the peer's last
          // data (TLS 1.3 half-close) can still read() it before calling shutdown() again.
          return status(buffers.flush() ? Status.SENT : Status.WANT_WRITE);
        case SHUTDOWN_SENT:
          return status(buffers.flush() ? driver.awaitPeerClose() : Status.WANT_WRITE);
        case PEER_CLOSED:
          if (!buffers.flush()) {
            return status(Status.WANT_WRITE);
          }
          driver.closeNotify();
          moveTo(Phase.CLOSED);
          return status(buffers.flush() ? Status.DONE : Status.WANT_WRITE);
        default: // CLOSED
          return status(buffers.flush() ? Status.DONE : Status.WANT_WRITE);
      }
    } catch (IOException e) {
      return failWith(e);
    }
  }

  /**
   * Lets {@link #shutdown()} of this client wait briefly for a TLS 1.3 server's session tickets
   * before it sends close_notify, so that a client that handshakes and closes at once resumes next
   * time: the server sends its tickets only once it has our Finished, and Netty's engine over
   * BoringSSL ignores tickets that arrive after our close_notify. While no record has arrived since
   * the handshake, the first {@code shutdown()} on an open connection returns {@link
   * Status#WANT_READ} instead of {@code SENT}, at most until {@link #ticketWaitEnds()}: the caller
   * calls {@code shutdown()} again when the transport is readable and when that time has come, and
   * then our close_notify goes. The wait is twice the handshake's duration, at least 10 ms and at
   * most 20 ms. Nothing changes for TLS 1.2, a server engine, a context without session resumption,
   * or a provider that needs no wait (SunJSSE takes tickets while it reads toward the peer's
   * close_notify; {@link Provider#BORINGSSL} reads those that arrived, and its server sends them
   * with its handshake). Call it before the handshake; only for callers that re-drive {@code
   * shutdown()} at that time (the event loop does).
   */
  public void awaitTicketsBeforeClose() {
    if (phase != Phase.NEW) {
      throw new IllegalStateException("awaitTicketsBeforeClose() after the handshake started");
    }
    if (context.isClient() && context.sessionResumption()) {
      tickets = new TicketWait();
    }
  }

  /**
   * While {@link #shutdown()} waits for session tickets (it returned WANT_READ, see {@link
   * #awaitTicketsBeforeClose()}): the {@link System#nanoTime()} at which the wait ends; call {@code
   * shutdown()} again then. 0 when no such wait began or it is over.
   */
  public long ticketWaitEnds() {
    // only an open engine waits: once our close_notify is out, a WANT_READ is for the peer's
    return tickets == null || phase != Phase.OPEN ? 0 : tickets.ends();
  }

  /**
   * Ends TLS and hands the connection back as plaintext (stopTls, the inverse of STARTTLS; what
   * Python's {@code SSLSocket.unwrap()} does), once close_notify has gone both ways: {@link
   * #shutdown()} returned {@link Status#DONE} after a completed handshake. Returns the bytes this
   * engine read from the transport behind the peer's close_notify (plaintext the peer sent right
   * after it, in the same read), which are the connection's next plaintext bytes; whatever the
   * engine did not read is still in the transport, behind them. The engine is then freed without
   * closing the transport, which is the caller's again: {@link #close()} does nothing more.
   *
   * <p>Getting there, when we begin: {@link #shutdown()} ({@link Status#SENT}), then {@link #read}
   * the peer's last TLS data until ZERO_RETURN (or call {@link #shutdown()} again, which discards
   * that data), then {@link #shutdown()} until DONE. When the peer begins: {@link #read} until
   * ZERO_RETURN, then {@link #shutdown()} until DONE. Nothing behind the peer's close_notify is
   * ever offered to the provider or the record guard as TLS.
   *
   * @return a new heap buffer in read mode, possibly empty
   * @throws IllegalStateException before close_notify has gone both ways (the message says what is
   *     missing), while decrypted data is still unread ({@link #pending()}), or after {@link
   *     #close()} or a previous call
   */
  public ByteBuffer unwrapRemainder() {
    if (released) {
      throw new IllegalStateException(
          "unwrapRemainder() after close() or a previous unwrapRemainder(): the engine is freed");
    }
    if (phase != Phase.CLOSED || session == null || !driver.inboundDone() || buffers.wantsWrite()) {
      throw new IllegalStateException(
          "unwrapRemainder() needs close_notify sent and received after a completed handshake:"
              + " call shutdown() (and read() until ZERO_RETURN) until it returns DONE; the engine"
              + " is "
              + phase
              + (session == null ? ", handshake not completed" : "")
              + (driver.inboundDone() ? "" : ", the peer's close_notify not read")
              + (buffers.wantsWrite() ? ", our close_notify not yet written" : ""));
    }
    if (pending() > 0) {
      throw new IllegalStateException(
          "unwrapRemainder() with "
              + pending()
              + " decrypted bytes unread: read() the peer's last TLS data until ZERO_RETURN first");
    }
    ByteBuffer rest = buffers.takeInput();
    released = true; // the transport stays open: it is the caller's plaintext connection now
    buffers.releaseAll();
    driver.release();
    return rest;
  }

  /** Runs the delegated tasks announced by {@link Status#WANT_TASK}. Any thread. */
  public void runTasks() {
    driver.runTasks();
  }

  /**
   * Frees the engine: native SSL state, pooled buffers, and the transport. Sends nothing (call
   * {@link #shutdown()} first for a clean close). Idempotent.
   */
  @Override
  public void close() {
    if (released) {
      return; // native state (BoringSSL's, directly or through Netty) is freed exactly once
    }
    released = true;
    if (phase != Phase.FAILED && phase != Phase.CLOSED) {
      moveTo(Phase.CLOSED);
    }
    buffers.releaseAll();
    driver.release();
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
    return phase == Phase.PEER_CLOSED || (phase == Phase.CLOSED && driver.inboundDone());
  }

  /** Decrypted bytes buffered and not yet read ({@code SSL_pending}). */
  public int pending() {
    return driver.pending();
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

  /**
   * The SSLEngine underneath, or null for {@link Provider#BORINGSSL}, which has none. Not API: the
   * facts of a session are {@link #session()}'s; niotls's own modules reach this through {@link
   * UnderlyingEngine}.
   */
  SSLEngine sslEngine() {
    return driver.hasSslEngine() ? driver.sslEngine() : null;
  }

  /**
   * The most plaintext one record of this session carries as its provider seals it, so that writes
   * of this many bytes fill records without a small one behind each. {@link
   * io.niotls.wire.TlsRecords#MAX_PLAINTEXT_BODY}, less where a provider pads its records (the
   * JDK's TLS 1.3); the protocol's limit before the handshake completes.
   */
  public int plaintextPerRecord() {
    SessionInfo s = session;
    return s == null ? driver.plaintextPerRecord(null) : driver.plaintextPerRecord(s.protocol());
  }

  private Status driveHandshake() {
    try {
      return status(driver.handshake());
    } catch (IOException e) {
      return failWith(e);
    }
  }

  /** The handshake finished (the driver says so): records the session. */
  void established() {
    if (tickets != null) {
      tickets.handshakeEnded(System.nanoTime());
    }
    moveTo(Phase.OPEN);
    session = driver.established();
  }

  /**
   * Fails the engine with what a call threw: an SSLEngine's exception read for its alert and
   * reason, a TlsException as it is (a refusal of ours, a truncation), anything else as the
   * transport's failure.
   */
  private Status failWith(IOException e) {
    return fail(
        e instanceof SSLException ssl ? TlsException.fromEngine(ssl) : TlsException.transport(e));
  }

  private Status fail(TlsException e) {
    if (phase != Phase.FAILED) {
      failure = e;
      if (e.status() == Status.SSL) {
        driver.alert(e);
      }
      moveTo(Phase.FAILED);
      buffers.releaseAll();
    }
    return status(failure.status());
  }

  /**
   * Runs the delegated tasks here when the context says so ({@link DelegatedTasks#INLINE}); false
   * when the caller must, after WANT_TASK.
   */
  boolean runTasksInline() {
    if (!inlineTasks) {
      return false;
    }
    runTasks();
    return true;
  }

  Phase phase() {
    return phase;
  }

  void moveTo(Phase target) {
    if (!phase.canMoveTo(target)) {
      throw new IllegalStateException("illegal move " + phase + " -> " + target);
    }
    phase = target;
  }

  /** Records {@code s} as the status of the call under way and returns it. */
  Status status(Status s) {
    status = s;
    return s;
  }

  /** Records OK as the status of the call under way and returns {@code n}, the bytes moved. */
  int ok(int n) {
    status = Status.OK;
    return n;
  }

  @Override
  public String toString() {
    return "TlsEngine[" + (isClient() ? "client " : "server ") + phase + ", " + status + "]";
  }
}
