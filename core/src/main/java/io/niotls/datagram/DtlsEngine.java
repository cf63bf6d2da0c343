package io.niotls.datagram;

import io.niotls.context.ProviderEngines;
import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.engine.TlsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * One DTLS 1.2 association over a {@link DatagramTransport}, with the stream engine's contract:
 * {@link #handshake()}, {@link #read}, {@link #write} and {@link #shutdown()} say what they need
 * next in {@link Status}'s words (WANT_READ, WANT_WRITE), and a failure is a {@link TlsException}
 * that every later call reports. The JDK's {@code SSLEngine} ({@code DTLSv1.2}) does the protocol.
 *
 * <p>What datagrams add:
 *
 * <ul>
 *   <li><b>Whole datagrams.</b> One {@link #write} is one record in one datagram; one {@link #read}
 *       returns one record's plaintext, so a datagram the peer sent arrives whole or not at all. A
 *       write longer than {@link #maxPlaintext()} (what one record holds at the path MTU) is
 *       refused, never split.
 *   <li><b>Retransmission</b> (RFC 6347 §4.2.4). During the handshake {@link #nanosUntilTimeout()}
 *       says when the next timeout is due; the caller calls {@link #onTimeout()} then, and the
 *       engine sends its last flight again: 1 s after a flight, doubling up to 60 s, at most
 *       {@value Retransmissions#MAX_RETRANSMISSIONS} times per flight and never past the context's
 *       {@code handshakeTimeout()}; then it fails with {@link TlsException.Kind#TIMEOUT}. A peer
 *       that lost our last flight and sends its own again gets ours again from {@link #read}.
 *   <li><b>Path MTU.</b> Handshake messages are fragmented to the maximum packet size given when
 *       the engine is made ({@link #DEFAULT_MAX_PACKET} unless told otherwise).
 *   <li><b>Loss, duplication, reordering, replay.</b> During the handshake a {@link HandshakeInbox}
 *       reassembles the peer's handshake messages and gives the SSLEngine each one once, whole and
 *       in order, the ChangeCipherSpec after the messages before it and the next epoch's records
 *       after that (the JDK's engine failed handshakes on copies of earlier flights and on a
 *       ChangeCipherSpec ahead of a lost fragment); copies of messages it has had make it send its
 *       last flight again. After the handshake an anti-replay window drops duplicated records (the
 *       JDK's engine delivered them twice), and records that do not authenticate are dropped.
 *       Datagrams that yield nothing are counted ({@link #discardedRecords()}); so are datagrams
 *       too long for any record ({@link #oversizedDatagrams()}), which the engine never sees.
 * </ul>
 *
 * <p>Delegated tasks run inline. Not thread-safe: one thread drives an engine, as in the loop.
 */
public final class DtlsEngine implements AutoCloseable {
  /**
   * The default maximum packet size: 1400 bytes fits an Ethernet path's 1500-byte MTU under IPv4 or
   * IPv6 and UDP headers, with room for a tunnel.
   */
  public static final int DEFAULT_MAX_PACKET = 1400;

  /** The smallest maximum packet size accepted: the IPv6 minimum MTU less IP and UDP headers. */
  public static final int MIN_MAX_PACKET = 256;

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final TlsContext context;
  private final SSLEngine engine;
  private final LongSupplier clock;
  private final int maxPacket;
  private final ByteBuffer netIn;
  private final int netOutSize; // a wrap's buffer: see WrapScratch
  private final ByteBuffer appIn;
  private final DatagramOutbox out;
  private final ReplayWindow replay = new ReplayWindow();
  private final HandshakeInbox inbox;
  private final DatagramIntake intake;
  private boolean lastFlightOurs; // we finished by sending: the peer may need it again
  private long lingerDue; // when our last flight goes out again unasked (see nanosUntilTimeout)
  private int lingerResends;
  private boolean retransmittedFlights; // the SSLEngine may have shrunk its packets: established()
  private final Retransmissions timer;
  private DtlsPhase phase = DtlsPhase.NEW;
  private boolean peerClosed;
  private TlsException failure;
  private Status status = Status.WANT_READ;
  private long discarded;

  DtlsEngine(
      TlsContext context,
      SSLEngine engine,
      DatagramTransport transport,
      int maxPacket,
      LongSupplier clock,
      Duration initialTimeout) {
    this(context, engine, transport, maxPacket, clock, initialTimeout, false);
  }

  /**
   * @param packetSizeSet whether {@code engine}'s maximum packet size is {@code maxPacket} already
   *     (the {@link CookieGate}'s engines): setting it again costs a copy of all its parameters
   */
  DtlsEngine(
      TlsContext context,
      SSLEngine engine,
      DatagramTransport transport,
      int maxPacket,
      LongSupplier clock,
      Duration initialTimeout,
      boolean packetSizeSet) {
    if (!context.isDatagram()) {
      throw new TlsConfigException(
          "a DTLS engine needs a DTLS context: build it with TlsContext.forClient().datagrams() or"
              + " forServer(keys).datagrams()");
    }
    if (maxPacket < MIN_MAX_PACKET || maxPacket > 65507) {
      throw new IllegalArgumentException(
          "maximum packet size "
              + maxPacket
              + " is out of range "
              + MIN_MAX_PACKET
              + "-65507 (a UDP payload): give the path MTU less IP and UDP headers, e.g. 1400");
    }
    this.context = context;
    this.engine = engine;
    this.out = new DatagramOutbox(transport, clock);
    this.clock = clock;
    this.maxPacket = maxPacket;
    if (!packetSizeSet) {
      SSLParameters parameters = engine.getSSLParameters();
      parameters.setMaximumPacketSize(maxPacket);
      engine.setSSLParameters(parameters);
    }
    SSLSession session = engine.getSession();
    // one more byte than any record may take, so that a longer datagram shows it is too long
    netIn = ByteBuffer.allocate(session.getPacketBufferSize() + 1).flip();
    netOutSize = Math.max(maxPacket, session.getPacketBufferSize());
    appIn = ByteBuffer.allocate(session.getApplicationBufferSize()).flip();
    inbox = new HandshakeInbox(Math.min(maxPacket, netIn.capacity() - 1), 0);
    intake = new DatagramIntake(transport, inbox);
    timer = new Retransmissions(clock.getAsLong(), context.handshakeTimeout(), initialTimeout);
  }

  /**
   * A client engine for the server at {@code host}:{@code port} ({@code host} is checked against
   * the server's certificate, as for TLS), with the {@link #DEFAULT_MAX_PACKET}.
   */
  public static DtlsEngine client(
      TlsContext context, DatagramTransport transport, String host, int port) {
    return client(context, transport, host, port, DEFAULT_MAX_PACKET);
  }

  /** A client engine whose datagrams are at most {@code maxPacket} bytes long. */
  public static DtlsEngine client(
      TlsContext context, DatagramTransport transport, String host, int port, int maxPacket) {
    requireRole(context, true);
    return new DtlsEngine(
        context,
        ProviderEngines.newEngine(context, host, port),
        transport,
        maxPacket,
        System::nanoTime,
        Retransmissions.INITIAL);
  }

  /**
   * A server engine for one peer, with the SSLEngine's own cookie exchange. A server that takes
   * datagrams from many peers on one socket should admit them with a {@link CookieGate} instead,
   * which keeps no state for a peer before its cookie comes back.
   */
  public static DtlsEngine server(TlsContext context, DatagramTransport transport, int maxPacket) {
    requireRole(context, false);
    return new DtlsEngine(
        context,
        ProviderEngines.newEngine(context, null, -1),
        transport,
        maxPacket,
        System::nanoTime,
        Retransmissions.INITIAL);
  }

  static void requireRole(TlsContext context, boolean client) {
    if (context.isClient() != client) {
      throw new TlsConfigException(
          client
              ? "a DTLS client needs a context from TlsContext.forClient().datagrams()"
              : "a DTLS server needs a context from TlsContext.forServer(keys).datagrams()");
    }
  }

  /**
   * Adopts a server engine whose ClientHello (with a valid cookie, {@code helloSeq} its message_seq
   * and {@code helloRecord} its record's sequence number) the gate has unwrapped and whose first
   * datagram of the answer it has wrapped: that datagram goes out first.
   */
  void adoptHandshake(ByteBuffer firstDatagram, int helloSeq, long helloRecord) {
    phase = DtlsPhase.HANDSHAKING;
    inbox.delivered(helloSeq, helloRecord);
    if (firstDatagram != null) {
      out.sendFirst(firstDatagram);
      timer.flightSent(clock.getAsLong());
    }
  }

  /**
   * Runs the handshake as far as it can go without waiting.
   *
   * @return OK once established; WANT_READ (wait for a datagram or {@link #nanosUntilTimeout()},
   *     whichever comes first), WANT_WRITE, or the failure's status
   */
  public Status handshake() {
    if (failure != null) {
      return failure.status();
    }
    if (phase != DtlsPhase.NEW && phase != DtlsPhase.HANDSHAKING) {
      return status = Status.OK;
    }
    try {
      if (phase == DtlsPhase.NEW) {
        engine.beginHandshake();
        phase = DtlsPhase.HANDSHAKING;
      }
      return status = drive();
    } catch (SSLException e) {
      return fail(e);
    } catch (IOException e) {
      return fail(DtlsFailures.transport(e));
    }
  }

  private Status drive() throws IOException {
    for (; ; ) {
      if (!flush()) {
        return Status.WANT_WRITE;
      }
      HandshakeStatus hs = engine.getHandshakeStatus();
      switch (hs) {
        case NEED_WRAP -> {
          SSLEngineResult r = wrap(EMPTY);
          if (r.bytesProduced() > 0) {
            timer.flightSent(clock.getAsLong());
          }
          if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            return established();
          }
          if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            return fail(DtlsFailures.closedDuringHandshake());
          }
        }
        case NEED_UNWRAP_AGAIN -> {
          if (unwrap(EMPTY, appIn).getHandshakeStatus() == HandshakeStatus.FINISHED) {
            return established();
          }
        }
        case NEED_UNWRAP -> {
          if (!netIn.hasRemaining() && !receive()) {
            return Status.WANT_READ;
          }
          SSLEngineResult r = unwrap(netIn, appIn);
          if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
            return fail(DtlsFailures.closedDuringHandshake());
          }
          if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
            return established();
          }
        }
        case NEED_TASK -> runTasks();
        default -> {
          return established();
        }
      }
    }
  }

  private Status established() throws IOException {
    timer.stop();
    if (phase == DtlsPhase.HANDSHAKING) {
      phase = DtlsPhase.OPEN;
      // After a few retransmissions of one flight the JDK halves its packet size for good
      // (DTLSOutputRecord's fragmenter, RFC 6347 §4.1.1.1's back-off), application records
      // included: one write would no longer be one record. The MTU is the caller's: restore it
      // (only then: it costs a copy of all the engine's parameters). The JDK also retransmits by
      // itself when it sees a whole flight of the peer's again, which the inbox keeps from it.
      if (retransmittedFlights) {
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setMaximumPacketSize(maxPacket);
        engine.setSSLParameters(parameters);
      }
      // Whoever sends the handshake's last flight keeps it, and sends it again when the peer
      // shows it lost it by sending its own again (RFC 6347 §4.2.4): the JDK's engine does not.
      lastFlightOurs = out.sentLastFlight();
      lingerDue = clock.getAsLong() + Retransmissions.INITIAL.toNanos();
      if (!lastFlightOurs) {
        out.forgetFlight();
      }
    }
    return flush() ? Status.OK : Status.WANT_WRITE;
  }

  /**
   * Nanoseconds until {@link #onTimeout()} is due (0 if overdue), or -1 when no timer runs: before
   * the handshake began and after it ended. One exception after the end: the side that sent the
   * handshake's last flight sends it again unasked, {@value #LINGER_RESENDS} times (1, 2 and 4 s
   * after), until a record from the peer shows it arrived. A peer that got part of that flight may
   * stop its own timer and wait for the rest, never asking again (OpenSSL's client does when a
   * ChangeCipherSpec it got too early was dropped).
   */
  public long nanosUntilTimeout() {
    if (failure != null) {
      return -1;
    }
    if (lingering()) {
      return Math.max(0, lingerDue - clock.getAsLong());
    }
    if (!timer.armed()) {
      return -1;
    }
    return Math.max(0, timer.due() - clock.getAsLong());
  }

  /** How often our last flight goes out again unasked after the handshake. */
  static final int LINGER_RESENDS = 3;

  private boolean lingering() {
    return phase == DtlsPhase.OPEN && lastFlightOurs && lingerResends < LINGER_RESENDS;
  }

  /**
   * The timer passed: sends the last flight again (or fails the handshake with TIMEOUT when it has
   * been sent often enough or the handshake's deadline passed). Early calls do nothing.
   *
   * @return what {@link #handshake()} would return now
   */
  public Status onTimeout() {
    if (failure != null) {
      return failure.status();
    }
    long now = clock.getAsLong();
    if (lingering()) {
      if (now - lingerDue >= 0) {
        try {
          out.resendFlight();
        } catch (IOException e) {
          return fail(DtlsFailures.transport(e));
        }
        lingerResends++;
        lingerDue = now + (Retransmissions.INITIAL.toNanos() << lingerResends);
      }
      return status;
    }
    if (phase != DtlsPhase.HANDSHAKING || !timer.isDue(now)) {
      return status;
    }
    if (timer.exhausted(now)) {
      timer.stop();
      return fail(
          DtlsFailures.handshakeTimedOut(
              timer.count(), context.handshakeTimeout().toSeconds(), maxPacket));
    }
    timer.retransmitted(now);
    retransmittedFlights = true;
    try {
      // A wrap while the SSLEngine waits for the peer sends its last flight again.
      for (int packets = 0; packets < 64; packets++) {
        SSLEngineResult r = wrap(EMPTY);
        if (r.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
          break;
        }
      }
      return status = drive();
    } catch (SSLException e) {
      return fail(e);
    } catch (IOException e) {
      return fail(DtlsFailures.transport(e));
    }
  }

  /**
   * Reads the plaintext of the next record: one datagram's worth as the peer wrote it (or as much
   * of it as {@code dst} holds; the rest comes with the next read). Runs the handshake first if it
   * is not done.
   *
   * @return bytes read, or a negative {@link Status#code()}: WANT_READ, WANT_WRITE, ZERO_RETURN
   *     (the peer's close_notify), or the failure's
   */
  public int read(ByteBuffer dst) {
    if (phase == DtlsPhase.NEW || phase == DtlsPhase.HANDSHAKING) {
      Status s = handshake();
      if (s != Status.OK) {
        return s.code();
      }
    }
    if (failure != null) {
      return failure.status().code();
    }
    if (appIn.hasRemaining()) {
      return copy(appIn, dst);
    }
    if (peerClosed) {
      return (status = Status.ZERO_RETURN).code();
    }
    try {
      for (; ; ) {
        if (!flush()) {
          return (status = Status.WANT_WRITE).code();
        }
        if (!netIn.hasRemaining() && !receive()) {
          return (status = Status.WANT_READ).code();
        }
        int at = netIn.position();
        if (lastFlightOurs && DtlsRecords.hasHeader(netIn, at)) {
          int type = DtlsRecords.contentType(netIn, at);
          if (type == DtlsRecords.HANDSHAKE || type == DtlsRecords.CHANGE_CIPHER_SPEC) {
            out.resendFlight();
            netIn.position(netIn.limit());
            continue;
          }
        }
        int epoch = -1;
        long sequence = -1;
        if (DtlsRecords.hasHeader(netIn, at)
            && DtlsRecords.contentType(netIn, at) == DtlsRecords.APPLICATION_DATA) {
          epoch = DtlsRecords.epoch(netIn, at);
          sequence = DtlsRecords.sequence(netIn, at);
          if (replay.isReplay(epoch, sequence)) {
            discarded++;
            netIn.position(Math.min(netIn.limit(), at + DtlsRecords.recordLength(netIn, at)));
            continue;
          }
        }
        boolean direct = dst.remaining() >= appIn.capacity();
        SSLEngineResult r = unwrap(netIn, direct ? dst : appIn);
        if (epoch >= 0 && r.bytesProduced() > 0) {
          replay.mark(epoch, sequence); // it authenticated: only now may it move the window
          if (lastFlightOurs) {
            lastFlightOurs = false; // the peer's data shows it has our last flight
            out.forgetFlight();
          }
        }
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
          peerClosed = true;
          if (phase == DtlsPhase.SHUTDOWN_SENT) {
            phase = DtlsPhase.CLOSED;
          }
          return (status = Status.ZERO_RETURN).code();
        }
        if (r.bytesProduced() == 0 && r.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
          discarded++; // a duplicate, a replay, or a record that does not authenticate
        }
        answerHandshake(r.getHandshakeStatus());
        if (r.bytesProduced() > 0) {
          status = Status.OK;
          return direct ? r.bytesProduced() : copy(appIn, dst);
        }
      }
    } catch (SSLException e) {
      return fail(e).code();
    } catch (IOException e) {
      return fail(DtlsFailures.transport(e)).code();
    }
  }

  /** After the handshake, a peer that lost our last flight sends its own again: answer it. */
  private void answerHandshake(HandshakeStatus hs) throws IOException {
    for (int packets = 0; packets < 64; packets++) {
      if (hs == HandshakeStatus.NEED_TASK) {
        runTasks();
        hs = engine.getHandshakeStatus();
      } else if (hs == HandshakeStatus.NEED_WRAP) {
        hs = wrap(EMPTY).getHandshakeStatus();
      } else if (hs == HandshakeStatus.NEED_UNWRAP_AGAIN) {
        hs = unwrap(EMPTY, appIn).getHandshakeStatus();
      } else {
        return;
      }
    }
  }

  /**
   * Sends {@code src}'s remaining bytes as one record in one datagram. Runs the handshake first if
   * it is not done.
   *
   * @return the bytes consumed (all of them), or a negative {@link Status#code()}: WANT_READ or
   *     WANT_WRITE while the handshake or earlier datagrams are not through, or the failure's
   * @throws IllegalArgumentException if {@code src} holds more than {@link #maxPlaintext()}
   * @throws IllegalStateException after {@link #shutdown()}
   */
  public int write(ByteBuffer src) {
    if (phase == DtlsPhase.NEW || phase == DtlsPhase.HANDSHAKING) {
      Status s = handshake();
      if (s != Status.OK) {
        return s.code();
      }
    }
    if (failure != null) {
      return failure.status().code();
    }
    if (phase != DtlsPhase.OPEN) {
      throw new IllegalStateException("write after shutdown(): the DTLS association is closing");
    }
    int length = src.remaining();
    if (length > maxPlaintext()) {
      throw new IllegalArgumentException(
          "a datagram of "
              + length
              + " bytes does not fit one DTLS record at the maximum packet size of "
              + maxPacket
              + " bytes (at most "
              + maxPlaintext()
              + " bytes of plaintext): send smaller datagrams, or raise the maximum packet size if"
              + " the path's MTU allows");
    }
    try {
      if (!flush()) {
        return (status = Status.WANT_WRITE).code();
      }
      SSLEngineResult r = wrap(src);
      if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
        return fail(DtlsFailures.closedDuringHandshake()).code();
      }
      if (r.bytesConsumed() < length) {
        // one write is one record: a shorter record went out and the rest cannot follow it as the
        // same datagram, so the application is told rather than left with a cut datagram
        return fail(DtlsFailures.cutShort(r.bytesConsumed(), length, maxPacket)).code();
      }
      status = out.holdsUnsent() ? Status.WANT_WRITE : Status.OK;
      return r.bytesConsumed();
    } catch (SSLException e) {
      return fail(e).code();
    } catch (IOException e) {
      return fail(DtlsFailures.transport(e)).code();
    }
  }

  /**
   * Sends close_notify (once) and says whether the peer's has arrived. DTLS does not retransmit
   * close_notify: a lost one is a timeout for the peer.
   *
   * @return SENT (ours is out), DONE (the peer's arrived too), WANT_WRITE, or the failure's status
   */
  public Status shutdown() {
    if (failure != null) {
      return failure.status();
    }
    try {
      if (phase != DtlsPhase.SHUTDOWN_SENT && phase != DtlsPhase.CLOSED) {
        engine.closeOutbound();
        for (int packets = 0; packets < 4 && !engine.isOutboundDone(); packets++) {
          wrap(EMPTY);
        }
        timer.stop();
        phase = peerClosed ? DtlsPhase.CLOSED : DtlsPhase.SHUTDOWN_SENT;
      }
      if (!flush()) {
        return status = Status.WANT_WRITE;
      }
      return status = peerClosed ? Status.DONE : Status.SENT;
    } catch (SSLException e) {
      return fail(e);
    } catch (IOException e) {
      return fail(DtlsFailures.transport(e));
    }
  }

  /** Sends datagrams a full socket held back. @return WANT_WRITE while some remain, else OK. */
  public Status flushPending() {
    try {
      return flush() ? Status.OK : Status.WANT_WRITE;
    } catch (IOException e) {
      return fail(DtlsFailures.transport(e));
    }
  }

  /** The most plaintext one {@link #write} takes: one record in one datagram at the MTU. */
  public int maxPlaintext() {
    return Math.min(16384, maxPacket - DtlsRecords.AEAD_OVERHEAD);
  }

  /** The maximum packet size this engine's datagrams keep to. */
  public int maxPacketSize() {
    return maxPacket;
  }

  /** The status of the last call. */
  public Status status() {
    return status;
  }

  /** Why the engine failed, or null. */
  public TlsException failure() {
    return failure;
  }

  /** Whether the handshake finished (and the association is not closed or failed). */
  public boolean isOpen() {
    return failure == null && (phase == DtlsPhase.OPEN || phase == DtlsPhase.SHUTDOWN_SENT);
  }

  /** Whether the handshake has begun and not ended (a datagram server's handshake slots). */
  public boolean isHandshaking() {
    return failure == null && phase == DtlsPhase.HANDSHAKING;
  }

  /** The session, once established: protocol ({@code "DTLSv1.2"}), suite, peer's certificates. */
  public SSLSession session() {
    return engine.getSession();
  }

  /**
   * Records read after the handshake that gave neither plaintext nor handshake work: duplicates,
   * replays, records that do not authenticate, datagrams that end inside a record.
   */
  public long discardedRecords() {
    return discarded;
  }

  /** Datagrams longer than any DTLS record, dropped unread. */
  public long oversizedDatagrams() {
    return intake.oversized();
  }

  /** Frees the engine without a close_notify; later calls report CLOSED's status (SYSCALL). */
  @Override
  public void close() {
    if (phase != DtlsPhase.FAILED) {
      phase = DtlsPhase.CLOSED;
    }
    timer.stop();
    engine.closeOutbound();
    ProviderEngines.release(context, engine);
  }

  // ---- the SSLEngine's calls and the datagrams

  private SSLEngineResult wrap(ByteBuffer src) throws IOException {
    ByteBuffer netOut = WrapScratch.take(netOutSize);
    try {
      SSLEngineResult r = engine.wrap(src, netOut);
      out.send(netOut.flip(), phase == DtlsPhase.HANDSHAKING);
      return r;
    } finally {
      WrapScratch.giveBack(netOut);
    }
  }

  private SSLEngineResult unwrap(ByteBuffer src, ByteBuffer dst) throws SSLException {
    boolean toAppIn = dst == appIn;
    if (toAppIn) {
      appIn.compact();
    }
    boolean changesCipher =
        phase == DtlsPhase.HANDSHAKING
            && DtlsRecords.hasHeader(src, src.position())
            && DtlsRecords.contentType(src, src.position()) == DtlsRecords.CHANGE_CIPHER_SPEC;
    SSLEngineResult r;
    try {
      r = engine.unwrap(src, dst);
    } finally {
      if (toAppIn) {
        appIn.flip();
      }
    }
    if (r.bytesConsumed() > 0) {
      out.peerSpoke();
    }
    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
      // a datagram that ends inside a record: no record of it can be read
      src.position(src.limit());
      discarded++;
    } else if (changesCipher && r.bytesConsumed() > 0) {
      intake.cipherChanged();
    }
    return r;
  }

  /**
   * Takes the next datagram into netIn (see {@link DatagramIntake}), answering a peer that sent
   * again what the SSLEngine has had.
   *
   * @return false when none is waiting
   */
  private boolean receive() throws IOException {
    for (; ; ) {
      switch (intake.next(netIn, phase == DtlsPhase.HANDSHAKING)) {
        case READY:
          return true;
        case NONE:
          return false;
        case PEER_REPEATED:
          answerRetransmission();
          break;
      }
    }
  }

  /**
   * The peer sent again messages the SSLEngine has had: it may have lost our answer, so the
   * SSLEngine sends its last flight again (a wrap while it waits does that), at most once per half
   * the initial timeout, as {@link DatagramOutbox#resendFlight()}. The SSLEngine would do this
   * itself on seeing the whole flight again, but it never sees copies: the inbox drops them.
   */
  private void answerRetransmission() throws IOException {
    if (engine.getHandshakeStatus() != HandshakeStatus.NEED_UNWRAP || !out.takeResendTurn()) {
      return;
    }
    retransmittedFlights = true;
    for (int packets = 0; packets < 64; packets++) {
      if (wrap(EMPTY).getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
        break;
      }
    }
  }

  /**
   * @return true when nothing is left unsent
   */
  private boolean flush() throws IOException {
    return out.flush();
  }

  private void runTasks() {
    for (Runnable task = engine.getDelegatedTask(); task != null; ) {
      task.run();
      task = engine.getDelegatedTask();
    }
  }

  // ---- failures

  private Status fail(SSLException e) {
    // the SSLEngine queued its fatal alert: send it, once, if it can go
    try {
      for (int packets = 0; packets < 4 && !engine.isOutboundDone(); packets++) {
        if (wrap(EMPTY).bytesProduced() == 0) {
          break;
        }
      }
      flush();
    } catch (IOException | RuntimeException ignored) {
      // the failure below is what the caller needs to know
    }
    return fail(DtlsFailures.fromEngine(e));
  }

  private Status fail(TlsException e) {
    if (failure == null) {
      failure = e;
      phase = DtlsPhase.FAILED;
      timer.stop();
    }
    return status = failure.status();
  }

  private static int copy(ByteBuffer from, ByteBuffer to) {
    int n = Math.min(from.remaining(), to.remaining());
    ByteBuffer slice = from.slice(from.position(), n);
    to.put(slice);
    from.position(from.position() + n);
    return n;
  }
}
