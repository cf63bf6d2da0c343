package io.niotls.engine;

import io.netty.internal.tcnative.SSL;
import io.niotls.context.ClientAuth;
import io.niotls.context.NativeSsl;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.wire.TlsRecords;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SSLEngine;

/**
 * The driver over BoringSSL's own API through netty-tcnative, with no SSLEngine in between: {@code
 * SSL_do_handshake}, {@code SSL_read}, {@code SSL_write} and {@code SSL_shutdown}, each result
 * mapped through {@code SSL_get_error} onto {@link Status}, one to one. Ciphertext moves through
 * {@link BoringIo}; plaintext is read and written straight from and to the caller's buffer when it
 * is direct, else through a pooled direct one.
 *
 * <p>What only this driver does: a TLS 1.3 connection keeps writing after the peer's close_notify
 * (BoringSSL then only marks the read side shut), and a TLS 1.3 server sends its NewSessionTickets
 * right after the handshake (a zero-byte {@code SSL_write}) instead of holding them until its first
 * write, so clients that connect, handshake and close can resume. A TLS 1.2 connection ends both
 * directions at the peer's close_notify, as RFC 5246 says.
 */
final class BoringDriver implements Driver {
  /** Where a zero-byte write points: tcnative wants a real address even for no bytes. */
  private static final ByteBuffer NOTHING = ByteBuffer.allocateDirect(1);

  private static final long NOTHING_ADDRESS = BoringIo.address(NOTHING);

  private final TlsEngine engine;
  private final EngineBuffers buffers;
  private final NativeSsl nativeSsl;
  private final long ssl;
  private final BoringIo io;
  private BoringCloser closer; // made when the close begins: an idle session holds none
  private final RecordGuard guard;
  private final boolean client;
  private final boolean peerCertificates;
  private final String serverName;
  private boolean tls13;
  private boolean inboundDone;
  private boolean released;
  private int pendingWrite; // an SSL_write to repeat with at least as many bytes (WANT_WRITE)
  private boolean replyPending; // a KeyUpdate reply waits in netOut: read no further record

  BoringDriver(
      TlsEngine engine, TlsContext context, EngineBuffers buffers, String peerHost, int peerPort) {
    this.engine = engine;
    this.buffers = buffers;
    this.client = context.isClient();
    this.nativeSsl = context.newNativeSsl(peerHost, peerPort);
    this.ssl = nativeSsl.ssl();
    // As through Netty's engine: a BoringSSL server refuses renegotiation itself, with the RFC's
    // alert; a client is refused by the guard (the same message for every client provider).
    this.guard = new RecordGuard(!EngineQuirks.of(Provider.OPENSSL).refusesRenegotiation(client));
    this.io = new BoringIo(nativeSsl.bio(), buffers, guard);
    this.serverName = client ? context.serverNameFor(peerHost) : null;
    this.peerCertificates = client || context.clientAuth() != ClientAuth.NONE;
  }

  private BoringCloser closer() {
    if (closer == null) {
      closer = new BoringCloser(engine, buffers, io, guard, nativeSsl);
    }
    return closer;
  }

  @Override
  public void restrictProtocols(List<String> protocols) {
    int off = SSL.SSL_OP_NO_TLSv1 | SSL.SSL_OP_NO_TLSv1_1;
    off |= protocols.contains("TLSv1.2") ? 0 : SSL.SSL_OP_NO_TLSv1_2;
    off |= protocols.contains("TLSv1.3") ? 0 : SSL.SSL_OP_NO_TLSv1_3;
    SSL.setOptions(ssl, off);
    Reference.reachabilityFence(nativeSsl);
  }

  @Override
  public void begin() {
    // SSL_new put the SSL in its role's state: the first SSL_do_handshake starts it
  }

  @Override
  public Status handshake() throws IOException {
    try {
      while (engine.phase() == Phase.HANDSHAKING) {
        // What the calls write gathers in netOut and goes out when BoringSSL waits for the peer
        // (below, WANT_READ): one socket write per flight, not one per BIO buffer's worth.
        int r = io.withInput(BoringIo.Call.HANDSHAKE, ssl, 0, 0, false);
        if (r == 1) {
          engine.established();
          break;
        }
        Status wait = afterFailedCall(SSL.getError(ssl, r), true);
        if (wait != null) {
          return wait;
        }
      }
      if (!client && tls13 && !buffers.wantsWrite()) {
        // BoringSSL holds a TLS 1.3 server's tickets until its first write: a zero-byte write
        // sends them now, so a client that only handshakes gets them too.
        io.withOutput(ssl, NOTHING_ADDRESS, 0);
      }
      return buffers.flush() ? Status.OK : Status.WANT_WRITE;
    } finally {
      Reference.reachabilityFence(nativeSsl);
    }
  }

