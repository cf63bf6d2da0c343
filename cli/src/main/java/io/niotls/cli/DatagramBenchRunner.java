package io.niotls.cli;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.cli.bench.BenchResult;
import io.niotls.cli.bench.BenchStats;
import io.niotls.cli.bench.DatagramBenchResult;
import io.niotls.cli.bench.Progress;
import io.niotls.context.TlsContext;
import io.niotls.context.TlsContextBuilder;
import io.niotls.loop.DatagramHandler;
import io.niotls.loop.DatagramServer;
import io.niotls.loop.DatagramSession;
import io.niotls.loop.TlsEventLoopGroup;
import io.niotls.uri.TransportUri;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

/**
 * Runs {@code niotls bench dtls://...}: optionally an embedded DTLS echo server, then {@code
 * warmup} connections that are not counted, then {@code connections} DTLS connections at most
 * {@code concurrency} at a time. Each is timed from connect to the end of its handshake, then has
 * one {@code payload} datagram echoed (its round trip timed), then ends with close_notify; a slot
 * frees when its connection has closed. {@code niotls bench udp://} is refused: plain datagrams
 * have no handshake to measure.
 */
final class DatagramBenchRunner {
  /** The datagram echoed after each handshake unless {@code --payload} says otherwise. */
  static final int DEFAULT_PAYLOAD = 1024;

  /**
   * {@code --concurrency} for dtls:// unless given: the embedded server is one socket on one loop,
   * and at 100 handshakes in flight on two cores the kernel dropped datagrams from its full receive
   * buffer (RcvbufErrors), which costs 1 s retransmissions and lost echoes.
   */
  static final int DEFAULT_CONCURRENCY = 20;

  /** A URI that is a scheme alone, {@code dtls://}: the embedded server's. */
  private static final Pattern SCHEME_ONLY = Pattern.compile("[A-Za-z][A-Za-z0-9.+-]*://");

  /** No connection needs more than this beyond its own deadlines to end. */
  private static final Duration SLACK = Duration.ofSeconds(10);

  private DatagramBenchRunner() {}

  /**
   * A datagram bench run, checked and built.
   *
   * @param target the server to load; for the embedded server its URI with port 0
   * @param serverContext the embedded server's DTLS context; null against a URI
   * @param clientContext the client's DTLS context
   * @param keyType "ec" or "rsa" for the embedded server; null against a URI
   * @param duration null for no cap
   * @param maxPacket the largest datagram either side sends ({@code --mtu})
   * @param payload the bytes echoed after each handshake; 0 for none
   */
  record Plan(
      TransportUri target,
      TlsContext serverContext,
      TlsContext clientContext,
      long connections,
      long warmup,
      int concurrency,
      String keyType,
      Duration duration,
      boolean json,
      boolean progress,
      int maxPacket,
      int payload) {

    boolean embedded() {
      return serverContext != null;
    }
  }

  /** Whether {@code uri} names a datagram scheme ({@code udp://}, {@code dtls://}...). */
  static boolean isDatagram(String uri) {
    if (uri == null) {
      return false;
    }
    String text = uri.strip();
    String scheme = text.substring(0, Math.max(0, text.indexOf("://"))).toLowerCase(Locale.ROOT);
    return scheme.equals("udp") || scheme.startsWith("dtls");
  }

  /**
   * Checks the command's options for a datagram target and builds both contexts, without
   * connecting.
   *
   * @throws CliException or IllegalArgumentException for bad input: exit code 2
   */
  static Plan prepare(BenchCommand c) {
    int concurrency = c.given("--concurrency") ? c.concurrency : DEFAULT_CONCURRENCY;
    c.checkCounts(concurrency);
    String text = c.uri.strip();
    boolean embedded = SCHEME_ONLY.matcher(text).matches();
    // the scheme alone names the embedded server; TransportUri refuses dtlsv1:// and the like
    TransportUri target = TransportUri.parse(embedded ? text + "127.0.0.1:0" : text);
    if (!target.isTls()) {
      throw CliException.usage(
          "bench measures DTLS handshakes and "
              + target.scheme().text()
              + ":// has none: give a dtls:// URI (or dtls:// alone for an embedded server)");
    }
    if (!embedded && target.port() == 0) {
      throw CliException.usage(
          "cannot connect to port 0 in "
              + target
              + ": give the server's port, or dtls:// alone"
              + " for an embedded server");
    }
    if (c.resume) {
      throw CliException.usage(
          "--resume is for tls://: the DTLS bench measures full handshakes only");
    }
    c.checkTarget(embedded);
    int maxPacket = DatagramRunner.maxPacket(c.mtu);
    int payload = c.payload == null ? DEFAULT_PAYLOAD : c.payload;
    if (payload < 0 || payload > maxPacket) {
      throw CliException.usage(
          "--payload "
              + payload
              + " is out of range 0-"
              + maxPacket
              + ": the bytes echoed after each handshake, at most one datagram (--mtu)");
    }
    TlsContextBuilder client = TlsContext.forClient();
    // every connection pays for a full handshake
    client.sessionResumption(false);
    TlsContext serverContext = null;
    BenchCommand.Key chosen = c.key == null ? BenchCommand.Key.EC : c.key;
    if (embedded) {
      GeneratedCertificate cert =
          CertificateGenerator.selfSigned(chosen.type, KeyOptions.LOCAL_NAMES);
      serverContext = DatagramRunner.context(TlsContext.forServer(cert.keyMaterial()), c.tls);
      client.trustCertificates(List.of(cert.certificate()));
    } else {
      c.trust.applyTo(client);
    }
    return new Plan(
        target,
        serverContext,
        DatagramRunner.context(client, c.tls),
        c.connections,
        c.warmup,
        concurrency,
        embedded ? chosen.name().toLowerCase(Locale.ROOT) : null,
        c.duration,
        c.json,
        !c.noProgress,
        maxPacket,
        payload);
  }

