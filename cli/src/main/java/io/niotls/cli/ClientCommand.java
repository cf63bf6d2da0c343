package io.niotls.cli;

import io.niotls.context.KeyMaterial;
import io.niotls.context.TlsContext;
import io.niotls.context.TlsContextBuilder;
import io.niotls.uri.TransportUri;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code niotls client URI}: like {@code openssl s_client}, on niotls's selector loop. */
@Command(
    name = "client",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Connects to URI, prints a handshake summary to stderr (protocol, cipher, ALPN, peer"
          + " subject, SHA-256 fingerprint, resumed), then copies stdin to the connection and the"
          + " connection to stdout. At the end of stdin, once the server has been quiet for"
          + " --linger, it sends close_notify and waits for the server's.",
      "The server's certificate is checked against the system CAs and the host name unless"
          + " --trust, --pin or --insecure say otherwise."
    })
public final class ClientCommand implements Callable<Integer> {
  private final Io io;

  @Parameters(
      index = "0",
      paramLabel = "URI",
      description = "tls://host:port (also tlsv1.2://, tlsv1.3://), or tcp:// with --starttls")
  String uri;

  @Mixin ClientTrustOptions trust = new ClientTrustOptions();

  @Mixin TlsOptions tls = new TlsOptions();

  @Option(
      names = "--starttls",
      paramLabel = "PROTOCOL",
      description =
          "smtp, imap, pop3 or ftp: on a tcp:// URI, speak the protocol up to its STARTTLS"
              + " (STARTTLS, STLS, AUTH TLS), then TLS; the plaintext lines are shown on stderr")
  ServerCommand.StartTls startTls;

  @Option(
      names = "--showcerts",
      description =
          "also print every certificate the server sent, leaf first, each as PEM after its"
              + " s:subject and i:issuer lines (as openssl s_client -showcerts), on stderr with"
              + " the summary, even with --quiet")
  boolean showCerts;

  @Mixin KeyOptions keys = new KeyOptions();

  @Mixin SessionFileOptions sessionFiles = new SessionFileOptions();

  @Mixin VerifyOptions verify = new VerifyOptions();

  @Mixin ClientOcspOptions ocsp = new ClientOcspOptions();

  @Option(
      names = {"-q", "--quiet"},
      description = "no handshake summary on stderr")
  boolean quiet;

  @Option(
      names = "--linger",
      paramLabel = "DURATION",
      converter = Durations.class,
      description =
          "at the end of stdin, wait until the server has been quiet this long before sending"
              + " close_notify, so replies on their way are not lost (default: 1s)")
  Duration linger = Duration.ofSeconds(1);

  ClientCommand(Io io) {
    this.io = io;
  }

  /**
   * What the client will do, checked and built.
   *
   * @param context null for a plain tcp:// connection
   * @param startTls the plaintext protocol spoken up to TLS, or null when the connection starts
   *     with TLS (or is plaintext throughout)
   * @param showCerts whether to print the server's whole chain
   */
  public record Plan(
      TransportUri uri, TlsContext context, ServerCommand.StartTls startTls, boolean showCerts) {
    /** Whether the connection starts in plaintext and upgrades. */
    public boolean startsTls() {
      return startTls != null;
    }
  }

  /**
   * Checks the options and builds the context, without connecting.
   *
   * @throws CliException or IllegalArgumentException for bad input: exit code 2
   */
  Plan prepare() {
    TransportUri where = TransportUri.parse(uri);
    if (startTls != null && where.isTls()) {
      throw CliException.usage(
          "--starttls "
              + startTls.text()
              + " needs a tcp:// URI: the connection starts in plaintext and upgrades (e.g."
              + " tcp://mail.example.com:"
              + startTls.port()
              + ")");
    }
    if (where.port() == 0) {
      throw CliException.usage("cannot connect to port 0 in " + where + ": give the server's port");
    }
    if (!where.isTls() && startTls == null) {
      if (showCerts) {
        throw CliException.usage(
            "--showcerts shows the certificates of a TLS server: use tls:// (or --starttls on"
                + " tcp://), not "
                + where);
      }
      return new Plan(where, null, null, false);
    }
    sessionFiles.check(tls.provider);
    TlsContextBuilder builder = TlsContext.forClient();
    tls.applyTo(builder, where);
    KeyLogEnvironment.applyTo(builder, tls.provider, io.err());
    trust.applyTo(builder);
    if (verify.given() && trust.insecure) {
      throw CliException.usage(
          "--insecure accepts any certificate, which contradicts --CApath, --CRL, --verify-depth"
              + " and --security-level; drop one");
    }
    verify.applyTo(builder, trust.trust == null ? null : "--trust");
    ocsp.applyTo(builder);
    KeyMaterial key = keys.load();
    if (key != null) {
      builder.keyMaterial(key);
    }
    return new Plan(where, builder.build(), startTls, showCerts);
  }

  @Option(
      names = "--mtu",
      paramLabel = "BYTES",
      description =
          "udp:// and dtls:// only: the largest datagram to send, the path MTU less IP and UDP"
              + " headers (default: 1400); DTLS fragments its handshake to it")
  Integer mtu;

  @Override
  public Integer call() throws Exception {
    TransportUri datagrams = TransportUri.parse(uri);
    if (datagrams.scheme().isDatagram()) {
      TlsContext context = null;
      if (datagrams.isTls()) {
        TlsContextBuilder builder = trust.applyTo(TlsContext.forClient());
        KeyMaterial key = keys.load();
        if (key != null) {
          builder.keyMaterial(key);
        }
        context = DatagramRunner.context(builder, tls);
      }
      return DatagramRunner.connect(datagrams, context, mtu, quiet, linger, io);
    }
    return ClientRunner.run(prepare(), io, quiet, linger);
  }
}
