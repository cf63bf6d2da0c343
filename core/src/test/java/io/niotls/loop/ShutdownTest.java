package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Graceful shutdown: close_notify to every session, then no thread and no socket left. */
class ShutdownTest {
  private static final int SESSIONS = 5;

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void shuttingDownLeavesNoLoopThreadAndNoOpenSocket(Provider provider) throws Exception {
    runServerAndClients(provider); // loads classes and opens the JDK's lazily opened files first
    int before = openFileDescriptors();

    runServerAndClients(provider);

    assertThat(niotlsThreads()).as("threads left behind").isEmpty();
    assertThat(openFileDescriptors()).as("open file descriptors").isEqualTo(before);
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aServerShuttingDownSendsCloseNotifyToEverySession(Provider provider) throws Exception {
    Outcome outcome = runServerAndClients(provider);
    assertThat(outcome.clientSide()).containsOnly(CloseReason.CLOSE_NOTIFY).hasSize(SESSIONS);
    assertThat(outcome.serverSide()).containsOnly(CloseReason.LOCAL).hasSize(SESSIONS);
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void closingASharedGroupClosesItsServersSessionsAndListener(Provider provider) throws Exception {
    TlsContext serverContext = Contexts.server(provider, KeyType.EC_P256).build();
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).build();
    Handlers<Recorder> handlers = new Handlers<>(Recorder::new);
    List<Recorder> clients = new ArrayList<>();
    TlsEventLoopGroup group = TlsEventLoopGroup.create(2);
    int port;
    try {
      TlsServer server =
          TlsServer.bind(
              TransportUri.parse("tls://127.0.0.1:0"),
              serverContext,
              handlers,
              ServerOptions.builder().loops(group).build());
      port = server.uri().port();
      TlsClient client = TlsClient.create(ClientOptions.builder().loops(group).build());
      for (int i = 0; i < SESSIONS; i++) {
        Recorder recorder = new Recorder();
        clients.add(recorder);
        client.connect(server.uri(), clientContext, recorder).get(20, TimeUnit.SECONDS);
      }
    } finally {
      group.close();
    }
    for (Recorder r : clients) {
      assertThat(r.closed).isDone();
    }
    assertThat(handlers.made).allMatch(r -> r.closed.isDone()).hasSize(SESSIONS);
    assertThat(niotlsThreads()).isEmpty();
    try (java.net.Socket probe = new java.net.Socket()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> probe.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000))
          .as("nothing listens any more")
          .isInstanceOf(java.net.ConnectException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aPeerThatNeverAnswersCloseNotifyHoldsShutdownOnlyForTheCloseTimeout(Provider provider)
      throws Exception {
    Duration closeTimeout = Duration.ofMillis(300);
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256).closeTimeout(closeTimeout).build();
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).build();
    Handlers<Recorder> handlers = new Handlers<>(Recorder::new);
    try (TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      TlsServer server =
          TlsServer.bind(
              TransportUri.parse("tls://127.0.0.1:0"),
              serverContext,
              handlers,
              ServerOptions.builder().loopCount(1).build());
      TlsSession deaf =
          client.connect(server.uri(), clientContext, new Recorder()).get(20, TimeUnit.SECONDS);
      deaf.setAutoRead(false); // it will not read, so it never sees nor answers close_notify
      Recorder serverSide = handlers.made.poll(20, TimeUnit.SECONDS);
      serverSide.opened.get(20, TimeUnit.SECONDS);

      long start = System.nanoTime();
      server.close();
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).isGreaterThanOrEqualTo(closeTimeout.minusMillis(50));
      assertThat(took).isLessThan(Duration.ofSeconds(3));
      assertThat(serverSide.closed.get(5, TimeUnit.SECONDS).reason()).isEqualTo(CloseReason.LOCAL);
    }
  }

  record Outcome(List<CloseReason> clientSide, List<CloseReason> serverSide) {}

  /** Opens sessions, shuts the server down, then the client; returns how each session ended. */
  private static Outcome runServerAndClients(Provider provider) throws Exception {
    TlsContext serverContext = Contexts.server(provider, KeyType.EC_P256).build();
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).build();
    Handlers<Recorder> handlers = new Handlers<>(Recorder::new);
    List<Recorder> clients = new ArrayList<>();
    TlsServer server =
        TlsServer.bind(
            TransportUri.parse("tls://127.0.0.1:0"),
            serverContext,
            handlers,
            ServerOptions.builder().loopCount(2).build());
    TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(2).build());
    try {
      for (int i = 0; i < SESSIONS; i++) {
        Recorder recorder = new Recorder();
        clients.add(recorder);
        client.connect(server.uri(), clientContext, recorder).get(20, TimeUnit.SECONDS);
      }
    } finally {
      server.close();
      client.close();
    }
    List<CloseReason> clientSide = new ArrayList<>();
    for (Recorder r : clients) {
      clientSide.add(r.closed.get(5, TimeUnit.SECONDS).reason());
    }
    List<CloseReason> serverSide = new ArrayList<>();
    for (Recorder r : handlers.made) {
      serverSide.add(r.closed.get(5, TimeUnit.SECONDS).reason());
    }
    return new Outcome(clientSide, serverSide);
  }

  private static List<String> niotlsThreads() {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith("niotls-")) {
        names.add(t.getName());
      }
    }
    return names;
  }

  private static int openFileDescriptors() {
    String[] fds = new File("/proc/self/fd").list();
    assertThat(fds).as("/proc/self/fd is readable (Linux)").isNotNull();
    return fds.length;
  }
}
