package io.niotls.bench.support;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.niotls.context.Provider;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Memory per idle established session of one {@link Subject}: one operation establishes {@code
 * sessions} connections (TLS 1.3, full handshakes), frees their clients and holds their servers,
 * idle, then measures what they hold ({@link SessionMemory}) and frees them. The score is the time
 * all that took; the figures are in the counters. For the handlers the same number of bare
 * EmbeddedChannels is measured first and subtracted, so what remains is the handler's own cost.
 *
 * <p>A fixed, pre-touched heap keeps the resident-memory growth to what is not Java heap. Run it
 * with {@code -wi 0 -i 1}: each operation is long.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 0)
@Measurement(iterations = 1)
public abstract class IdleSessionBench {
  @Param({"JDK", "OPENSSL"})
  public Provider provider;

  @Param({"1000", "10000"})
  public int sessions;

  private Fixture fixture;
  private Subject subject;
  private AutoCloseable[] held;

  protected abstract Subject subject();

  @Setup
  public void setUp() {
    subject = subject();
    fixture = Fixture.of(Spec.full(provider, "TLSv1.3"));
    Checks.handshakes(fixture, subject);
    held = new AutoCloseable[sessions];
  }

  @TearDown
  public void tearDown() {
    fixture.close();
  }

  @Benchmark
  public void establish(SessionMemory memory) throws Exception {
    long channels = isHandler() ? bareChannels() : 0;
    long heapBefore = SessionMemory.usedHeap();
    long rssBefore = SessionMemory.resident();
    for (int i = 0; i < sessions; i++) {
      Duplex pair = fixture.open(subject);
      pair.handshake();
      held[i] = pair.keepServerOnly();
    }
    long heap = SessionMemory.usedHeap() - heapBefore - channels;
    long rss = SessionMemory.resident() - rssBefore;
    for (int i = 0; i < sessions; i++) {
      held[i].close();
      held[i] = null;
    }
    memory.heapBytes += heap;
    memory.rssBytes += rss;
    memory.sessionsHeld += sessions;
  }

  private boolean isHandler() {
    return subject == Subject.TLS_HANDLER || subject == Subject.SSL_HANDLER;
  }

  /** Heap held by {@code sessions} EmbeddedChannels without handlers. */
  private long bareChannels() {
    long before = SessionMemory.usedHeap();
    EmbeddedChannel[] channels = new EmbeddedChannel[sessions];
    for (int i = 0; i < sessions; i++) {
      channels[i] = new EmbeddedChannel(new ChannelHandler[0]);
    }
    long heap = SessionMemory.usedHeap() - before;
    for (EmbeddedChannel channel : channels) {
      channel.finishAndReleaseAll();
    }
    return heap;
  }
}
