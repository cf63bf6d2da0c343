package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Plaintext sessions upgraded in place with startTls(), SMTP style, and the STARTTLS command
 * injection of CVE-2011-0411 refused on both sides.
 */
class StartTlsTest {
  private static final long LIMIT = 20;

  /** The client half: EHLO, STARTTLS, EHLO again over TLS, QUIT. */
  static final class SmtpClient extends LineHandler {
    private final TlsContext context;

    /** What the session said when it opened, before the dialogue (on the loop) moves on. */
    volatile boolean plaintextAtOpen;

    SmtpClient(TlsContext context) {
      this.context = context;
    }

    @Override
    public void onOpen(TlsSession session) {
      plaintextAtOpen = session.info() == null;
      super.onOpen(session);
    }

    @Override
    void onLine(TlsSession session, String line) {
      if (line.startsWith("220 niotls")) {
        send(session, "EHLO client");
      } else if (line.equals("250 STARTTLS")) {
        send(session, "STARTTLS");
      } else if (line.startsWith("220 Ready")) {
        upgrade(session, context).thenAccept(s -> send(s, "EHLO client"));
      } else if (line.equals("250 SIZE 1000")) {
        send(session, "QUIT");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aPlaintextSmtpDialogueUpgradesToTlsOnBothSides(Provider provider) throws Exception {
    TlsContext serverContext = Contexts.server(provider, KeyType.EC_P256).build();
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).build();
    LinkedBlockingQueue<SmtpServer> servers = new LinkedBlockingQueue<>();
    try (TlsServer server = smtpServer(serverContext, servers);
        TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      SmtpClient smtp = new SmtpClient(clientContext);
      TlsSession session =
          client
              .connect(TransportUri.parse("tcp://localhost:" + server.uri().port()), null, smtp)
              .get(LIMIT, TimeUnit.SECONDS);
      // read in onOpen: by the time get() returns here the loop may have upgraded already
      assertThat(smtp.plaintextAtOpen).as("plaintext until STARTTLS").isTrue();

      assertThat(smtp.closed.get(LIMIT, TimeUnit.SECONDS).reason())
          .isEqualTo(CloseReason.CLOSE_NOTIFY);
      assertThat(List.copyOf(smtp.lines))
          .containsExactly(
              "220 niotls ESMTP",
              "250-niotls",
              "250 STARTTLS",
              "220 Ready to start TLS",
              "250-niotls",
              "250 SIZE 1000",
              "221 Bye");
      assertThat(session.info().protocol()).isEqualTo("TLSv1.3");
      assertThat(session.info().serverName()).isEqualTo("localhost");
      SmtpServer smtpServer = servers.poll(LIMIT, TimeUnit.SECONDS);
      TlsSession serverSide = smtpServer.upgraded.get(LIMIT, TimeUnit.SECONDS);
      assertThat(serverSide.info().serverName()).isEqualTo("localhost");
      assertThat(List.copyOf(smtpServer.lines))
          .containsExactly("EHLO client", "STARTTLS", "EHLO client", "QUIT");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aCommandSentInThePacketOfStartTlsIsRefusedAsInjection(Provider provider) throws Exception {
    TlsContext serverContext = Contexts.server(provider, KeyType.EC_P256).build();
    LinkedBlockingQueue<SmtpServer> servers = new LinkedBlockingQueue<>();
    try (TlsServer server = smtpServer(serverContext, servers);
        Socket attacker = new Socket(InetAddress.getLoopbackAddress(), server.uri().port())) {
      BufferedReader in = reader(attacker);
      OutputStream out = attacker.getOutputStream();
      assertThat(in.readLine()).isEqualTo("220 niotls ESMTP");
      out.write("STARTTLS\r\nMAIL FROM:<evil@example.com>\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();

      SmtpServer smtp = servers.poll(LIMIT, TimeUnit.SECONDS);
      Recorder.Closed closed = smtp.closed.get(LIMIT, TimeUnit.SECONDS);
      assertThat(closed.reason()).isEqualTo(CloseReason.ERROR);
      assertThat(closed.cause()).hasMessageContaining("CVE-2011-0411");
      assertThat(List.copyOf(smtp.lines)).containsExactly("STARTTLS");
      assertThatThrownBy(() -> smtp.upgraded.get(LIMIT, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("CVE-2011-0411");
      assertThat(readToEnd(in)).as("the connection is closed").doesNotContain("250");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void plaintextSentAfterStartTlsInsteadOfAClientHelloIsRefused(Provider provider)
      throws Exception {
    TlsContext serverContext = Contexts.server(provider, KeyType.EC_P256).build();
    LinkedBlockingQueue<SmtpServer> servers = new LinkedBlockingQueue<>();
    try (TlsServer server = smtpServer(serverContext, servers);
        Socket attacker = new Socket(InetAddress.getLoopbackAddress(), server.uri().port())) {
      BufferedReader in = reader(attacker);
      OutputStream out = attacker.getOutputStream();
      assertThat(in.readLine()).isEqualTo("220 niotls ESMTP");
      out.write("STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(in.readLine()).isEqualTo("220 Ready to start TLS");
      out.write("MAIL FROM:<evil@example.com>\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();

      SmtpServer smtp = servers.poll(LIMIT, TimeUnit.SECONDS);
      Recorder.Closed closed = smtp.closed.get(LIMIT, TimeUnit.SECONDS);
      assertThat(closed.reason()).isEqualTo(CloseReason.ERROR);
      assertThat(closed.cause())
          .hasMessageContaining("CVE-2011-0411")
          .hasMessageContaining("before the first TLS record");
      assertThat(List.copyOf(smtp.lines)).containsExactly("STARTTLS");
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aClientRefusesAResponseInjectedAfterTheServersReady(Provider provider) throws Exception {
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).build();
    try (ServerSocket evil = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      CompletableFuture<List<String>> seen =
          CompletableFuture.supplyAsync(
              () -> {
                List<String> lines = new ArrayList<>();
                try (Socket s = evil.accept()) {
                  BufferedReader in = reader(s);
                  OutputStream out = s.getOutputStream();
                  out.write(
                      "220 niotls ESMTP\r\n250 STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                    if (line.equals("STARTTLS")) {
                      out.write(
                          "220 Ready to start TLS\r\n250 injected\r\n"
                              .getBytes(StandardCharsets.US_ASCII));
                    }
                  }
                } catch (java.io.IOException e) {
                  lines.add("(" + e + ")");
                }
                return lines;
              });
      SmtpClient smtp = new SmtpClient(clientContext);
      client.connect(TransportUri.parse("tcp://127.0.0.1:" + evil.getLocalPort()), null, smtp);

      Recorder.Closed closed = smtp.closed.get(LIMIT, TimeUnit.SECONDS);
      assertThat(closed.reason()).isEqualTo(CloseReason.ERROR);
      assertThat(closed.cause()).hasMessageContaining("CVE-2011-0411");
      assertThat(List.copyOf(smtp.lines)).doesNotContain("250 injected");
      assertThat(seen.get(LIMIT, TimeUnit.SECONDS))
          .as("no ClientHello follows the refusal: the server only saw the commands")
          .allMatch(line -> line.equals("EHLO client") || line.equals("STARTTLS"));
    }
  }

  private static TlsServer smtpServer(TlsContext context, LinkedBlockingQueue<SmtpServer> made)
      throws java.io.IOException {
    return TlsServer.bind(
        TransportUri.parse("tcp://127.0.0.1:0"),
        null,
        () -> {
          SmtpServer handler = new SmtpServer(context);
          made.add(handler);
          return handler;
        },
        ServerOptions.builder().loopCount(1).build());
  }

  private static BufferedReader reader(Socket socket) throws java.io.IOException {
    socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(LIMIT));
    return new BufferedReader(
        new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
  }

  private static String readToEnd(BufferedReader in) {
    StringBuilder all = new StringBuilder();
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        all.append(line).append('\n');
      }
    } catch (java.io.IOException reset) {
      // a reset ends the stream as well
    }
    return all.toString();
  }
}
