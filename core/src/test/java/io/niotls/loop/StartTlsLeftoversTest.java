package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Nothing from the plaintext phase of a STARTTLS session reaches its handler once the upgrade has
 * begun: not plaintext a server sends after its {@code 220} in a later packet, not a partial line
 * left behind the {@code 220} or the {@code STARTTLS} command (which a line buffer would otherwise
 * carry into the TLS phase). Each closes the session as the command injection of CVE-2011-0411.
 * What {@link StartTlsTest} already covers (whole commands pipelined after STARTTLS, plaintext
 * instead of a ClientHello, a whole response line after the 220) is not repeated here.
 */
class StartTlsLeftoversTest {
  private static final long LIMIT = 20;

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aClientRefusesPlaintextTheServerSendsAfterItsReadyInALaterPacket(Provider provider)
      throws Exception {
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).build();
    try (LoopWatch watch = new LoopWatch();
        ServerSocket evil = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      CompletableFuture<Integer> helloByte =
          CompletableFuture.supplyAsync(
              () -> {
                try (Socket s = evil.accept()) {
                  s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(LIMIT));
                  InputStream in = s.getInputStream();
                  OutputStream out = s.getOutputStream();
                  out.write(ascii("220 niotls ESMTP\r\n"));
                  readLine(in); // EHLO
                  out.write(ascii("250-niotls\r\n250 STARTTLS\r\n"));
                  readLine(in); // STARTTLS
                  out.write(ascii("220 Ready to start TLS\r\n"));
                  int first = in.read(); // the ClientHello has begun: the client is in TLS now
                  out.write(ascii("250 injected\r\n"));
                  out.flush();
                  while (in.read() >= 0) {
                    // until the client closes
                  }
                  return first;
                } catch (IOException e) {
                  return -2;
                }
              });
      StartTlsTest.SmtpClient smtp = new StartTlsTest.SmtpClient(clientContext);
      client.connect(TransportUri.parse("tcp://127.0.0.1:" + evil.getLocalPort()), null, smtp);

      Recorder.Closed closed = smtp.closed.get(LIMIT, TimeUnit.SECONDS);
      assertThat(helloByte.get(LIMIT, TimeUnit.SECONDS)).as("a TLS handshake record").isEqualTo(22);
      assertThat(closed.reason()).isEqualTo(CloseReason.ERROR);
      assertThat(closed.cause())
          .hasMessageContaining("CVE-2011-0411")
          .hasMessageContaining("before the first TLS record");
      assertThat(List.copyOf(smtp.lines)).doesNotContain("250 injected");
      assertThat(smtp.received()).asString(StandardCharsets.US_ASCII).doesNotContain("inj");
      watch.assertNothingEscaped();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aPartialLineBehindTheServersReadyIsRefusedNotCarriedIntoTls(Provider provider)
      throws Exception {
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).build();
    try (LoopWatch watch = new LoopWatch();
        ServerSocket evil = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      CompletableFuture<Void> server =
          CompletableFuture.runAsync(
              () -> {
                try (Socket s = evil.accept()) {
                  s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(LIMIT));
                  InputStream in = s.getInputStream();
                  OutputStream out = s.getOutputStream();
                  out.write(ascii("220 niotls ESMTP\r\n"));
                  readLine(in);
                  out.write(ascii("250-niotls\r\n250 STARTTLS\r\n"));
                  readLine(in);
                  out.write(ascii("220 Ready to start TLS\r\n250 inj")); // one write, one packet
                  out.flush();
                  while (in.read() >= 0) {
                    // until the client closes
                  }
                } catch (IOException ignored) {
                  // a reset ends it as well
                }
              });
      StartTlsTest.SmtpClient smtp = new StartTlsTest.SmtpClient(clientContext);
      client.connect(TransportUri.parse("tcp://127.0.0.1:" + evil.getLocalPort()), null, smtp);

      Recorder.Closed closed = smtp.closed.get(LIMIT, TimeUnit.SECONDS);
      server.get(LIMIT, TimeUnit.SECONDS);
      assertThat(closed.reason()).isEqualTo(CloseReason.ERROR);
      assertThat(closed.cause())
          .hasMessageContaining("CVE-2011-0411")
          .hasMessageContaining("7 plaintext byte(s)");
      assertThat(List.copyOf(smtp.lines)).endsWith("220 Ready to start TLS");
      watch.assertNothingEscaped();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aPartialCommandBehindStartTlsIsRefusedNotCarriedIntoTls(Provider provider) throws Exception {
    TlsContext serverContext = Contexts.server(provider, KeyType.EC_P256).build();
    LinkedBlockingQueue<SmtpServer> servers = new LinkedBlockingQueue<>();
    try (LoopWatch watch = new LoopWatch();
        TlsServer server =
            TlsServer.bind(
                TransportUri.parse("tcp://127.0.0.1:0"),
                null,
                () -> {
                  SmtpServer handler = new SmtpServer(serverContext);
                  servers.add(handler);
                  return handler;
                },
                ServerOptions.builder().loopCount(1).build());
        Socket attacker = new Socket(InetAddress.getLoopbackAddress(), server.uri().port())) {
      attacker.setSoTimeout((int) TimeUnit.SECONDS.toMillis(LIMIT));
      InputStream in = attacker.getInputStream();
      assertThat(readLine(in)).isEqualTo("220 niotls ESMTP");
      attacker.getOutputStream().write(ascii("STARTTLS\r\nMAIL FR"));

      SmtpServer smtp = servers.poll(LIMIT, TimeUnit.SECONDS);
      Recorder.Closed closed = smtp.closed.get(LIMIT, TimeUnit.SECONDS);
      assertThat(closed.reason()).isEqualTo(CloseReason.ERROR);
      assertThat(closed.cause())
          .hasMessageContaining("CVE-2011-0411")
          .hasMessageContaining("7 plaintext byte(s)");
      assertThat(List.copyOf(smtp.lines)).containsExactly("STARTTLS");
      assertThatThrownBy(() -> smtp.upgraded.get(LIMIT, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("CVE-2011-0411");
      watch.assertNothingEscaped();
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** One line without its CR LF, read a byte at a time so nothing after it is taken. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      line.write(b);
    }
    return line.toString(StandardCharsets.US_ASCII).strip();
  }
}