  static int run(Plan plan, Io io) throws Exception {
    TransportUri target = plan.target();
    DatagramBenchResult result;
    int loops =
        Math.max(1, Math.min(plan.concurrency(), Runtime.getRuntime().availableProcessors()));
    try (TlsEventLoopGroup serverGroup = plan.embedded() ? TlsEventLoopGroup.create(1) : null;
        DatagramServer server =
            plan.embedded()
                ? DatagramServer.bind(
                    target, plan.serverContext(), ECHO, serverGroup, plan.maxPacket())
                : null;
        TlsEventLoopGroup clientGroup = TlsEventLoopGroup.create(loops)) {
      if (server != null) {
        target = target.withPort(server.localAddress().getPort());
      }
      warmUp(clientGroup, target, plan, io);
      result = load(clientGroup, target, plan, io);
    }
    io.out().print(plan.json() ? result.toJson() + System.lineSeparator() : result.toText());
    io.out().flush();
    return result.result().stats().failures() > 0 ? Main.FAILED : Main.OK;
  }

  /** The embedded server's handler: each datagram back to its sender, whole. */
  private static final DatagramHandler ECHO =
      new DatagramHandler() {
        @Override
        public void onDatagram(DatagramSession session, ByteBuffer datagram) {
          session.send(datagram);
        }
      };

  private static DatagramBenchResult load(
      TlsEventLoopGroup group, TransportUri target, Plan plan, Io io) throws InterruptedException {
    BenchStats stats = new BenchStats();
    BenchStats roundTrips = new BenchStats();
    AtomicLong lastEnd = new AtomicLong();
    long start = System.nanoTime();
    long deadline = plan.duration() == null ? Long.MAX_VALUE : start + plan.duration().toNanos();
    boolean cut;
    try (Progress progress =
        Progress.create(io.err(), plan.connections(), plan.progress(), System.console() != null)) {
      cut =
          !connections(
              group,
              target,
              plan,
              plan.connections(),
              deadline,
              stats,
              roundTrips,
              () -> false,
              end -> {
                lastEnd.accumulateAndGet(end, Math::max);
                progress.update(stats.finished(), stats.failures());
              },
              io);
    }
    long elapsed = Math.max(0, lastEnd.get() - start);
    BenchResult result =
        new BenchResult(
            target.toString(),
            plan.embedded(),
            plan.connections(),
            plan.concurrency(),
            false,
            plan.clientContext().provider().name(),
            plan.keyType(),
            elapsed,
            stats,
            null,
            cut);
    return new DatagramBenchResult(result, plan.maxPacket(), plan.payload(), roundTrips);
  }

  /**
   * {@code --warmup} connections, made like the measured ones and then forgotten. The first failure
   * ends the warm-up (said on stderr): the measured run then reports failures the usual way.
   */
  private static void warmUp(TlsEventLoopGroup group, TransportUri target, Plan plan, Io io)
      throws InterruptedException {
    if (plan.warmup() == 0) {
      return;
    }
    BenchStats stats = new BenchStats();
    connections(
        group,
        target,
        plan,
        plan.warmup(),
        Long.MAX_VALUE,
        stats,
        new BenchStats(),
        () -> stats.failures() > 0,
        end -> {},
        io);
    ConnectionSlots.reportWarmUp(stats, io);
  }

  /**
   * Makes {@code count} connections, at most the plan's concurrency at a time, each recorded into
   * {@code stats} (handshake) and {@code roundTrips} (echo) when it completes; {@code ended} hears
   * each one's outcome (nanoTime); none starts once {@code stop} says so. Returns false when {@code
   * deadline} (nanoTime) cut it short. Waits for the connections in flight to end, and says so on
   * stderr when some did not.
   */
  private static boolean connections(
      TlsEventLoopGroup group,
      TransportUri target,
      Plan plan,
      long count,
      long deadline,
      BenchStats stats,
      BenchStats roundTrips,
      BooleanSupplier stop,
      LongConsumer ended,
      Io io)
      throws InterruptedException {
    ByteBuffer payload = payload(plan.payload());
    Duration echoTimeout = plan.clientContext().handshakeTimeout();
    return ConnectionSlots.run(
        plan.concurrency(),
        count,
        deadline,
        stop,
        // a handshake, then an echo, each bounded by the handshake timeout
        echoTimeout.multipliedBy(2).plus(SLACK),
        io,
        release ->
            new DatagramBenchConnection(payload, echoTimeout, stats, roundTrips, ended, release)
                .start(target, plan.clientContext(), group, plan.maxPacket()));
  }

  /** {@code size} bytes of a fixed pattern, read-only: every connection sends the same. */
  static ByteBuffer payload(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) ('a' + i % 26);
    }
    return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
  }
}
