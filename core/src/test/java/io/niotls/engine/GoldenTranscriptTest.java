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
 * The exact statuses {@code handshake()} returns, call after call, when ciphertext moves one byte
 * at a time in both directions: each delivery carries one byte and each transport holds at most one
 * undrained byte, so every flight shows up as WANT_WRITE and every wait as WANT_READ. Consecutive
 * repeats are collapsed ({@link Transcript#collapse}); what is left is the order of the flights,
 * and it depends only on the engine's own provider and protocol, never on the peer's.
 *
 * <p>Read against the protocols: a TLS 1.3 client writes its ClientHello, waits for the
 * ServerHello, writes the middlebox-compatibility ChangeCipherSpec (the JDK; BoringSSL sends none),
 * waits for the server's encrypted flight and writes its Finished. A TLS 1.3 server waits, writes
 * its whole flight, waits for the Finished and writes its NewSessionTickets (BoringSSL holds them
 * back until the first application write; niotls has Netty's engine release them when the handshake
 * ends, so that clients that only handshake can resume). TLS 1.2 takes two round trips. OK comes
 * only once the last flight is written.
 */
class GoldenTranscriptTest {
  private static final Map<String, List<Status>> INLINE_TASKS =
      Map.of(
          "JDK client TLSv1.3",
              List.of(WANT_WRITE, WANT_READ, WANT_WRITE, WANT_READ, WANT_WRITE, OK),
          "OPENSSL client TLSv1.3", List.of(WANT_WRITE, WANT_READ, WANT_WRITE, OK),
          "JDK server TLSv1.3", List.of(WANT_READ, WANT_WRITE, WANT_READ, WANT_WRITE, OK),
          "OPENSSL server TLSv1.3", List.of(WANT_READ, WANT_WRITE, WANT_READ, WANT_WRITE, OK),
          "JDK client TLSv1.2", List.of(WANT_WRITE, WANT_READ, WANT_WRITE, WANT_READ, OK),
          "OPENSSL client TLSv1.2", List.of(WANT_WRITE, WANT_READ, WANT_WRITE, WANT_READ, OK),
          "JDK server TLSv1.2", List.of(WANT_READ, WANT_WRITE, WANT_READ, WANT_WRITE, OK),
          "OPENSSL server TLSv1.2", List.of(WANT_READ, WANT_WRITE, WANT_READ, WANT_WRITE, OK));

  /**
   * With DelegatedTasks.CALLER the tasks show up where the engine meets something to compute or
   * check: the key exchange on the ServerHello, the server's certificate. Where a task falls
   * depends on how the peer packs its messages into records, so these are for same-provider pairs.
   */
  private static final Map<String, List<Status>> CALLER_TASKS =
      Map.of(
          "JDK client TLSv1.3",
          List.of(
              WANT_WRITE, WANT_READ, WANT_TASK, WANT_WRITE, WANT_READ, WANT_TASK, WANT_WRITE, OK),
          "JDK server TLSv1.3",
          List.of(WANT_READ, WANT_TASK, WANT_WRITE, WANT_READ, WANT_WRITE, OK),
          "OPENSSL client TLSv1.3",
          List.of(WANT_WRITE, WANT_READ, WANT_TASK, WANT_WRITE, OK),
          "OPENSSL server TLSv1.3",
          List.of(WANT_READ, WANT_TASK, WANT_WRITE, WANT_READ, WANT_WRITE, OK),
          "JDK client TLSv1.2",
          List.of(WANT_WRITE, WANT_READ, WANT_TASK, WANT_WRITE, WANT_READ, OK),
          "JDK server TLSv1.2",
          List.of(
              WANT_READ, WANT_TASK, WANT_WRITE, WANT_READ, WANT_TASK, WANT_READ, WANT_WRITE, OK),
          "OPENSSL client TLSv1.2",
          List.of(WANT_WRITE, WANT_READ, WANT_TASK, WANT_READ, WANT_WRITE, WANT_READ, OK),
          "OPENSSL server TLSv1.2",
          List.of(WANT_READ, WANT_TASK, WANT_WRITE, WANT_READ, WANT_WRITE, OK));

  static Stream<Arguments> allPairs() {
    return Stream.of(Peers.JDK_JDK, Peers.OPENSSL_OPENSSL, Peers.JDK_OPENSSL, Peers.OPENSSL_JDK)
        .flatMap(peers -> Cases.PROTOCOLS.stream().map(p -> Arguments.of(peers, p)));
  }

  static Stream<Arguments> sameProviderPairs() {
    return Stream.of(Peers.JDK_JDK, Peers.OPENSSL_OPENSSL)
        .flatMap(peers -> Cases.PROTOCOLS.stream().map(p -> Arguments.of(peers, p)));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("allPairs")
  void aHandshakeAtOneByteChunksYieldsTheGoldenTranscript(Peers peers, String protocol) {
    assertTranscripts(peers, protocol, DelegatedTasks.INLINE, INLINE_TASKS);
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("sameProviderPairs")
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

      assertThat(Transcript.collapse(pair.clientTranscript))
          .as("client transcript")
          .containsExactlyElementsOf(golden.get(key(peers.client(), "client", protocol)));
      assertThat(Transcript.collapse(pair.serverTranscript))
          .as("server transcript")
          .containsExactlyElementsOf(golden.get(key(peers.server(), "server", protocol)));
    }
  }

  private static String key(Provider provider, String role, String protocol) {
    return provider + " " + role + " " + protocol;
  }
}
