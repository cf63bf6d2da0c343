package io.niotls.cli;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.cli.server.SniCertificates;
import io.niotls.context.ClientAuth;
import io.niotls.context.KeyMaterial;
import io.niotls.context.TlsContext;
import io.niotls.context.TlsContextBuilder;
import io.niotls.uri.TransportUri;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code niotls server [URI]}: an echo, HTTP or ESMTP (STARTTLS) server on the selector loop. */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Listens on URI and serves every connection on niotls's selector loop. When ready it prints"
          + " one line: listening <uri with the real port> sha256:<certificate fingerprint>. A host"
          + " name is listened on at every address it resolves to (localhost: 127.0.0.1 and ::1"
          + " when the resolver gives both), and the line ends with them: (on 127.0.0.1:8443,"
          + " [::1]:8443).",
      "With --starttls smtp it is a small ESMTP server that requires STARTTLS before mail, and"
          + " prints one line per message it accepts: message N from <a@example.org> to"
          + " <b@example.org>: SIZE bytes.",
      "On SIGHUP (and with --reload-on-change, when they change) it reads the certificate, key"
          + " and trust files again: new connections get the new certificate, live ones keep"
          + " theirs. It prints reloaded sha256:<fingerprint>, or on stderr why the files were"
          + " refused and that the old certificate is still served.",
      "Runs until interrupted (Ctrl-C, SIGTERM: a graceful shutdown), or until --max-connections"
          + " or --duration."
    })
public final class ServerCommand implements Callable<Integer> {
  /** What a server does with a connection's data. */
  public enum Mode {
    /** Sends every byte back. */
    ECHO,
    /** Answers HTTP/1.1 requests with a page showing the TLS session. */
    HTTP
  }

  /** Plaintext protocols that upgrade to TLS in place. */
  public enum StartTls {
    SMTP(587, 2525),
    IMAP(143, 1143),
    POP3(110, 1110),
    FTP(21, 2121);

    private final int port;
    private final int demoPort;

    StartTls(int port, int demoPort) {
      this.port = port;
      this.demoPort = demoPort;
    }

    /** As given on the command line: {@code smtp}. */
    public String text() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The protocol's usual port for STARTTLS, for examples in messages. */
    public int port() {
      return port;
    }

    /** A port above 1024 for an example demo server. */
    int demoPort() {
      return demoPort;
    }
  }

