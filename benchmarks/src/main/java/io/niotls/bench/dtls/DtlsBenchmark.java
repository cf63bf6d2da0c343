package io.niotls.bench.dtls;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.ProviderEngines;
import io.niotls.context.TlsContext;
import io.niotls.datagram.DtlsEngine;
import io.niotls.engine.Status;
import io.niotls.testing.Contexts;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * DTLS 1.2 through niotls's {@link DtlsEngine} against a hand-written minimal loop over the same
 * JDK SSLEngines ({@link RawDtls}), in one run: full handshakes per second, and round trips of one
 * 1 KiB datagram each way on an established association. Both run over lossless in-memory datagram
 * queues, so what differs is the engine's own work (timers, replay window, flight bookkeeping,
 * copies). The contexts are the same for both: the raw loop takes its SSLEngines from them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DtlsBenchmark {
  private static final int MTU = 1400;

  private TlsContext clientContext;
  private TlsContext serverContext;
  private final ByteBuffer payload = ByteBuffer.allocate(1024);
  private final ByteBuffer received = ByteBuffer.allocate(17 * 1024);
  private final ByteBuffer back = ByteBuffer.allocate(17 * 1024);

  private DtlsEngine client;
  private DtlsEngine server;
  private RawDtls raw;

  @Setup(Level.Trial)
  public void contexts() {
    // no resumption: every handshake is a full one, for both subjects
    clientContext =
        Contexts.client(Provider.JDK, KeyType.EC_P256).datagrams().sessionResumption(false).build();
    serverContext = Contexts.server(Provider.JDK, KeyType.EC_P256).datagrams().build();
  }

  @Setup(Level.Iteration)
  public void associations() throws SSLException {
    DatagramPipe pipe = new DatagramPipe();
    client = DtlsEngine.client(clientContext, pipe.a, "localhost", 4433, MTU);
    server = DtlsEngine.server(serverContext, pipe.b, MTU);
    handshake(client, server);
    raw =
        new RawDtls(
            ProviderEngines.newEngine(clientContext, "localhost", 4433),
            ProviderEngines.newEngine(serverContext, null, -1),
            MTU);
    raw.handshake();
  }

  @TearDown(Level.Iteration)
  public void free() {
    client.close();
    server.close();
  }

  @Benchmark
  public boolean handshakeNiotls() {
    DatagramPipe pipe = new DatagramPipe();
    DtlsEngine c = DtlsEngine.client(clientContext, pipe.a, "localhost", 4433, MTU);
    DtlsEngine s = DtlsEngine.server(serverContext, pipe.b, MTU);
    handshake(c, s);
    c.close();
    s.close();
    return c.isHandshaking();
  }

  @Benchmark
  public boolean handshakeRawSslEngine() throws SSLException {
    RawDtls pair =
        new RawDtls(
            ProviderEngines.newEngine(clientContext, "localhost", 4433),
            ProviderEngines.newEngine(serverContext, null, -1),
            MTU);
    pair.handshake();
    return pair.client.getSession().isValid();
  }

  @Benchmark
  public int roundTrip1KiBNiotls() {
    payload.clear();
    client.write(payload);
    received.clear();
    int n = server.read(received);
    received.flip();
    server.write(received);
    received.clear();
    return n + client.read(received);
  }

  @Benchmark
  public int roundTrip1KiBRawSslEngine() throws SSLException {
    payload.clear();
    received.clear();
    int n = raw.send(raw.client, raw.server, payload, received);
    received.flip();
    back.clear();
    return n + raw.send(raw.server, raw.client, received, back);
  }

  private static void handshake(DtlsEngine c, DtlsEngine s) {
    for (int i = 0; i < 1000; i++) {
      Status cs = c.handshake();
      Status ss = s.handshake();
      if (cs == Status.OK && ss == Status.OK) {
        return;
      }
      if (cs.isFatal() || ss.isFatal()) {
        throw new IllegalStateException("DTLS handshake failed: " + c.failure() + s.failure());
      }
    }
    throw new IllegalStateException("DTLS handshake did not finish");
  }
}
