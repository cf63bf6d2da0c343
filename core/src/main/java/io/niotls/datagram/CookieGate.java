package io.niotls.datagram;

import io.niotls.context.ProviderEngines;
import io.niotls.context.TlsContext;
import java.nio.ByteBuffer;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLParameters;

/**
 * A DTLS server's door: the stateless cookie exchange of RFC 6347 §4.2.1 before any state is kept
 * for a peer. Each ClientHello from a peer the server does not know yet goes to a fresh SSLEngine
 * of the context, which answers a hello without a valid cookie with a HelloVerifyRequest; that
 * answer is sent and the engine dropped, so a flood of spoofed hellos costs a hash each and leaves
 * nothing behind. The cookie is the JDK's (a keyed hash of the hello, checked by any engine of the
 * same context), so the engine that sees the hello with the cookie goes on with the handshake and
 * becomes the peer's {@link DtlsEngine}.
 *
 * <p>A ClientHello that carries a cookie is judged only when it is whole in one datagram, as
 * OpenSSL's {@code DTLSv1_listen} does: its first fragment cannot be checked (the cookie covers the
 * whole hello), and admitting it would keep an engine for a peer whose cookie nobody checked. Such
 * a hello is refused; a client whose hello does not fit its MTU fails by timeout. Limit: the JDK's
 * cookie does not cover the peer's address. Loop-confined.
 */
public final class CookieGate {
  private final TlsContext context;
  private final int maxPacket;
  private final LongSupplier clock;
  private final ByteBuffer plaintext;
  private final ByteBuffer out;
  private long verifyRequests;
  private long refused;
  private long fragmentedHellos;

  /** A gate for {@code context} (a DTLS server's) whose engines keep to {@code maxPacket}. */
  public CookieGate(TlsContext context, int maxPacket) {
    this(context, maxPacket, System::nanoTime);
  }

  CookieGate(TlsContext context, int maxPacket, LongSupplier clock) {
    DtlsEngine.requireRole(context, false);
    this.context = context;
    this.maxPacket = maxPacket;
    this.clock = clock;
    this.plaintext = ByteBuffer.allocate(32 * 1024);
    this.out = ByteBuffer.allocate(Math.max(maxPacket, 17 * 1024));
  }

  /**
   * Judges a datagram from a peer without a session.
   *
   * @param datagram the datagram (its remaining bytes); consumed
   * @param replyTo where the peer's datagrams go: the HelloVerifyRequest now, the engine's later
   * @return the peer's engine, mid-handshake, when the hello carried a valid cookie; null when the
   *     datagram was answered with a HelloVerifyRequest or dropped (not a ClientHello, malformed)
   */
  public DtlsEngine admit(ByteBuffer datagram, DatagramTransport replyTo) {
    if (DtlsRecords.plaintextHandshakeType(datagram) != DtlsRecords.CLIENT_HELLO) {
      refused++;
      datagram.position(datagram.limit());
      return null;
    }
    boolean cookie = hasCookie(datagram);
    if (cookie && !isWholeHello(datagram)) {
      fragmentedHellos++;
      refused++;
      datagram.position(datagram.limit());
      return null;
    }
    int helloSeq = cookie ? helloSeq(datagram) : 0;
    long helloRecord = DtlsRecords.sequence(datagram, datagram.position());
    SSLEngine engine = ProviderEngines.newEngine(context, null, -1);
    // A hello without a cookie and without a session to resume is answered with a
    // HelloVerifyRequest, always, whatever the packet size: only an engine that may go on to
    // write the server's flight (a cookie, or a resumption the JDK lets skip the exchange) needs
    // the MTU, and the DtlsEngine it becomes does not set it again.
    boolean mayAdopt = cookie || hasSessionId(datagram);
    try {
      if (mayAdopt) {
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setMaximumPacketSize(maxPacket);
        engine.setSSLParameters(parameters);
      }
      engine.beginHandshake();
      if (cookie) {
        // A fresh engine takes only a first ClientHello (message_seq 0); the hello with the
        // cookie is the second (message_seq 1). So it is shown a first hello and its answer is
        // dropped: neither counts in the handshake's transcript (RFC 6347 §4.2.6), and the
        // cookie is then checked against the real hello, as a stateful server would.
        plaintext.clear();
        engine.unwrap(FIRST_HELLO.duplicate(), plaintext);
        runTasks(engine);
        out.clear();
        engine.wrap(EMPTY, out);
      }
      plaintext.clear();
      engine.unwrap(datagram, plaintext);
      runTasks(engine);
      if (engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
        refused++;
        ProviderEngines.release(context, engine);
        return null;
      }
      out.clear();
      engine.wrap(EMPTY, out);
      out.flip();
      if (DtlsRecords.plaintextHandshakeType(out) == DtlsRecords.HELLO_VERIFY_REQUEST) {
        verifyRequests++;
        replyTo.send(out);
        ProviderEngines.release(context, engine);
        return null;
      }
      if (!mayAdopt) {
        // not a HelloVerifyRequest after all (a JDK whose cookie rules changed): refused, since
        // this engine's flight was not fragmented to the MTU
        refused++;
        ProviderEngines.release(context, engine);
        return null;
      }
      return adopt(engine, out, replyTo, helloSeq, helloRecord);
    } catch (java.io.IOException | RuntimeException e) {
      refused++;
      ProviderEngines.release(context, engine);
      return null;
    }
  }

