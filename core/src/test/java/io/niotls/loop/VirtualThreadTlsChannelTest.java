package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import io.niotls.uri.TransportUri;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Ten thousand concurrent TLS echo connections on a thread-per-connection server of virtual
 * threads, each a blocking {@link io.niotls.channel.TlsChannel} ({@link VirtualThreadEchoServer},
 * in a JVM of Java 21 or later; the clients, {@link LoadClient}, in another): all open at once, all
 * echo, all close cleanly, no failure, and JFR reports no virtual thread pinned to its carrier
 * while they ran (the server proves at start that a pin would be seen).
 *
 * <p>Core is Java 17 code, so when this test runs on Java 17 the server runs on the newest JDK
 * under {@code /usr/lib/jvm} (CI's machines carry Temurin 25), or the one {@code
 * -Dniotls.virtualThreadsJava=/path/to/bin/java} names.
 */
class VirtualThreadTlsChannelTest {
  private static final int SESSIONS = 10_000;
  private static final int WARM_UP = 64;
  private static final int IN_FLIGHT = 256;
  private static final int PAYLOAD = 1024;
  private static final Duration STEP = Duration.ofMinutes(3);

  @Test
  void tenThousandBlockingChannelsOnVirtualThreadsEchoWithoutPinningACarrier() throws Exception {
    Descriptors.requireRoom(512, "the test's own sockets");
    Path java = java21();
    Path ca = Files.createTempFile("niotls-ca", ".pem");
    Path cert = Files.createTempFile("niotls-server", ".pem");
    Path key = Files.createTempFile("niotls-server", ".key");
    TestPki pki = TestPki.of(KeyType.EC_P256);
    pki.ca().writeCertificatePem(ca);
    pki.server().writeCertificatePem(cert);
    pki.server().writePrivateKeyPem(key);
    // The server runs the JDK provider: pure Java, no native frame under a handshake. (Netty's
    // OpenSSL engine calls up from BoringSSL into the key manager, whose synchronized map then
    // pins a virtual thread that contends for it.)
    List<String> command =
        new ArrayList<>(
            ChildProcess.javaCommand(
                List.of("-Xss256k"),
                VirtualThreadEchoServer.class.getName(),
                "JDK",
                cert.toString(),
                key.toString()));
    command.set(0, java.toString());
    String opened;
    String echoedIn;
    try (ChildProcess server = ChildProcess.start(new ProcessBuilder(command))) {
      assertThat(server.nextLine(STEP))
          .as("the pin detector saw the deliberate pin")
          .isEqualTo("DETECTOR 1");
      String listening = server.nextLine(STEP);
      assertThat(listening).startsWith("LISTENING ");
      String uri = "tls://127.0.0.1:" + listening.substring("LISTENING ".length());
      int warmUpPins = warmUp(server, uri);

      try (ChildProcess clients =
          ChildProcess.java(
              LoadClient.class,
              uri,
              ca.toString(),
              Provider.OPENSSL.name(),
              Integer.toString(SESSIONS),
              Integer.toString(IN_FLIGHT),
              Integer.toString(PAYLOAD))) {
        opened = LoadClient.expect(clients, "OPEN", SESSIONS)[2];
        String[] open = stats(server);
        assertThat(open[1]).as("server threads holding a connection").isEqualTo("" + SESSIONS);

        clients.sendLine("ECHO");
        echoedIn = LoadClient.expect(clients, "ECHOED", SESSIONS)[2];

        clients.sendLine("CLOSE");
        LoadClient.expect(clients, "CLOSED", -1);
        assertThat(clients.waitFor(STEP)).as("client JVM exit code").isZero();
      }
      String[] done = awaitServed(server);
      String first = String.join(" ", Arrays.copyOfRange(done, 7, done.length));
      assertThat(done[3]).as("failed connections; %s", first).isEqualTo("0");
      assertThat(done[4])
          .as("virtual threads pinned outside class loading; %s", first)
          .isEqualTo("0");
      assertThat(done[5]).as("every connection on a virtual thread").isEqualTo("true");
      System.out.printf(
          "%d TlsChannel connections on virtual threads (%s): opened in %s ms, all echoed %d B"
              + " in %s ms; 0 pins in I/O (%d during the warm-up's first use, %s in class loading or initialization after)%n",
          SESSIONS, java, opened, PAYLOAD, echoedIn, warmUpPins, done[6]);
    } finally {
      Files.deleteIfExists(ca);
      Files.deleteIfExists(cert);
      Files.deleteIfExists(key);
    }
  }

