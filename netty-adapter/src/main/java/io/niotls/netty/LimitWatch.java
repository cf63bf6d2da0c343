package io.niotls.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The limits of one established session behind a {@link TlsHandler}: one scheduled check on the
 * channel's event loop, due at the earliest limit that could pass, which looks at the clock of the
 * last activity when it runs and either ends the session or schedules itself again. Reads and
 * writes only set that clock, never the timer. (The selector loop watches all its sessions with one
 * timing wheel, {@code IdleWatch}; a Netty channel has its own event loop's scheduler, and one
 * check per session is what Netty's own {@code IdleStateHandler} costs too.)
 *
 * <p>A write stall is judged on the channel's own outbound buffer: bytes are pending and neither
 * its current message nor the progress within it moved for the whole timeout. Event-loop confined.
 */
final class LimitWatch implements Runnable {
  private final ChannelHandlerContext ctx;
  private final long idle; // nanoseconds, 0 for none; likewise below
  private final long lifetime;
  private final long stall;
  private final Runnable gracefully;
  private long openedAt;
  private long lastActivity;
  private long stalledSince;
  private Object stalledMessage;
  private long stalledProgress;
  private ScheduledFuture<?> timer;
  private boolean stopped;

  /**
   * @param gracefully ends the session with close_notify
   */
  LimitWatch(
      ChannelHandlerContext ctx,
      Duration idle,
      Duration lifetime,
      Duration stall,
      Runnable gracefully) {
    this.ctx = ctx;
    this.idle = nanos(idle);
    this.lifetime = nanos(lifetime);
    this.stall = nanos(stall);
    this.gracefully = gracefully;
  }

  private static long nanos(Duration d) {
    return d == null ? 0 : d.toNanos();
  }

  /** Whether any limit is set at all (else the handler makes no watch). */
  static boolean any(Duration idle, Duration lifetime, Duration stall) {
    return idle != null || lifetime != null || stall != null;
  }

  /** The session is established from now on. */
  void start() {
    openedAt = System.nanoTime();
    lastActivity = openedAt;
    schedule(openedAt);
  }

  /** Bytes moved (a read, or a write the application made). */
  void touch() {
    lastActivity = System.nanoTime();
  }

  /** The session is closing or closed: no limit applies any more. */
  void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  @Override
  public void run() {
    timer = null;
    if (stopped) {
      return;
    }
    long now = System.nanoTime();
    if (lifetime > 0 && now - openedAt >= lifetime) {
      end(SessionLimitEvent.EXPIRED);
    } else if (idle > 0 && now - lastActivity >= idle) {
      end(SessionLimitEvent.IDLE);
    } else if (stall > 0 && stalled(now)) {
      end(SessionLimitEvent.STALLED);
    } else {
      schedule(now);
    }
  }

  /** Whether the outbound buffer has not moved for the whole stall timeout (and notes progress). */
  private boolean stalled(long now) {
    ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
    if (out == null || out.totalPendingWriteBytes() == 0) {
      stalledSince = 0;
      stalledMessage = null;
      return false;
    }
    Object current = out.current();
    long progress = out.currentProgress();
    if (stalledSince == 0 || current != stalledMessage || progress != stalledProgress) {
      stalledSince = now;
      stalledMessage = current;
      stalledProgress = progress;
      return false;
    }
    return now - stalledSince >= stall;
  }

  private void end(SessionLimitEvent why) {
    stop();
    ctx.fireUserEventTriggered(why);
    if (why == SessionLimitEvent.STALLED) {
      ctx.close(); // past the TlsHandler: no close_notify the peer would not read anyway
    } else {
      gracefully.run();
    }
  }

  private void schedule(long now) {
    long due = Long.MAX_VALUE;
    if (lifetime > 0) {
      due = Math.min(due, openedAt + lifetime - now);
    }
    if (idle > 0) {
      due = Math.min(due, lastActivity + idle - now);
    }
    if (stall > 0) {
      // a stall is noticed by sampling: often enough to end it within a quarter of its bound late
      due = Math.min(due, Math.max(stall / 4, TimeUnit.MILLISECONDS.toNanos(1)));
    }
    timer = ctx.executor().schedule(this, Math.max(due, 0), TimeUnit.NANOSECONDS);
  }
}