  private DtlsEngine adopt(
      SSLEngine engine, ByteBuffer first, DatagramTransport replyTo, int helloSeq, long record) {
    DtlsEngine adopted =
        new DtlsEngine(context, engine, replyTo, maxPacket, clock, Retransmissions.INITIAL, true);
    adopted.adoptHandshake(first, helloSeq, record);
    return adopted;
  }

  /** The message_seq of the handshake message the datagram's first record starts with. */
  private static int helloSeq(ByteBuffer d) {
    return d.getShort(d.position() + DtlsRecords.HEADER + 4) & 0xffff;
  }

  private static void runTasks(SSLEngine engine) {
    for (Runnable task = engine.getDelegatedTask(); task != null; ) {
      task.run();
      task = engine.getDelegatedTask();
    }
  }

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  /** Whether the ClientHello the datagram starts with offers a session to resume. */
  private static boolean hasSessionId(ByteBuffer d) {
    int sessionId = d.position() + DtlsRecords.HEADER + 12 + 2 + 32;
    return sessionId < d.limit() && d.get(sessionId) != 0;
  }

  /** A first ClientHello (no cookie) of the JDK's DTLS client, made once. */
  private static final ByteBuffer FIRST_HELLO = firstHello();

  private static ByteBuffer firstHello() {
    try {
      javax.net.ssl.SSLContext dtls = javax.net.ssl.SSLContext.getInstance("DTLSv1.2");
      dtls.init(null, null, null);
      SSLEngine client = dtls.createSSLEngine("localhost", 1);
      client.setUseClientMode(true);
      client.beginHandshake();
      ByteBuffer hello = ByteBuffer.allocate(17 * 1024);
      client.wrap(ByteBuffer.allocate(0), hello);
      hello.flip();
      return hello.asReadOnlyBuffer();
    } catch (java.security.GeneralSecurityException | javax.net.ssl.SSLException e) {
      throw new IllegalStateException("the JDK has no DTLS 1.2 client: " + e.getMessage(), e);
    }
  }

  /** Whether the ClientHello the datagram starts with (or its first fragment) has a cookie. */
  private static boolean hasCookie(ByteBuffer d) {
    int hs = d.position() + DtlsRecords.HEADER;
    int sessionId = hs + 12 + 2 + 32;
    if (sessionId >= d.limit()) {
      return false;
    }
    int cookie = sessionId + 1 + (d.get(sessionId) & 0xff);
    return cookie < d.limit() && d.get(cookie) != 0;
  }

  /** HelloVerifyRequests sent: ClientHellos answered without keeping anything. */
  public long verifyRequests() {
    return verifyRequests;
  }

  /** Datagrams from unknown peers that were not a ClientHello the gate could take. */
  public long refused() {
    return refused;
  }

  /** ClientHellos with a cookie refused because they came in fragments (among {@link #refused}). */
  public long fragmentedHellos() {
    return fragmentedHellos;
  }

  /**
   * Whether the datagram's first record holds the whole ClientHello: one fragment from offset 0
   * with the message's length, inside the record, inside the datagram.
   */
  private static boolean isWholeHello(ByteBuffer d) {
    int at = d.position();
    int hs = at + DtlsRecords.HEADER;
    if (d.limit() - hs < 12 || at + DtlsRecords.recordLength(d, at) > d.limit()) {
      return false;
    }
    int length = uint24(d, hs + 1);
    int fragmentOffset = uint24(d, hs + 6);
    int fragmentLength = uint24(d, hs + 9);
    return fragmentOffset == 0
        && fragmentLength == length
        && hs + 12 + length <= at + DtlsRecords.recordLength(d, at);
  }

  private static int uint24(ByteBuffer b, int at) {
    return ((b.get(at) & 0xff) << 16) | ((b.get(at + 1) & 0xff) << 8) | (b.get(at + 2) & 0xff);
  }
}
