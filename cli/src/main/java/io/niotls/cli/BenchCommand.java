package io.niotls.cli;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.context.TlsContext;
import io.niotls.context.TlsContextBuilder;
import io.niotls.uri.TransportUri;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code niotls bench [URI]}: full (or resumed) TLS handshakes as fast as they go; for {@code
 * dtls://}, DTLS handshakes and a datagram echo each ({@link DatagramBenchRunner}).
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Makes --connections TLS connections, --concurrency at a time, each a full handshake"
          + " (or a resumed one with --resume) followed by close_notify, and reports handshakes"
          + " per second, latency percentiles (p50, p90, p99, max), failures by reason and the"
          + " server's peak memory per connection.",
      "Without URI it starts an embedded niotls server on 127.0.0.1 in the same process, with a"
          + " fresh self-signed certificate (--key ec or rsa) that the client verifies.",
      "With a dtls:// URI (or dtls:// alone for an embedded DTLS echo server) each connection is"
          + " a DTLS 1.2 handshake on the JDK provider, then one --payload datagram echoed (its"
          + " round trip reported too), then close_notify. udp:// has no handshake to measure and"
          + " is refused."
    })
public final class BenchCommand implements Callable<Integer> {
  /** The embedded server's key type. */
  public enum Key {
    EC(KeyType.EC_P256),
    RSA(KeyType.RSA_2048);

    final KeyType type;

    Key(KeyType type) {
      this.type = type;
    }
  }

  private final Io io;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "URI",
      description =
          "the TLS or DTLS server to load (default: an embedded TLS one on 127.0.0.1; dtls://"
              + " alone: an embedded DTLS one)")
  String uri;

  @Option(
      names = {"-n", "--connections"},
      paramLabel = "N",
      description = "connections to make (default: ${DEFAULT-VALUE})")
  long connections = 2000;

  @Option(
      names = {"-c", "--concurrency"},
      paramLabel = "C",
      description =
          "connections in flight at once (default: ${DEFAULT-VALUE}; for dtls:// "
              + DatagramBenchRunner.DEFAULT_CONCURRENCY
              + ")")
  int concurrency = 100;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      description =
          "connections made first and not counted, so that the JIT has compiled both ends"
              + " (default: ${DEFAULT-VALUE}; 0 measures from a cold start)")
  long warmup = 500;

  @Option(
      names = "--resume",
      description = "resume the session of an earlier connection instead of full handshakes")
  boolean resume;

  @Option(
      names = "--key",
      paramLabel = "TYPE",
      description = "the embedded server's key: ec (P-256, the default) or rsa (2048 bits)")
  Key key;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "stop starting connections after this long: 10s, 1m")
  Duration duration;

  @Option(names = "--json", description = "print one JSON object instead of the text report")
  boolean json;

  @Option(names = "--no-progress", description = "no progress display on stderr")
  boolean noProgress;

  @Option(
      names = "--mtu",
      paramLabel = "BYTES",
      description =
          "dtls:// only: the largest datagram to send, the path MTU less IP and UDP headers"
              + " (default: 1400); DTLS fragments its handshake to it")
  Integer mtu;

  @Option(
      names = "--payload",
      paramLabel = "BYTES",
      description =
          "dtls:// only: the datagram each connection has echoed after its handshake (default:"
              + " 1024; 0 sends none, for a server that does not echo such as openssl s_server)")
  Integer payload;

  @Mixin TlsOptions tls = new TlsOptions();

  @Mixin ClientTrustOptions trust = new ClientTrustOptions();

  @Spec CommandSpec spec;

  BenchCommand(Io io) {
    this.io = io;
  }

  /**
   * A bench run, checked and built.
   *
   * @param target the server to load; for the embedded server its URI with port 0
   * @param serverContext the embedded server's context; null against a URI
   * @param clientContext the client's context
   * @param keyType "ec" or "rsa" for the embedded server; null against a URI
   * @param duration null for no cap
   */
  public record Plan(
      TransportUri target,
      TlsContext serverContext,
      TlsContext clientContext,
      long connections,
      long warmup,
      int concurrency,
      boolean resume,
      String keyType,
      Duration duration,
      boolean json,
      boolean progress) {

    public boolean embedded() {
      return serverContext != null;
    }
  }

  /**
   * Checks the options and builds both contexts, without connecting.
   *
   * @throws CliException or IllegalArgumentException for bad input: exit code 2
   */
  Plan prepare() {
    checkCounts(concurrency);
    if (mtu != null || payload != null) {
      throw CliException.usage("--mtu and --payload are for dtls://; tls:// has no datagrams");
    }
    boolean embedded = uri == null;
    TransportUri target =
        embedded ? TransportUri.parse("tls://127.0.0.1:0") : TransportUri.parse(uri);
    if (!target.isTls()) {
      throw CliException.usage("bench measures TLS handshakes: give a tls:// URI, not " + target);
    }
    if (!embedded && target.port() == 0) {
      throw CliException.usage(
          "cannot connect to port 0 in " + target + ": give the server's port");
    }
    checkTarget(embedded);
    TlsContextBuilder client = TlsContext.forClient();
    tls.applyTo(client, target);
    // without --resume every connection must pay for a full handshake
    client.sessionResumption(resume);
    TlsContext serverContext = null;
    Key chosen = key == null ? Key.EC : key;
    if (embedded) {
      GeneratedCertificate cert =
          CertificateGenerator.selfSigned(chosen.type, KeyOptions.LOCAL_NAMES);
      TlsContextBuilder server = TlsContext.forServer(cert.keyMaterial());
      tls.applyTo(server, target);
      serverContext = server.build();
      client.trustCertificates(List.of(cert.certificate()));
    } else {
      trust.applyTo(client);
    }
    return new Plan(
        target,
        serverContext,
        client.build(),
        connections,
        warmup,
        concurrency,
        resume,
        embedded ? chosen.name().toLowerCase(java.util.Locale.ROOT) : null,
        duration,
        json,
        !noProgress);
  }

  /** Refuses counts that cannot make a run; {@code concurrency} is the one in effect. */
  void checkCounts(int concurrency) {
    if (connections < 1) {
      throw CliException.usage("--connections must be at least 1");
    }
    if (warmup < 0) {
      throw CliException.usage("--warmup must be 0 or more");
    }
    if (concurrency < 1) {
      throw CliException.usage("--concurrency must be at least 1");
    }
    if (duration != null && duration.isZero()) {
      throw CliException.usage("--duration must be more than 0, e.g. 30s");
    }
  }

  /** Refuses the options that contradict the target: --key for a URI, trust for the embedded. */
  void checkTarget(boolean embedded) {
    if (!embedded && key != null) {
      throw CliException.usage("--key chooses the embedded server's key: drop it or the URI");
    }
    if (embedded
        && (trust.trust != null
            || !trust.pins.isEmpty()
            || trust.insecure
            || trust.serverName != null)) {
      throw CliException.usage(
          "--trust, --pin, --insecure and --servername are for a URI target; the embedded"
              + " server's certificate is trusted already");
    }
  }

  /** Whether {@code option} was on the command line (rather than left at its default). */
  boolean given(String option) {
    return spec != null && spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  @Override
  public Integer call() throws Exception {
    if (DatagramBenchRunner.isDatagram(uri)) {
      return DatagramBenchRunner.run(DatagramBenchRunner.prepare(this), io);
    }
    return BenchRunner.run(prepare(), io);
  }
}
