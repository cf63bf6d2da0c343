package io.niotls.engine;

import static io.niotls.engine.Status.OK;
import static io.niotls.engine.Status.WANT_READ;
import static io.niotls.engine.Status.WANT_TASK;
import static io.niotls.engine.Status.WANT_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.DelegatedTasks;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Chunks;
import io.niotls.testing.MemoryPair;
import io.niotls.testing.Peers;
import io.niotls.testing.Transcript;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link GoldenTranscriptTest}'s exact handshake statuses, one byte at a time, for BoringSSL driven
 * directly (BORINGSSL), against itself, the JDK and Netty's engine: the transcript depends only on
 * the engine's own provider and protocol. Unlike Netty's engine, a TLS 1.3 server ends with a
 * WANT_WRITE: its NewSessionTickets go out with the handshake. With CALLER tasks the trust check (a
 * client's) and the choice of our certificate (a server's) are the tasks.
 */
class BoringSslGoldenTranscriptTest {
  private static final Map<String, List<Status>> INLINE_TASKS =
      Map.of(
          "client TLSv1.3", List.of(WANT_WRITE, WANT_READ, WANT_WRITE, OK),
          "server TLSv1.3", List.of(WANT_READ, WANT_WRITE, WANT_READ, WANT_WRITE, OK),
          "client TLSv1.2", List.of(WANT_WRITE, WANT_READ, WANT_WRITE, WANT_READ, OK),
          "server TLSv1.2", List.of(WANT_READ, WANT_WRITE, WANT_READ, WANT_WRITE, OK));

  private static final Map<String, List<Status>> CALLER_TASKS =
      Map.of(
          "client TLSv1.3",
          List.of(WANT_WRITE, WANT_READ, WANT_TASK, WANT_WRITE, OK),
          "server TLSv1.3",
          List.of(WANT_READ, WANT_TASK, WANT_WRITE, WANT_READ, WANT_WRITE, OK),
          "client TLSv1.2",
          List.of(WANT_WRITE, WANT_READ, WANT_TASK, WANT_READ, WANT_WRITE, WANT_READ, OK),
          "server TLSv1.2",
          List.of(WANT_READ, WANT_TASK, WANT_WRITE, WANT_READ, WANT_WRITE, OK));

  static Stream<Arguments> pairs() {
    return Stream.of(
            new Peers(Provider.BORINGSSL, Provider.BORINGSSL),
            new Peers(Provider.BORINGSSL, Provider.JDK),
            new Peers(Provider.JDK, Provider.BORINGSSL),
            new Peers(Provider.BORINGSSL, Provider.OPENSSL),
            new Peers(Provider.OPENSSL, Provider.BORINGSSL))
        .flatMap(peers -> Cases.PROTOCOLS.stream().map(p -> Arguments.of(peers, p)));
  }

  static Stream<Arguments> directOnBothSides() {
    return Cases.PROTOCOLS.stream()
        .map(p -> Arguments.of(new Peers(Provider.BORINGSSL, Provider.BORINGSSL), p));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("pairs")
  void aHandshakeAtOneByteChunksYieldsTheGoldenTranscript(Peers peers, String protocol) {
    assertTranscripts(peers, protocol, DelegatedTasks.INLINE, INLINE_TASKS);
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("directOnBothSides")
  void withCallerTasksTheTranscriptShowsWhereEachTaskFalls(Peers peers, String protocol) {
    assertTranscripts(peers, protocol, DelegatedTasks.CALLER, CALLER_TASKS);
  }

  private static void assertTranscripts(
      Peers peers, String protocol, DelegatedTasks tasks, Map<String, List<Status>> golden) {
    TlsContext client = peers.clientContext(protocol).delegatedTasks(tasks).build();
    TlsContext server = peers.serverContext(protocol).delegatedTasks(tasks).build();
    try (MemoryPair pair =
        MemoryPair.builder(client, server).chunks(Chunks.oneByte()).outboundLimit(1).build()) {
      pair.handshake();

      if (peers.client() == Provider.BORINGSSL) {
        assertThat(Transcript.collapse(pair.clientTranscript))
            .as("client transcript")
            .containsExactlyElementsOf(golden.get("client " + protocol));
      }
      if (peers.server() == Provider.BORINGSSL) {
        assertThat(Transcript.collapse(pair.serverTranscript))
            .as("server transcript")
            .containsExactlyElementsOf(golden.get("server " + protocol));
      }
    }
  }
}
