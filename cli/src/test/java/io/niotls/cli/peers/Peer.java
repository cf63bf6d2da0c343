package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.testing.ChildProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A program we did not write that judges niotls in this package's tests, with the command that
 * prints its version and the Debian package that installs it. {@link #require} prints every peer
 * and its version once per test run, and fails (never skips) a test class whose peers are missing.
 */
enum Peer {
  CURL("curl", "curl", "curl", "--version"),
  OPENSSL("openssl", "openssl", "openssl", "version"),
  SOCAT("socat", "socat", "socat", "-V"),
  GNUTLS_CLI("gnutls-cli", "gnutls-bin", "gnutls-cli", "--version"),
  GNUTLS_SERV("gnutls-serv", "gnutls-bin", "gnutls-serv", "--version"),
  // the system's Python by its absolute path: a pyenv or venv shim on PATH may lack ssl or differ
  PYTHON("python3", "python3", "/usr/bin/python3", "--version");

  private static final Pattern VERSION = Pattern.compile("[0-9]+\\.[0-9]+");
  private static Map<Peer, String> versions;

  private final String name;
  private final String debianPackage;
  private final String[] versionCommand;

  Peer(String name, String debianPackage, String... versionCommand) {
    this.name = name;
    this.debianPackage = debianPackage;
    this.versionCommand = versionCommand;
  }

  /** The program to run: a name looked up on PATH, or an absolute path. */
  String command() {
    return versionCommand[0];
  }

  /**
   * Fails with a message naming the Debian packages to install when any of {@code peers} is
   * missing. The first call prints a table of every peer and its version to stdout.
   */
  static synchronized void require(Peer... peers) {
    if (versions == null) {
      versions = new EnumMap<>(Peer.class);
      for (Peer peer : values()) {
        versions.put(peer, peer.version());
      }
      System.out.println(table(versions));
    }
    List<String> missing = new ArrayList<>();
    for (Peer peer : peers) {
      if (versions.get(peer) == null) {
        missing.add(peer.name + " (Debian package " + peer.debianPackage + ")");
      }
    }
    assertThat(missing)
        .as(
            "peers this test drives are not installed: %s; install them, e.g. sudo apt-get install"
                + " the packages named (.ci/run does this on a fresh machine)",
            missing)
        .isEmpty();
  }

  /** The first line of the version output that names a version, or null when not installed. */
  private String version() {
    try (ChildProcess process =
        ChildProcess.start(new ProcessBuilder(versionCommand).redirectErrorStream(true))) {
      process.endInput();
      String said = process.waitFor(Duration.ofSeconds(10)) == 0 ? process.out() : "";
      List<String> lines = said.lines().toList();
      if (lines.isEmpty()) {
        return null;
      }
      // socat -V starts with a line of credits; its version is on a later line
      return lines.stream().filter(l -> VERSION.matcher(l).find()).findFirst().orElse(lines.get(0));
    } catch (IOException | AssertionError notInstalledOrHung) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static String table(Map<Peer, String> versions) {
    StringBuilder b = new StringBuilder("peers judging niotls:\n");
    versions.forEach(
        (peer, version) ->
            b.append(
                String.format(
                    "  %-12s %s%n",
                    peer.name,
                    version != null
                        ? version.strip()
                        : "MISSING: install the Debian package " + peer.debianPackage)));
    return b.toString();
  }
}
