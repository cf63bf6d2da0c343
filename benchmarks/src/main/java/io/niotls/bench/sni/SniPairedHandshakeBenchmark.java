package io.niotls.bench.sni;

import io.niotls.bench.support.PeekedEnginePair;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.SniMapping;
import io.niotls.context.TlsContext;
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
 * What the size of an {@link SniMapping} costs a full handshake, interleaved, in memory: one
 * operation is a full handshake against a server whose mapping holds one name and one against a
 * server whose mapping holds {@code names} (1,000), back to back in an order that alternates, each
 * server choosing its context as {@code TlsServer.bindSni} does ({@link PeekedEnginePair}: {@code
 * HelloPeek}, {@code SniMapping.choose}, the engine fed the bytes read ahead). Same provider, key,
 * certificate and name asked on both; {@code lookup} says how the name is found ({@link SniNames}:
 * an exact name, a wildcard, or an unknown name answered by the default).
 *
 * <p>The figures are {@link SniClock}'s (the primary score counts operations and means nothing):
 * the bar is a handshake against 1,000 names costing at most 1.05 times one against a
 * single name, read as the median of each operation's ratio, with its confidence over the
 * iterations ({@link SniRatios}).
 *
 * <pre>benchmarks/run.sh quick 'SniPairedHandshakeBenchmark' -wi 3 -i 15 -r 2s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SniPairedHandshakeBenchmark {
  @Param({"JDK", "OPENSSL", "BORINGSSL"})
  public Provider provider;

  @Param({"exact", "wildcard", "unknown"})
  public String lookup;

  @Param({"TLSv1.3"})
  public String protocol;

  @Param({"EC_P256"})
  public KeyType key;

  @Param({"1000"})
  public int names;

  private SniNames servers;
  private PeekedEnginePair pair;
  private boolean manyFirst;

  @Setup
  public void setUp() {
    servers = new SniNames(provider, protocol, key, lookup, names);
    pair = new PeekedEnginePair(servers.client, servers.one.defaultContext());
    check(servers.one, servers.oneChoice);
    check(servers.many, servers.manyChoice);
  }

  /** Refuses to measure unless the server chose the context it should and saw the name asked. */
  private void check(SniMapping mapping, TlsContext expected) {
    pair.handshake(mapping, servers.asked);
    if (pair.chosen() != expected || !servers.asked.equals(pair.serverName())) {
      throw new IllegalStateException(
          mapping + " chose " + pair.chosen() + " for " + pair.serverName() + ", not " + expected);
    }
  }

  @Benchmark
  public void handshakes(SniClock clock) {
    boolean many = manyFirst;
    manyFirst = !manyFirst;
    for (int turn = 0; turn < 2; turn++, many = !many) {
      clock.start();
      pair.handshake(many ? servers.many : servers.one, servers.asked);
      clock.stop(many, pair.serverNanos());
    }
    clock.next();
  }

  @TearDown
  public void tearDown() {
    servers.close();
  }
}