  private final Io io;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "URI",
      description =
          "where to listen: tls://, tlsv1.2://, tlsv1.3:// or tcp:// (default: ${DEFAULT-VALUE})",
      defaultValue = "tls://127.0.0.1:8443")
  String uri;

  @Option(names = "--mode", paramLabel = "MODE", description = "echo (default) or http")
  Mode mode = Mode.ECHO;

  @Option(
      names = "--starttls",
      paramLabel = "PROTOCOL",
      description =
          "on a tcp:// URI, a demo server that requires STARTTLS: smtp, an ESMTP server (RFC"
              + " 5321, 3207) for mail clients: EHLO, STARTTLS (required before MAIL), MAIL, RCPT,"
              + " DATA; messages are counted, not stored. imap (RFC 3501, 2595): STARTTLS, then"
              + " LOGIN with any credentials, an empty LIST. pop3 (RFC 1939, 2595): STLS, then"
              + " USER/PASS with any credentials, an empty maildrop. ftp (RFC 959, 4217): AUTH"
              + " TLS, then the control connection only (no data connections)")
  StartTls startTls;

  @Mixin KeyOptions keys = new KeyOptions();

  @Mixin TlsOptions tls = new TlsOptions();

  @Mixin SessionOptions sessions = new SessionOptions();

  @Option(
      names = "--require-alpn",
      description =
          "refuse clients that offer none of the --alpn protocols, or no ALPN at all, with a"
              + " no_application_protocol alert")
  boolean requireAlpn;

  @Option(
      names = "--sni-strict",
      description =
          "refuse a client that asks for a name none of the --cert certificates holds with an"
              + " unrecognized_name alert, instead of serving it the first certificate (clients"
              + " that send no name still get the first)")
  boolean sniStrict;

  @Option(
      names = "--client-auth",
      paramLabel = "MODE",
      description = "ask clients for a certificate: none (default), optional or require")
  ClientAuth clientAuth = ClientAuth.NONE;

  @Option(
      names = "--trust",
      paramLabel = "PEM",
      description = "the CA certificates that sign client certificates (with --client-auth)")
  Path trust;

  @Mixin VerifyOptions verify = new VerifyOptions();

  @Option(
      names = "--ocsp-response",
      paramLabel = "FILE",
      description =
          "staple this DER OCSP response (openssl ocsp -respout) for clients that ask"
              + " (status_request); read again on reload. OPENSSL and BORINGSSL providers only")
  Path ocspResponse;

  @Option(
      names = "--no-reuse-address",
      description =
          "bind without SO_REUSEADDR: then connections in TIME_WAIT from a previous run can keep"
              + " the port from binding for a minute or two")
  boolean noReuseAddress;

  @Option(names = "--no-tcp-nodelay", description = "leave Nagle's algorithm on (TCP_NODELAY off)")
  boolean noTcpNoDelay;

  @Option(
      names = "--stats",
      paramLabel = "DURATION",
      converter = Durations.class,
      description =
          "print a line of statistics on stderr every DURATION: sessions, handshakes (resumed,"
              + " latency), failures by reason, bytes")
  Duration stats;

  @Option(
      names = "--idle-timeout",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "close a session with close_notify after this long without a byte either way")
  Duration idleTimeout;

  @Option(
      names = "--max-lifetime",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "close a session with close_notify once it has been open this long")
  Duration maxLifetime;

  @Option(
      names = "--write-stall-timeout",
      paramLabel = "DURATION",
      converter = Durations.class,
      description =
          "cut a session off when its peer has taken none of our queued output for this long")
  Duration writeStallTimeout;

  @Option(
      names = "--reload-on-change",
      description =
          "reload the certificate, key and trust files when they change on disk (looked at every"
              + " second), as on SIGHUP")
  boolean reloadOnChange;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      description = "stop after N connections have come and gone")
  Long maxConnections;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = Durations.class,
      description = "stop after this long: 30s, 5m")
  Duration duration;

  ServerCommand(Io io) {
    this.io = io;
  }

  /**
   * Everything a server needs, checked and built: the URI, the TLS context (null for plain tcp://
   * without STARTTLS) and what to do with connections.
   */
  public record Plan(
      TransportUri uri,
      TlsContext context,
      Mode mode,
      StartTls startTls,
      boolean reuseAddress,
      boolean tcpNoDelay,
      Long maxConnections,
      Duration duration,
      Reload reload,
      Limits limits,
      Sni sni) {
    /** Whether this is the SMTP demo server. */
    public boolean smtp() {
      return startTls == StartTls.SMTP;
    }
  }

  /**
   * Several certificates chosen by server name (several --cert/--key pairs, or --sni-strict); null
   * in a {@link Plan} that serves one. The plan's context is then the mapping's default.
   *
   * @param certificates the mapping and the lines saying which names go to which certificate
   * @param rebuild reads the files again, on SIGHUP or when they change
   */
  public record Sni(SniCertificates certificates, Supplier<SniCertificates> rebuild) {}

  /**
   * How long an open session may idle, live and stall, each null when not limited; and how often to
   * print statistics (null: never).
   */
  public record Limits(Duration idle, Duration lifetime, Duration writeStall, Duration stats) {}

  /**
   * How to build the context again from its files, on SIGHUP or when they change; null in a {@link
   * Plan} when there is nothing to reload (plaintext, or a certificate generated at start).
   *
   * @param files what {@link #rebuild} reads: watched with {@code --reload-on-change}
   */
  public record Reload(Supplier<TlsContext> rebuild, List<Path> files, boolean onChange) {}

  /**
   * Checks the options and builds the context, without binding anything.
   *
   * @throws CliException or IllegalArgumentException (TlsConfigException, TransportUri) for bad
   *     input: exit code 2
   */
  Plan prepare() {
    TransportUri where = TransportUri.parse(uri);
    if (startTls != null && where.isTls()) {
      throw CliException.usage(
          "--starttls "
              + startTls.text()
              + " needs a tcp:// URI: the connection starts in plaintext and upgrades (e.g."
              + " tcp://127.0.0.1:"
              + startTls.demoPort()
              + ")");
    }
    if (startTls != null && mode == Mode.HTTP) {
      throw CliException.usage(
          "--starttls " + startTls.text() + " and --mode http do not go together");
    }
    if (requireAlpn && tls.alpn.isEmpty() && mode != Mode.HTTP) {
      throw CliException.usage(
          "--require-alpn needs the protocols to require: add --alpn, e.g. --alpn h2,http/1.1");
    }
    if (maxConnections != null && maxConnections < 1) {
      throw CliException.usage("--max-connections must be at least 1");
    }
    if (duration != null && duration.isZero()) {
      throw CliException.usage("--duration must be more than 0, e.g. 30s");
    }
    if (mode == Mode.HTTP && !tls.alpn.isEmpty() && !tls.alpn.contains("http/1.1")) {
      throw CliException.usage(
          "--mode http speaks HTTP/1.1 only: --alpn "
              + String.join(",", tls.alpn)
              + " must include http/1.1");
    }
    if (verify.given() && clientAuth == ClientAuth.NONE) {
      throw CliException.usage(
          "--CApath, --CRL, --verify-depth and --security-level on a server judge client"
              + " certificates: add --client-auth optional or require");
    }
    if (clientAuth != ClientAuth.NONE && trust == null && verify.caPath == null) {
      throw CliException.usage(
          "--client-auth "
              + clientAuth.name().toLowerCase(Locale.ROOT)
              + " needs --trust PEM (or --CApath DIR): the CA certificates that sign client"
              + " certificates");
    }
    if (trust != null && clientAuth == ClientAuth.NONE) {
      throw CliException.usage(
          "--trust on a server is for client certificates: add --client-auth optional or require");
    }
    boolean speaksTls = where.isTls() || startTls != null;
    if (!speaksTls) {
      if (ocspResponse != null) {
        throw CliException.usage(
            where + " is plaintext: --ocsp-response is stapled to TLS handshakes; use tls://");
      }
      if (keys.given() || clientAuth != ClientAuth.NONE) {
        throw CliException.usage(
            where
                + " is plaintext: key and client-auth options need tls:// or --starttls"
                + " smtp|imap|pop3|ftp");
      }
      if (requireAlpn) {
        throw CliException.usage(
            where
                + " is plaintext: ALPN is negotiated in the TLS handshake; --require-alpn needs"
                + " tls://");
      }
      if (reloadOnChange) {
        throw CliException.usage(where + " is plaintext: there is no certificate to reload");
      }
      if (sessions.given()) {
        throw CliException.usage(
            where + " is plaintext: session options need tls:// or --starttls smtp|imap|pop3|ftp");
      }
      return new Plan(
          where,
          null,
          mode,
          null,
          !noReuseAddress,
          !noTcpNoDelay,
          maxConnections,
          duration,
          null,
          limits(),
          null);
    }
    if (reloadOnChange && !keys.given()) {
      throw CliException.usage(
          "--reload-on-change needs the certificate's files (--cert/--key or --keystore): a"
              + " generated certificate has none");
    }
    if (keys.several() || sniStrict) {
      return sniPlan(where);
    }
    Reload reload = null;
    if (keys.given()) {
      List<Path> files =
          Stream.concat(
                  Stream.of(keys.cert, keys.key, keys.keystore, trust).filter(Objects::nonNull),
                  sessions.files().stream())
              .toList();
      files = withVerifyFiles(files);
      reload = new Reload(() -> context(where, keys.load()), files, reloadOnChange);
    }
    return new Plan(
        where,
        context(where, keys.loadOrGenerate(KeyType.EC_P256)),
        mode,
        startTls,
        !noReuseAddress,
        !noTcpNoDelay,
        maxConnections,
        duration,
        reload,
        limits(),
        null);
  }

  /** A tls:// server with several certificates (or one, strictly), chosen by SNI. */
  private Plan sniPlan(TransportUri where) {
    if (!where.isTls() || keys.keystore != null || keys.cert == null) {
      throw CliException.usage(
          (sniStrict ? "--sni-strict needs" : "several --cert/--key pairs need")
              + " tls:// and --cert/--key pairs: the names to serve are read from each"
              + " certificate"
              + (where.isTls() ? "" : " (STARTTLS upgrades with one certificate)"));
    }
    keys.checkPairs();
    Supplier<SniCertificates> load =
        () ->
            SniCertificates.load(
                keys.certs, keys.keyFiles, keys.keyPassword(), k -> context(where, k), sniStrict);
    SniCertificates certificates = load.get();
    List<Path> files = new ArrayList<>(keys.certs);
    files.addAll(keys.keyFiles);
    if (trust != null) {
      files.add(trust);
    }
    Reload reload = new Reload(() -> load.get().mapping().defaultContext(), files, reloadOnChange);
    return new Plan(
        where,
        certificates.mapping().defaultContext(),
        mode,
        null,
        !noReuseAddress,
        !noTcpNoDelay,
        maxConnections,
        duration,
        reload,
        limits(),
        new Sni(certificates, load));
  }

  private Limits limits() {
    for (Duration d : new Duration[] {idleTimeout, maxLifetime, writeStallTimeout, stats}) {
      if (d != null && (d.isZero() || d.isNegative())) {
        throw CliException.usage(
            "--idle-timeout, --max-lifetime, --write-stall-timeout and --stats must be more than"
                + " 0, e.g. 30s");
      }
    }
    return new Limits(idleTimeout, maxLifetime, writeStallTimeout, stats);
  }

  /** The server context the options describe, with {@code key}; read again on every reload. */
  private TlsContext context(TransportUri where, KeyMaterial key) {
    TlsContextBuilder builder = TlsContext.forServer(key);
    tls.applyTo(builder, where);
    if (mode == Mode.HTTP && tls.alpn.isEmpty()) {
      builder.alpn("http/1.1");
    }
    builder.requireAlpn(requireAlpn);
    sessions.applyTo(builder);
    KeyLogEnvironment.applyTo(builder, tls.provider, io.err());
    if (clientAuth != ClientAuth.NONE && trust != null) {
      builder.trustPem(trust);
    }
    if (clientAuth != ClientAuth.NONE) {
      builder.clientAuth(clientAuth);
    }
    verify.applyTo(builder, trust == null ? null : "--trust");
    if (ocspResponse != null) {
      builder.ocspResponse(ocspResponse);
    }
    return builder.build();
  }

  /** The reload's files, and the OCSP response and verification files, watched too. */
  private List<Path> withVerifyFiles(List<Path> files) {
    List<Path> all = new ArrayList<>(files);
    all.addAll(verify.files());
    if (ocspResponse != null) {
      all.add(ocspResponse);
    }
    return List.copyOf(all);
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
      return DatagramRunner.serve(datagrams, keys, tls, mtu, duration, io);
    }
    Plan plan = prepare();
    return ServerRunner.run(plan, io);
  }
}
