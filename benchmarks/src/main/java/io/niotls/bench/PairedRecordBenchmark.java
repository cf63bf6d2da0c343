package io.niotls.bench;

import io.niotls.bench.support.Checks;
import io.niotls.bench.support.Cipher;
import io.niotls.bench.support.Duplex;
import io.niotls.bench.support.Fixture;
import io.niotls.bench.support.Payload;
import io.niotls.bench.support.Spec;
import io.niotls.bench.support.Subject;
import io.niotls.bench.support.SubjectClock;
import io.niotls.context.Provider;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Record throughput of every {@link Subject} interleaved: one established pair of each, and one
 * operation gives each a turn of {@link #BATCH_BYTES} in {@code size}-byte writes (client writes,
 * server reads all back), in an order that rotates from one operation to the next, each turn timed
 * by {@link SubjectClock}. A turn of many writes keeps the clocks' own cost under a percent. The
 * report turns the counters into MB/s (10^6 bytes) per subject and their ratios.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PairedRecordBenchmark {
  /** Bytes each subject moves per turn. */
  static final int BATCH_BYTES = 128 * 1024;

  private static final Subject[] SUBJECTS = Subject.values();

  /** BORINGSSL's SSLEngine peers (the raw loop, Netty's SslHandler) run Netty's engine. */
  @Param({"JDK", "OPENSSL", "BORINGSSL"})
  public Provider provider;

  @Param({"TLSv1.3", "TLSv1.2"})
  public String protocol;

  @Param({"AES_GCM", "CHACHA20"})
  public Cipher cipher;

  @Param({"16384", "1024"})
  public int size;

  private Fixture fixture;
  private final Duplex[] pairs = new Duplex[SUBJECTS.length];
  private Payload payload;
  private int writes;
  private int turn;

  @Setup
  public void setUp() {
    fixture = Fixture.of(Spec.full(provider, protocol).withCipher(cipher));
    Checks.handshakes(fixture, SUBJECTS);
    payload = new Payload(size, fixture.direct());
    writes = Math.max(1, BATCH_BYTES / size);
    for (Subject subject : SUBJECTS) {
      Duplex pair = fixture.open(subject);
      pairs[subject.ordinal()] = pair;
      pair.handshake();
      Checks.sameSize(pair.transfer(payload), size);
    }
  }

  @TearDown
  public void tearDown() {
    for (Duplex pair : pairs) {
      if (pair != null) {
        pair.close();
      }
    }
    fixture.close();
  }

  @Benchmark
  public void records(SubjectClock clock) {
    int first = turn;
    turn = (turn + 1) % SUBJECTS.length;
    for (int i = 0; i < SUBJECTS.length; i++) {
      Subject subject = SUBJECTS[(first + i) % SUBJECTS.length];
      Duplex pair = pairs[subject.ordinal()];
      long received = 0;
      clock.start();
      for (int w = 0; w < writes; w++) {
        received += pair.transfer(payload);
      }
      clock.stop(subject, writes);
      Checks.sameSize((int) received, writes * size);
    }
  }
}
