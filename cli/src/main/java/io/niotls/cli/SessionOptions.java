package io.niotls.cli;

import io.niotls.context.TlsContextBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * A server's session options: ticket keys a fleet shares, tickets off, the session cache's size and
 * lifetime. The ticket key files are read again on every reload (SIGHUP, {@code
 * --reload-on-change}), which is how keys are rotated.
 */
public final class SessionOptions {
  @Option(
      names = "--ticket-keys",
      paramLabel = "FILE",
      description =
          "a 48-byte session ticket key (nginx's format; make one with openssl rand 48 > FILE);"
              + " repeat for rotation: the first encrypts new tickets, all decrypt. Servers given"
              + " the same files resume each other's sessions. Read again on reload. BORINGSSL"
              + " and OPENSSL providers only")
  List<Path> ticketKeys = new ArrayList<>();

  @Option(
      names = "--no-tickets",
      description =
          "issue no session tickets: TLS 1.3 clients cannot resume, TLS 1.2 clients only by"
              + " session ID from this server's cache. BORINGSSL and OPENSSL providers only")
  boolean noTickets;

  @Option(
      names = "--session-cache-size",
      paramLabel = "N",
      description = "how many TLS 1.2 sessions the server's session-ID cache keeps")
  Integer cacheSize;

  @Option(
      names = "--session-timeout",
      paramLabel = "DURATION",
      converter = Durations.class,
      description =
          "how long a session may be resumed: 5m, 2h (whole seconds; see the library's"
              + " sessionTimeout for where each provider holds to it)")
  Duration timeout;

  /** Whether any session option was given. */
  boolean given() {
    return !ticketKeys.isEmpty() || noTickets || cacheSize != null || timeout != null;
  }

  /** The files a reload reads again: the ticket keys. */
  List<Path> files() {
    return List.copyOf(ticketKeys);
  }

  /**
   * Applies the options, reading the ticket key files now.
   *
   * @throws CliException for options that contradict each other
   */
  TlsContextBuilder applyTo(TlsContextBuilder builder) {
    if (noTickets && !ticketKeys.isEmpty()) {
      throw CliException.usage(
          "--no-tickets and --ticket-keys contradict each other: keys are for tickets");
    }
    if (!ticketKeys.isEmpty()) {
      builder.ticketKeys(ticketKeys.toArray(new Path[0]));
    }
    if (noTickets) {
      builder.sessionTickets(false);
    }
    if (cacheSize != null) {
      builder.sessionCacheSize(cacheSize);
    }
    if (timeout != null) {
      builder.sessionTimeout(timeout);
    }
    return builder;
  }
}
