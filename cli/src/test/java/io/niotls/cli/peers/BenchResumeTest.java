package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.cli.Main;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.OpensslServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code niotls bench --resume} against {@code openssl s_server}: it passes when the server
 * resumes, and exits 1, saying so, when the server keeps no sessions ({@code -no_cache -no_ticket})
 * and every handshake is a full one.
 */
class BenchResumeTest {
  private static final Duration RUN = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static Pki pki;

  @BeforeAll
  static void certificates() {
    Peer.require(Peer.OPENSSL);
    pki = Pki.create(dir);
  }

  @ParameterizedTest(name = "s_server {0}")
  @ValueSource(strings = {"resumes", "keeps no sessions"})
  void exitsOneWhenResumptionWasAskedForAndTheServerDidNotResume(String server) throws Exception {
    boolean resumes = server.equals("resumes");
    List<String> options =
        new ArrayList<>(
            List.of("-cert", pki.cert().toString(), "-key", pki.key().toString(), "-tls1_3"));
    if (!resumes) {
      options.addAll(List.of("-no_cache", "-no_ticket"));
    }
    try (OpensslServerProcess sServer =
        OpensslServerProcess.start(dir, 0, options.toArray(new String[0]))) {
      int port = sServer.port();
      try (ChildProcess bench =
          ChildProcess.java(
              Main.class,
              "bench",
              "tls://127.0.0.1:" + port,
              "--trust",
              pki.ca().toString(),
              "--servername",
              Pki.NAME,
              "--resume",
              "--provider",
              "boringssl", // reads the tickets s_server sends after the handshake, then closes
              "-n",
              "40",
              "-c",
              "2",
              "--warmup",
              "0",
              "--no-progress")) {
        int code = bench.waitFor(RUN);
        if (resumes) {
          assertThat(code).as("stderr: %s", bench.err()).isZero();
          assertThat(bench.out()).contains("40 handshakes, 0 failures").contains("40 of 40");
        } else {
          assertThat(code).as("stdout: %s", bench.out()).isEqualTo(1);
          assertThat(bench.err())
              .contains("--resume asked for resumed handshakes, but only 0 of 40 (0%) resumed");
        }
      }
    }
  }
}
