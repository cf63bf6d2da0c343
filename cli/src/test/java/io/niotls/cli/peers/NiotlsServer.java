package io.niotls.cli.peers;

import io.niotls.cli.Listening;
import io.niotls.cli.Main;
import io.niotls.testing.ChildProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@code niotls server} process with a {@link Pki}'s certificate and a chosen provider. It starts
 * at once and is waited for on the first {@link #port()}, so several can start side by side. {@link
 * #close()} destroys it.
 */
final class NiotlsServer implements AutoCloseable {
  /** A JVM start, and the OpenSSL provider's native library load, on a busy two-core machine. */
  static final Duration START = Duration.ofSeconds(60);

  private final ChildProcess process;
  private final String provider;
  private Listening listening;

  private NiotlsServer(ChildProcess process, String provider) {
    this.process = process;
    this.provider = provider;
  }

  /**
   * One server per provider ({@code jdk}, {@code openssl}), each started as {@link #start} does.
   */
  static Map<String, NiotlsServer> onEachProvider(Pki pki, String uri, String... more)
      throws Exception {
    Map<String, NiotlsServer> servers = new TreeMap<>();
    for (String provider : new String[] {"jdk", "openssl"}) {
      servers.put(provider, start(pki, provider, uri, more));
    }
    return servers;
  }

  /** Stops every server of {@link #onEachProvider}. */
  static void closeAll(Map<String, NiotlsServer> servers) throws InterruptedException {
    for (NiotlsServer server : servers.values()) {
      server.close();
    }
  }

  /**
   * {@code niotls server URI --cert .. --key .. --provider PROVIDER MORE...}.
   *
   * @param provider jdk or openssl
   */
  static NiotlsServer start(Pki pki, String provider, String uri, String... more)
      throws IOException {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "server",
            uri,
            "--cert",
            pki.cert().toString(),
            "--key",
            pki.key().toString(),
            "--provider",
            provider));
    args.addAll(List.of(more));
    return new NiotlsServer(ChildProcess.java(Main.class, args.toArray(new String[0])), provider);
  }

  /** The port from its listening line, waiting for that line on the first call. */
  synchronized int port() throws InterruptedException {
    if (listening == null) {
      listening = Listening.parse(process.nextLine(START));
    }
    return listening.port();
  }

  String provider() {
    return provider;
  }

  ChildProcess process() {
    return process;
  }

  /**
   * Waits for a server started with {@code --max-connections} to stop by itself, and returns its
   * final stderr line taken apart.
   */
  Stopped awaitStopped(Duration timeout) throws InterruptedException {
    int code = process.waitFor(timeout);
    if (code != 0) {
      throw new AssertionError("niotls server exited with " + code + "; stderr: " + process.err());
    }
    return Stopped.parse(process.err());
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
