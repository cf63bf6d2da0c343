package io.niotls.engine;

import io.niotls.context.ClientAuth;
import io.niotls.context.ProviderEngines;
import io.niotls.context.TlsContext;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * The driver over a JDK {@link SSLEngine}: SunJSSE, or BoringSSL through Netty's engine. The
 * receive path is {@link Receiver}'s, the send path {@link Sender}'s, and what differs between the
 * two providers is asked of {@link EngineQuirks}.
 */
final class SslEngineDriver implements Driver {
  private final TlsEngine engine;
  private final TlsContext context;
  private final SSLEngine ssl;
  private final EngineBuffers buffers;
  private final Sender sender;
  private final Receiver receiver;
  private final EngineQuirks quirks;
  private final String serverName;
  private boolean tls13Client; // reads what has arrived before its close_notify (tickets)
  private boolean releaseTickets; // a TLS 1.3 server whose handshake just ended
  private boolean heardTold; // the context was told a record came after the handshake

  SslEngineDriver(
      TlsEngine engine, TlsContext context, EngineBuffers buffers, String peerHost, int peerPort) {
    this.engine = engine;
    this.context = context;
    this.buffers = buffers;
    this.ssl = ProviderEngines.newEngine(context, peerHost, peerPort);
    this.serverName = context.isClient() ? context.serverNameFor(peerHost) : null;
    this.quirks = EngineQuirks.of(context.provider());
    this.sender = new Sender(engine, ssl, buffers, quirks);
    this.receiver = new Receiver(engine, ssl, buffers, sender, quirks, context.isClient());
  }

  @Override
  public void restrictProtocols(List<String> protocols) {
    ssl.setEnabledProtocols(protocols.toArray(new String[0]));
  }

  @Override
  public void begin() throws IOException {
    ssl.beginHandshake();
  }

  /**
   * Drives the handshake. A flight's records gather in netOut, wrap after wrap, and are written
   * only when the driver must wait for the peer (an unwrap that needs input), hands a task to the
   * caller, or the handshake is over, or when netOut holds too much for another wrap: each flight
   * then leaves in one transport write, not one per wrap (a system call each over a socket, and
   * over loopback the peer's receive path too).
   */
  @Override
  public Status handshake() throws IOException {
    while (engine.phase() == Phase.HANDSHAKING) {
      if (buffers.flightFull() && !buffers.flush()) {
        return Status.WANT_WRITE;
      }
      HandshakeStatus hs = ssl.getHandshakeStatus();
      switch (hs) {
        case NEED_TASK:
          if (!engine.runTasksInline()) {
            return buffers.flush() ? Status.WANT_TASK : Status.WANT_WRITE;
          }
          break;
        case NEED_WRAP:
          sender.wrap(EngineBuffers.empty());
          break;
        case NEED_UNWRAP:
        case NEED_UNWRAP_AGAIN:
          Status wait = receiver.unwrapHandshake();
          if (wait != null) {
            // our flight is out before we wait for the answer to it
            return buffers.flush() ? wait : Status.WANT_WRITE;
          }
          break;
        default: // FINISHED or NOT_HANDSHAKING: an engine that did not report FINISHED
          engine.established();
      }
    }
    if (context.isClient() && buffers.holdsNetIn()) {
      receiver.readAhead();
    }
    if (releaseTickets) {
      // the tickets the provider holds until our first write: out now, for clients that only
      // handshake and close (Netty's engine over BoringSSL; SunJSSE sent them already)
      releaseTickets = false;
      // what does not fit Netty's small BIO waits in BoringSSL: wrap and ask again, so nothing
      // of them is left to come out ahead of a later record (a bounded number of turns)
      for (int turn = 0; turn < 8 && (!buffers.flightFull() || buffers.flush()); turn++) {
        ProviderEngines.HeldTickets held = ProviderEngines.releaseHeldTickets(context, ssl);
        if (held == ProviderEngines.HeldTickets.NONE) {
          break;
        }
        sender.wrap(EngineBuffers.empty());
        if (held == ProviderEngines.HeldTickets.QUEUED) {
          break;
        }
      }
    }
    return buffers.flush() ? Status.OK : Status.WANT_WRITE;
  }

  @Override
  public SessionInfo established() {
    sender.established();
    // A server that asked for no client certificate has none to read: asking would only throw.
    boolean peerCertificates = context.isClient() || context.clientAuth() != ClientAuth.NONE;
    String sni =
        context.isClient() ? serverName : ProviderEngines.requestedServerName(context, ssl);
    SessionInfo session =
        SessionInfo.of(ssl, sni, ProviderEngines.wasResumed(context, ssl), peerCertificates);
    receiver.established(session.protocol());
    tls13Client = context.isClient() && "TLSv1.3".equals(session.protocol());
    releaseTickets =
        !context.isClient() && context.sessionResumption() && "TLSv1.3".equals(session.protocol());
    if (!context.sessionResumption()) {
      ssl.getSession().invalidate();
    }
    return session;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    int n = receiver.read(dst);
    if (tls13Client && !heardTold && receiver.heardSinceHandshake()) {
      heardTold = true;
      ProviderEngines.heardAfterHandshake(context, ssl);
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return sender.write(src);
  }

  @Override
  public void closeNotify() throws IOException {
    if (tls13Client && engine.phase() == Phase.OPEN) {
      receiver.readArrived(); // the server's tickets, which BoringSSL ignores after close_notify
    }
    sender.closeNotify();
  }

  @Override
  public boolean awaitsTickets(TicketWait wait) throws IOException {
    if (!tls13Client
        || !quirks.dropsTicketsAfterCloseNotify()
        || !context.sessionResumption()
        || engine.phase() != Phase.OPEN) {
      return false;
    }
    if (receiver.heardSinceHandshake()) {
      return false; // the tickets came (or data did, which the server sends after them)
    }
    boolean ended = receiver.readArrived();
    return !ended
        && !receiver.heardSinceHandshake()
        && engine.phase() == Phase.OPEN
        && wait.goesOn(System.nanoTime());
  }

  @Override
  public Status awaitPeerClose() throws IOException {
    return receiver.awaitPeerClose();
  }

  @Override
  public void alert(TlsException e) {
    sender.alert(e);
  }

  @Override
  public void runTasks() {
    for (Runnable task = ssl.getDelegatedTask(); task != null; task = ssl.getDelegatedTask()) {
      task.run();
    }
  }

  @Override
  public boolean inboundDone() {
    return ssl.isInboundDone();
  }

  @Override
  public int pending() {
    return buffers.pending();
  }

  @Override
  public void release() {
    ProviderEngines.release(context, ssl);
  }

  @Override
  public SSLEngine sslEngine() {
    return ssl;
  }

  @Override
  public boolean hasSslEngine() {
    return true;
  }

  @Override
  public int plaintextPerRecord(String protocol) {
    return quirks.plaintextPerRecord(protocol);
  }
}
