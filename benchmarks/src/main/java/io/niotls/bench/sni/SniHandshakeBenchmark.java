package io.niotls.bench.sni;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.context.Provider;
import io.niotls.context.SniMapping;
import io.niotls.context.TlsContext;
import io.niotls.loop.ClientOptions;
import io.niotls.loop.ServerOptions;
import io.niotls.loop.SessionHandler;
import io.niotls.loop.TlsClient;
import io.niotls.loop.TlsServer;
import io.niotls.loop.TlsSession;
import io.niotls.uri.TransportUri;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What choosing the certificate by name costs a full handshake: one client connects to a {@code
 * TlsServer} over loopback, completes a full TLS 1.3 handshake (resumption off) and closes, one at
 * a time. The server is, by {@code sniNames}:
 *
 * <ul>
 *   <li>{@code 0}: bound with one context ({@code TlsServer.bind}), no ClientHello read ahead: the
 *       reference;
 *   <li>{@code 1}: {@code TlsServer.bindSni} with one name: the cost of reading the ClientHello
 *       before the engine ({@code HelloPeek}) and replaying it;
 *   <li>{@code 1000}: {@code bindSni} with 1,000 names spread over 10 contexts: the cost of the
 *       mapping's size on top (the bar: at most 1.05 times the one-name server).
 * </ul>
 *
 * Every server presents the same {@code *.sni.test} certificate, and the client always asks for
 * {@code host0500.sni.test}, so only the choosing differs. The client is BoringSSL (the cheapest
 * handshake) on its own loop; the providers compared are the server's. Run all three in one JMH
 * invocation so their ratios come from one machine state: {@code benchmarks/run.sh quick
 * 'SniHandshakeBenchmark'}. Measured one after the other, they still moved by more than the 5% the
 * bar allows on a shared machine: judge the bar by the interleaved {@link
 * SniPairedHandshakeBenchmark} (in memory) and {@link SniPairedLoopbackBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SniHandshakeBenchmark {
  private static final String ASKED = "host0500.sni.test";
  private static final int CONTEXTS = 10;

  @Param({"JDK", "OPENSSL", "BORINGSSL"})
  public Provider provider;

  @Param({"0", "1", "1000"})
  public int sniNames;

  private TlsServer server;
  private TlsClient client;
  private TlsContext clientContext;
  private TransportUri uri;
  private final SessionHandler quiet = new SessionHandler() {};

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    GeneratedCertificate ca = CertificateGenerator.ca("niotls sni bench CA").generate();
    GeneratedCertificate leaf =
        CertificateGenerator.leaf("*.sni.test").subjectAltNames("*.sni.test").issuer(ca).generate();
    ServerOptions options = ServerOptions.builder().loopCount(1).build();
    TransportUri listen = TransportUri.parse("tlsv1.3://127.0.0.1:0");
    TlsContext first = serverContext(leaf);
    if (sniNames == 0) {
      server = TlsServer.bind(listen, first, () -> quiet, options);
    } else {
      server = TlsServer.bindSni(listen, mapping(leaf, first), () -> quiet, options);
    }
    uri = TransportUri.parse("tlsv1.3://127.0.0.1:" + server.localAddress().getPort());
    clientContext =
        TlsContext.forClient()
            .provider(Provider.BORINGSSL)
            .protocols("TLSv1.3")
            .trustCertificates(List.of(ca.certificate()))
            .serverName(ASKED)
            .sessionResumption(false)
            .build();
    client = TlsClient.create(ClientOptions.builder().loopCount(1).build());
    handshake(); // fails the trial at once if the certificate is not the one asked for
  }

  private SniMapping mapping(GeneratedCertificate leaf, TlsContext first) {
    if (sniNames == 1) {
      return SniMapping.withDefault(first).add(ASKED, first).build();
    }
    TlsContext[] contexts = new TlsContext[CONTEXTS];
    contexts[0] = first;
    for (int i = 1; i < CONTEXTS; i++) {
      contexts[i] = serverContext(leaf);
    }
    SniMapping.Builder b = SniMapping.withDefault(first);
    for (int i = 0; i < sniNames; i++) {
      b.add(String.format(Locale.ROOT, "host%04d.sni.test", i), contexts[i % CONTEXTS]);
    }
    return b.build();
  }

  private TlsContext serverContext(GeneratedCertificate leaf) {
    return TlsContext.forServer(leaf.keyMaterial())
        .provider(provider)
        .protocols("TLSv1.3")
        .sessionResumption(false)
        .build();
  }

  /** Connect, a full handshake, close_notify both ways. */
  @Benchmark
  public void handshake() throws Exception {
    TlsSession session = client.connect(uri, clientContext, quiet).get(10, TimeUnit.SECONDS);
    if (!ASKED.equals(session.info().serverName())) {
      throw new IllegalStateException("the server saw " + session.info().serverName());
    }
    session.close().get(10, TimeUnit.SECONDS);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }
}
