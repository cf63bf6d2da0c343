package io.niotls.bench;

import io.niotls.bench.support.Checks;
import io.niotls.bench.support.Duplex;
import io.niotls.bench.support.Fixture;
import io.niotls.bench.support.HandshakeBench;
import io.niotls.bench.support.Subject;
import io.niotls.bench.support.SubjectClock;
import io.niotls.certs.CertificateGenerator.KeyType;
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
 * Handshakes of every {@link Subject} interleaved: one operation is one handshake of each —
 * niotls's TlsEngine, the raw SSLEngine loop, niotls's TlsHandler and Netty's SslHandler — in an
 * order that rotates from one operation to the next, each timed by {@link SubjectClock}. Benchmarks
 * measured one after the other see different loads on a shared machine; these turns run
 * microseconds apart, so their ratios hold when the load moves. The report reads the clock's
 * counters, not the score.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PairedHandshakeBenchmark {
  private static final Subject[] SUBJECTS = Subject.values();

  /** BORINGSSL's SSLEngine peers (the raw loop, Netty's SslHandler) run Netty's engine. */
  @Param({"JDK", "OPENSSL", "BORINGSSL"})
  public Provider provider;

  @Param({"TLSv1.3", "TLSv1.2"})
  public String protocol;

  @Param({"EC_P256", "RSA_2048"})
  public KeyType key;

  /** {@code full}, or {@code resumed}: each client offers the session of its previous handshake. */
  @Param({"full", "resumed"})
  public String handshake;

  private Fixture fixture;
  private int turn;

  @Setup
  public void setUp() {
    fixture = Fixture.of(HandshakeBench.spec(provider, protocol, key, handshake));
    Checks.handshakes(fixture, SUBJECTS);
  }

  @TearDown
  public void tearDown() {
    fixture.close();
  }

  @Benchmark
  public void handshakes(SubjectClock clock) {
    int first = turn;
    turn = (turn + 1) % SUBJECTS.length;
    boolean expected = fixture.spec().resumption();
    for (int i = 0; i < SUBJECTS.length; i++) {
      Subject subject = SUBJECTS[(first + i) % SUBJECTS.length];
      boolean resumed;
      clock.start();
      try (Duplex pair = fixture.open(subject)) {
        resumed = fixture.connect(pair);
      }
      clock.stop(subject, 1);
      Checks.resumed(subject, resumed, expected);
    }
  }
}