  /**
   * What a call that failed with {@code error} ({@code SSL_get_error}, asked before any other call)
   * means: null to call again at once, a WANT_* to report, or an exception for a failure.
   */
  private Status afterFailedCall(int error, boolean handshaking) throws IOException {
    if (error == SSL.SSL_ERROR_WANT_READ) {
      if (io.consumed() > 0) {
        return null; // a record was taken (a flight's part, a ticket, a KeyUpdate): go on
      }
      buffers.flush(); // what the call wrote goes out before we wait for the peer
      int n = buffers.fill();
      if (n < 0) {
        throw TlsException.truncated(handshaking);
      }
      // OpenSSL's SSL_read says WANT_WRITE too when its own reply cannot be written yet
      return n > 0 ? null : buffers.wantsWrite() ? Status.WANT_WRITE : Status.WANT_READ;
    }
    if (error == SSL.SSL_ERROR_WANT_WRITE) {
      // The BIO's own buffer filled up. Mid-handshake the flight goes on gathering in netOut
      // (drained already); what netOut had no room for waits in the BIO until the transport takes
      // netOut.
      return (handshaking && !io.holdsOutput()) || buffers.flush() ? null : Status.WANT_WRITE;
    }
    if (error == SSL.SSL_ERROR_WANT_X509_LOOKUP
        || error == SSL.SSL_ERROR_WANT_CERTIFICATE_VERIFY
        || error == SSL.SSL_ERROR_WANT_PRIVATE_KEY_OPERATION) {
      return engine.runTasksInline() ? null : Status.WANT_TASK;
    }
    if (error == SSL.SSL_ERROR_ZERO_RETURN && handshaking) {
      throw TlsException.protocol(
          "close_notify", "the peer closed the connection during the handshake");
    }
    if (error == SSL.SSL_ERROR_ZERO_RETURN) {
      inboundDone = true;
      io.peerClosed();
      engine.moveTo(engine.phase() == Phase.SHUTDOWN_SENT ? Phase.CLOSED : Phase.PEER_CLOSED);
      return null;
    }
    throw failure();
  }

  private TlsException failure() {
    return BoringFacts.failure(nativeSsl);
  }

  @Override
  public SessionInfo established() {
    io.sealed();
    String protocol = nativeSsl.protocol();
    tls13 = "TLSv1.3".equals(protocol);
    guard.established(protocol);
    return BoringFacts.session(nativeSsl, protocol, client, serverName, peerCertificates);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    try {
      if (replyPending && !flushReply()) {
        return engine.status(Status.WANT_WRITE).code(); // a KeyUpdate reply goes out first
      }
      buffers.flush(); // what an earlier call left
      while (true) {
        if (buffers.holdsAppIn()) {
          return engine.ok(buffers.take(dst));
        }
        Phase phase = engine.phase();
        if (phase == Phase.PEER_CLOSED || phase == Phase.CLOSED) {
          return engine.status(Status.ZERO_RETURN).code();
        }
        if (phase == Phase.FAILED) {
          return engine.status(engine.failure().status()).code();
        }
        int n = readInto(dst);
        if (n > 0) {
          guard.unwrapped(io.consumed(), n);
          if (!buffers.holdsAppIn()) {
            return engine.ok(n);
          }
          continue;
        }
        int error = SSL.getError(ssl, n);
        guard.unwrapped(io.consumed(), 0);
        if (error == SSL.SSL_ERROR_WANT_READ && io.consumed() > 0 && replyOwed()) {
          return engine.status(Status.WANT_WRITE).code();
        }
        Status wait = afterFailedCall(error, false);
        if (wait != null) {
          return engine.status(wait).code();
        }
      }
    } finally {
      Reference.reachabilityFence(nativeSsl);
    }
  }

  /** One SSL_read into {@code dst}: straight if direct, else through this thread's staging. */
  private int readInto(ByteBuffer dst) throws IOException {
    if (dst.isDirect()) {
      long at = BoringIo.address(dst) + dst.position();
      int room = dst.remaining();
      int n = io.withInput(BoringIo.Call.READ, ssl, at, room, true);
      if (n > 0) {
        dst.position(dst.position() + n);
      }
      return n;
    }
    ByteBuffer staging = BoringIo.staging();
    long at = BoringIo.address(staging);
    int room = Math.min(staging.remaining(), dst.remaining());
    int n = io.withInput(BoringIo.Call.READ, ssl, at, room, true);
    if (n > 0) {
      dst.put(staging.limit(n));
    }
    return n;
  }

