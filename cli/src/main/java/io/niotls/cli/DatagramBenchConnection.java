package io.niotls.cli;

import io.niotls.cli.bench.BenchStats;
import io.niotls.cli.bench.FailureReasons;
import io.niotls.context.TlsContext;
import io.niotls.engine.SessionInfo;
import io.niotls.loop.DatagramClient;
import io.niotls.loop.DatagramHandler;
import io.niotls.loop.DatagramSession;
import io.niotls.loop.TlsEventLoopGroup;
import io.niotls.uri.TransportUri;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLSession;

/**
 * One DTLS bench connection: connect and handshake (timed), one payload datagram sent and its echo
 * awaited (timed), close_notify. Its outcome is recorded once: a success (handshake latency into
 * {@code stats}, round trip into {@code roundTrips}) when the echo came back intact, else a failure
 * by reason. The slot is released once, when the session has closed or never opened.
 */
final class DatagramBenchConnection implements DatagramHandler {
  private final ByteBuffer payload;
  private final Duration echoTimeout;
  private final BenchStats stats;
  private final BenchStats roundTrips;
  private final LongConsumer ended;
  private final Runnable release;
  private final AtomicBoolean decided = new AtomicBoolean();
  private final AtomicBoolean released = new AtomicBoolean();
  private long begin;
  private long handshakeNanos;
  private long sentAt;
  private SessionInfo info;

  /**
   * @param payload what to have echoed (read-only, shared; empty for no echo)
   * @param echoTimeout how long the echo may take before the connection counts as failed
   * @param ended hears the outcome's time (nanoTime)
   * @param release frees the connection's slot
   */
  DatagramBenchConnection(
      ByteBuffer payload,
      Duration echoTimeout,
      BenchStats stats,
      BenchStats roundTrips,
      LongConsumer ended,
      Runnable release) {
    this.payload = payload;
    this.echoTimeout = echoTimeout;
    this.stats = stats;
    this.roundTrips = roundTrips;
    this.ended = ended;
    this.release = release;
  }

  /** Connects; the rest happens on the loop. Call from outside the loop (it resolves the host). */
  void start(TransportUri target, TlsContext context, TlsEventLoopGroup group, int maxPacket) {
    begin = System.nanoTime();
    DatagramClient.connect(target, context, this, group, maxPacket)
        .whenComplete(
            (session, failure) -> {
              if (failure != null) {
                // the handshake failed: the session never opened and will not hear onClose
                fail(FailureReasons.of(failure));
                releaseSlot();
              }
            });
  }

  @Override
  public void onOpen(DatagramSession session) {
    long now = System.nanoTime();
    handshakeNanos = now - begin;
    info = info(session.sslSession());
    if (payload.remaining() == 0) {
      succeed(now, -1);
      session.close();
      return;
    }
    if (payload.remaining() > session.maxDatagram()) {
      fail(
          "payload: "
              + payload.remaining()
              + " bytes do not fit one datagram at this --mtu (at most "
              + session.maxDatagram()
              + ")");
      session.close();
      return;
    }
    sentAt = System.nanoTime();
    session.send(payload.duplicate());
    CompletableFuture.delayedExecutor(echoTimeout.toNanos(), TimeUnit.NANOSECONDS)
        .execute(
            () -> {
              if (fail("timeout: echo")) {
                session.close();
              }
            });
  }

  @Override
  public void onDatagram(DatagramSession session, ByteBuffer datagram) {
    long now = System.nanoTime();
    if (datagram.equals(payload)) {
      succeed(now, now - sentAt);
    } else {
      fail(
          "echo: "
              + datagram.remaining()
              + " bytes back, not the "
              + payload.remaining()
              + " sent");
    }
    session.close();
  }

  @Override
  public void onClose(DatagramSession session, Throwable cause) {
    // the peer's close_notify or a failure before the echo; after our own close, decided already
    fail(cause == null ? "closed by the server before the echo" : FailureReasons.of(cause));
    releaseSlot();
  }

  private void succeed(long now, long roundTripNanos) {
    if (decided.compareAndSet(false, true)) {
      stats.success(handshakeNanos, info);
      if (roundTripNanos >= 0) {
        roundTrips.success(roundTripNanos, null);
      }
      ended.accept(now);
    }
  }

  /** Records {@code reason} unless the outcome is known already; says whether it recorded. */
  private boolean fail(String reason) {
    if (decided.compareAndSet(false, true)) {
      stats.failure(reason);
      ended.accept(System.nanoTime());
      return true;
    }
    return false;
  }

  private void releaseSlot() {
    if (released.compareAndSet(false, true)) {
      release.run();
    }
  }

  private static SessionInfo info(SSLSession session) {
    return session == null
        ? null
        : new SessionInfo(
            session.getProtocol(), session.getCipherSuite(), null, null, List.of(), false);
  }
}
