package io.niotls.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.loop.CloseReason;
import io.niotls.loop.ServerOptions;
import io.niotls.loop.SessionHandler;
import io.niotls.loop.TlsServer;
import io.niotls.loop.TlsSession;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import io.niotls.uri.TransportUri;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The open session's limits ({@code idleTimeout}, {@code maxLifetime}, {@code writeStallTimeout}),
 * as Python's {@code ssl} client sees them: an idle or expired session ends with close_notify
 * ({@code recv} returns {@code b''}; a bare EOF would raise), a busy one is left alone, and a peer
 * that stops reading is cut off.
 */
@Timeout(60)
class SessionLimitsTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);
  private static final String PYTHON = "/usr/bin/python3";

  /** argv: port, mode (quiet | chatty SECONDS | sleepy SECONDS). Prints what it saw, timed. */
  private static final String PYTHON_CLIENT =
      String.join(
          "\n",
          "import socket, ssl, sys, time",
          "ctx = ssl.create_default_context(cafile='ca.pem')",
          "ctx.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF  # Python's default: a bare EOF as b''",
          "raw = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=20)",
          "tls = ctx.wrap_socket(raw, server_hostname='localhost', suppress_ragged_eofs=False)",
          "start = time.monotonic()",
          "print('OPEN', flush=True)",
          "mode = sys.argv[2]",
          "if mode == 'chatty':",
          "    until = start + float(sys.argv[3])",
          "    n = 0",
          "    while time.monotonic() < until:",
          "        line = b'line %d\\n' % n",
          "        tls.sendall(line)",
          "        got = b''",
          "        while len(got) < len(line):",
          "            chunk = tls.recv(4096)",
          "            if not chunk:",
          "                print('END close_notify %.2f' % (time.monotonic() - start), flush=True)",
          "                sys.exit(0)",
          "            got += chunk",
          "        n += 1",
          "        time.sleep(0.1)",
          "    print('ECHOED', n, flush=True)",
          "    tls.unwrap()",
          "    print('END ours', flush=True)",
          "    sys.exit(0)",
          "if mode == 'sleepy':",
          "    time.sleep(float(sys.argv[3]))",
          "total = 0",
          "try:",
          "    while True:",
          "        chunk = tls.recv(65536)",
          "        if not chunk:",
          "            print('END close_notify %.2f after %d bytes' % (time.monotonic() - start,"
              + " total), flush=True)",
          "            break",
          "        total += len(chunk)",
          "except (ssl.SSLError, ConnectionResetError) as e:",
          "    print('END cut off after %d bytes: %s' % (total, e), flush=True)",
          "");

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void anIdleSessionIsClosedWithCloseNotifyAfterTheIdleTimeout(Provider provider) throws Exception {
    Ends ends = new Ends();
    ServerOptions options = ServerOptions.builder().idleTimeout(Duration.ofMillis(600)).build();
    try (TlsServer server = server(provider, options, () -> ends.echo());
        ChildProcess python = python(server, "quiet")) {
      python.await("END", LIMIT);
      double after = seconds(python.out(), "END close_notify ([0-9.]+) after 0 bytes");
      assertThat(after).as("seconds until the close_notify").isBetween(0.5, 3.0);
      assertThat(ends.reason.get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.IDLE);
      awaitClosed(server, CloseReason.IDLE);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aSessionThatKeepsTalkingIsNotIdle(Provider provider) throws Exception {
    Ends ends = new Ends();
    ServerOptions options = ServerOptions.builder().idleTimeout(Duration.ofMillis(600)).build();
    try (TlsServer server = server(provider, options, () -> ends.echo());
        ChildProcess python = python(server, "chatty", "2.0")) {
      python.await("END", LIMIT);
      assertThat(python.out()).contains("END ours").doesNotContain("close_notify");
      assertThat(ends.reason.get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.CLOSE_NOTIFY);
      assertThat(server.stats().closed(CloseReason.IDLE)).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aBusySessionIsClosedWithCloseNotifyAtItsMaximumLifetime(Provider provider) throws Exception {
    Ends ends = new Ends();
    ServerOptions options = ServerOptions.builder().maxLifetime(Duration.ofMillis(800)).build();
    try (TlsServer server = server(provider, options, () -> ends.echo());
        ChildProcess python = python(server, "chatty", "10")) {
      python.await("END", LIMIT);
      double after = seconds(python.out(), "END close_notify ([0-9.]+)");
      assertThat(after).as("seconds until the close_notify").isBetween(0.7, 4.0);
      assertThat(ends.reason.get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.EXPIRED);
      awaitClosed(server, CloseReason.EXPIRED);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aPeerThatStopsReadingIsCutOffAfterTheWriteStallTimeout(Provider provider) throws Exception {
    Ends ends = new Ends();
    ServerOptions options =
        ServerOptions.builder().writeStallTimeout(Duration.ofMillis(500)).build();
    int flood = 32 * 1024 * 1024; // far more than the socket buffers on both ends hold
    try (TlsServer server = server(provider, options, () -> ends.flood(flood));
        ChildProcess python = python(server, "sleepy", "3")) {
      assertThat(ends.reason.get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.STALLED);
      assertThat(ends.cause.get()).contains("writeStallTimeout").contains("stopped reading");
      python.await("END", LIMIT);
      long got = Long.parseLong(match(python.out(), "END cut off after (\\d+) bytes"));
      // no close_notify: the peer must not take a session that lost data for a clean end
      assertThat(python.out()).containsPattern("UNEXPECTED_EOF|Connection reset");
      assertThat(got).as("bytes the sleeper read afterwards").isLessThan(flood);
      awaitClosed(server, CloseReason.STALLED);
    }
  }

  /** How the server's one session ended. */
  private static final class Ends {
    final CompletableFuture<CloseReason> reason = new CompletableFuture<>();
    final CompletableFuture<String> cause = new CompletableFuture<>();

    SessionHandler echo() {
      return new SessionHandler() {
        @Override
        public void onData(TlsSession s, ByteBuffer data) {
          s.write(data);
        }

        @Override
        public void onClosed(TlsSession s, CloseReason why, Throwable failure) {
          ended(why, failure);
        }
      };
    }

    /** Writes {@code total} bytes as fast as the peer takes them. */
    SessionHandler flood(int total) {
      return new SessionHandler() {
        private int sent;

        @Override
        public void onOpen(TlsSession s) {
          onWritable(s);
        }

        @Override
        public void onWritable(TlsSession s) {
          while (sent < total && s.write(ByteBuffer.allocate(64 * 1024))) {
            sent += 64 * 1024;
          }
        }

        @Override
        public void onClosed(TlsSession s, CloseReason why, Throwable failure) {
          ended(why, failure);
        }
      };
    }

    private void ended(CloseReason why, Throwable failure) {
      cause.complete(failure == null ? "" : failure.getMessage());
      reason.complete(why);
    }
  }

  private TlsServer server(
      Provider provider, ServerOptions options, Supplier<SessionHandler> handlers)
      throws Exception {
    TlsContext context = Contexts.server(provider, KeyType.EC_P256).build();
    return TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), context, handlers, options);
  }

  private ChildProcess python(TlsServer server, String... mode) throws Exception {
    TestPki.of(KeyType.EC_P256).ca().writeCertificatePem(dir.resolve("ca.pem"));
    Files.writeString(dir.resolve("client.py"), PYTHON_CLIENT);
    String[] command = new String[4 + mode.length];
    command[0] = PYTHON;
    command[1] = "-u";
    command[2] = "client.py";
    command[3] = Integer.toString(server.localAddress().getPort());
    System.arraycopy(mode, 0, command, 4, mode.length);
    ChildProcess python = ChildProcess.inDirectory(dir, command);
    python.await("OPEN", LIMIT);
    return python;
  }

  /** The ledger counts a close just after the handler hears of it. */
  private static void awaitClosed(TlsServer server, CloseReason reason) throws Exception {
    long end = System.nanoTime() + LIMIT.toNanos();
    while (server.stats().closed(reason) == 0 && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(server.stats().closed(reason)).as("sessions closed %s", reason).isEqualTo(1);
  }

  private static double seconds(String output, String pattern) {
    return Double.parseDouble(match(output, pattern));
  }

  private static String match(String output, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(output);
    assertThat(m.find()).as("python said: %s", output).isTrue();
    return m.group(1);
  }
}