  /**
   * After a record without data: BoringSSL holds the reply a KeyUpdate asks for until our next
   * write. A zero-byte write sends it now, and the next record waits until it is out (WANT_WRITE),
   * so a peer that asks and does not read gets no growing queue.
   */
  private boolean replyOwed() throws IOException {
    Phase phase = engine.phase();
    if (!tls13 || (phase != Phase.OPEN && phase != Phase.PEER_CLOSED)) {
      return false; // after our close_notify BoringSSL writes nothing more
    }
    io.withOutput(ssl, NOTHING_ADDRESS, 0);
    replyPending |= io.produced() > 0;
    return replyPending && !flushReply();
  }

  /** Writes the reply a KeyUpdate asked for; true once it is out. */
  private boolean flushReply() throws IOException {
    if (buffers.flush()) {
      replyPending = false;
    }
    return !replyPending;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    try {
      if (!buffers.flush()) {
        return engine.status(Status.WANT_WRITE).code();
      }
      if (engine.phase() == Phase.PEER_CLOSED && !tls13) {
        return engine.status(Status.ZERO_RETURN).code(); // RFC 5246: close_notify ends both ways
      }
      int consumed = 0;
      while (src.hasRemaining()) {
        int chunk =
            Math.max(pendingWrite, Math.min(src.remaining(), TlsRecords.MAX_PLAINTEXT_BODY));
        if (chunk > src.remaining()) {
          throw new IllegalStateException(
              "write() after WANT_WRITE must offer the same bytes again: "
                  + pendingWrite
                  + " were being encrypted, "
                  + src.remaining()
                  + " offered");
        }
        int n = writeRecord(src, chunk);
        if (n > 0) {
          pendingWrite = 0;
          src.position(src.position() + n);
          consumed += n;
          if (!buffers.flush()) {
            break;
          }
          continue;
        }
        int error = SSL.getError(ssl, n);
        if (error == SSL.SSL_ERROR_WANT_WRITE) {
          pendingWrite = chunk; // BoringSSL sealed it: the retry only writes it out
          buffers.flush();
          break;
        }
        throw failure();
      }
      return consumed > 0 ? engine.ok(consumed) : engine.status(Status.WANT_WRITE).code();
    } finally {
      Reference.reachabilityFence(nativeSsl);
    }
  }

  /** One SSL_write of {@code length} bytes from {@code src}'s position into netOut. */
  private int writeRecord(ByteBuffer src, int length) {
    long at;
    if (src.isDirect()) {
      at = BoringIo.address(src) + src.position();
    } else {
      ByteBuffer copy = BoringIo.staging();
      copy.put(0, src, src.position(), length);
      at = BoringIo.address(copy);
    }
    return io.withOutput(ssl, at, length);
  }

  @Override
  public void closeNotify() throws IOException {
    try {
      closer().closeNotify(client && tls13);
    } finally {
      Reference.reachabilityFence(nativeSsl);
    }
  }

  @Override
  public Status awaitPeerClose() throws IOException {
    try {
      Status status = closer().awaitPeerClose();
      inboundDone |= status == Status.DONE;
      return status;
    } finally {
      Reference.reachabilityFence(nativeSsl);
    }
  }

  @Override
  public void alert(TlsException e) {
    try {
      if (e.isRefusal() && !io.sealing()) {
        buffers.beginWrap().put(FatalAlerts.plaintext(e.alert()));
        buffers.endWrap();
      } else if (e.isRefusal()) {
        io.provoke(ssl, EngineQuirks.of(Provider.OPENSSL).provocation(e.alert()));
      } else if (io.drained() == 0 && !io.sealing() && !"close_notify".equals(e.alert())) {
        // BoringSSL queued no alert: tell the peer whose first flight could not be read
        String alert = e.alert() != null ? e.alert() : "decode_error";
        buffers.beginWrap().put(FatalAlerts.plaintext(alert));
        buffers.endWrap();
      }
    } catch (Exception ignored) {
      // the failure is what matters; the alert is best effort
    }
    try {
      buffers.flush();
    } catch (IOException ignored) {
      // the peer is gone: nothing more to tell it
    }
  }

  @Override
  public void runTasks() {
    if (released) {
      return;
    }
    for (Runnable task = SSL.getTask(ssl); task != null; task = SSL.getTask(ssl)) {
      task.run();
    }
    Reference.reachabilityFence(nativeSsl);
  }

  @Override
  public boolean inboundDone() {
    return inboundDone;
  }

  @Override
  public int pending() {
    return buffers.pending() + (released ? 0 : SSL.sslPending(ssl));
  }

  @Override
  public void release() {
    released = true;
    nativeSsl.close();
  }

  @Override
  public SSLEngine sslEngine() {
    throw new UnsupportedOperationException(
        "the BORINGSSL provider drives BoringSSL directly: there is no SSLEngine");
  }
}