  /**
   * Runs every class of the server's I/O path once, with a few connections at a time: a virtual
   * thread that finds a class being initialized by another waits pinned (the JVM's class init lock,
   * Java 25 too), which is start-up, not I/O. Returns the pins seen, then set aside.
   */
  private static int warmUp(ChildProcess server, String uri) throws Exception {
    TlsContext client = Contexts.client(Provider.OPENSSL, KeyType.EC_P256).build();
    try (TlsClient clients = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      List<Exchange> round = new ArrayList<>();
      for (int i = 0; i < WARM_UP; i++) {
        Exchange exchange = new Exchange(new byte[PAYLOAD]);
        clients.connect(TransportUri.parse(uri), client, exchange);
        round.add(exchange);
      }
      for (Exchange exchange : round) {
        exchange.result.get(STEP.toSeconds(), TimeUnit.SECONDS);
      }
    }
    server.sendLine("MARK");
    String marked = server.awaitLine(l -> l.startsWith("MARKED "), STEP);
    return Integer.parseInt(marked.substring("MARKED ".length()));
  }

  /** Waits until every connection has ended on the server; returns its last STATS line. */
  private static String[] awaitServed(ChildProcess server) throws Exception {
    long end = System.nanoTime() + STEP.toNanos();
    int total = SESSIONS + WARM_UP;
    while (true) {
      String[] s = stats(server);
      if (s[2].equals("" + total) || System.nanoTime() > end) {
        assertThat(s[2]).as("connections served to their close_notify").isEqualTo("" + total);
        return s;
      }
      Thread.sleep(200);
    }
  }

  /** The server's STATS line's words, then the words of the FIRST line that follows it. */
  private static String[] stats(ChildProcess server) throws Exception {
    server.sendLine("STATS");
    String line = server.awaitLine(l -> l.startsWith("STATS "), STEP);
    String first = server.awaitLine(l -> l.startsWith("FIRST "), STEP);
    return (line + " " + first).split(" ");
  }

  /** A java binary of release 21 or later: this one, the named one, or the newest installed. */
  private static Path java21() throws IOException {
    String named = System.getProperty("niotls.virtualThreadsJava");
    if (named != null) {
      return Path.of(named);
    }
    if (Runtime.version().feature() >= 21) {
      return Path.of(System.getProperty("java.home"), "bin", "java");
    }
    Path jvms = Path.of("/usr/lib/jvm");
    Optional<Path> newest = Optional.empty();
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> homes = Files.list(jvms)) {
        newest =
            homes
                .filter(home -> release(home) >= 21)
                .filter(home -> Files.isExecutable(home.resolve("bin/java")))
                .max(Comparator.comparingInt(VirtualThreadTlsChannelTest::release));
      }
    }
    return newest
        .map(home -> home.resolve("bin/java"))
        .orElseThrow(
            () ->
                new AssertionError(
                    "virtual threads need Java 21 or later, and none is under /usr/lib/jvm: install"
                        + " one, or name its bin/java with -Dniotls.virtualThreadsJava=PATH"));
  }

  /** The JAVA_VERSION feature number in a JDK's release file; 0 when there is none. */
  private static int release(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=\"")) {
          String v = line.substring("JAVA_VERSION=\"".length());
          return Integer.parseInt(v.split("[.\"]")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not a JDK home
    }
    return 0;
  }
}
