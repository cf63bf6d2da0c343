package io.niotls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.testing.ChildProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code niotls server --starttls smtp} as a separate process, with real mail clients: curl,
 * Python's smtplib, {@code openssl s_client -starttls smtp} and {@code niotls client}, each with
 * both TLS providers and with the server's certificate verified against a test CA. Every process is
 * destroyed at the end and every wait is bounded.
 */
class SmtpEndToEndTest {
  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration RUN = Duration.ofSeconds(60);

  @TempDir static Path pki;
  private static Path caPem;
  private static Path serverPem;
  private static Path serverKey;

  @TempDir Path dir;

  @BeforeAll
  static void makeACaAndAServerCertificateForThisMachine() {
    GeneratedCertificate ca = CertificateGenerator.ca("niotls SMTP test CA").generate();
    GeneratedCertificate server =
        CertificateGenerator.leaf("localhost")
            .subjectAltNames("localhost", "127.0.0.1")
            .issuer(ca)
            .generate();
    caPem = pki.resolve("ca.pem");
    serverPem = pki.resolve("server.pem");
    serverKey = pki.resolve("server.key");
    ca.writeCertificatePem(caPem);
    server.writeCertificatePem(serverPem);
    server.writePrivateKeyPem(serverKey);
  }

  /** {@code niotls server --starttls smtp} with the test certificate, stopping after one client. */
  private static ChildProcess smtpServer(String provider) throws IOException {
    return ChildProcess.java(
        Main.class,
        "server",
        "tcp://127.0.0.1:0",
        "--starttls",
        "smtp",
        "--provider",
        provider,
        "--cert",
        serverPem.toString(),
        "--key",
        serverKey.toString(),
        "--max-connections",
        "1");
  }

  /** Waits for a server started by {@link #smtpServer} to stop by itself after its one client. */
  private static void assertStoppedAfter(ChildProcess server, int messages) throws Exception {
    assertThat(server.waitFor(RUN)).as(server.err()).isZero();
    assertThat(server.err())
        .contains("stopped: 1 connections served, " + messages + " messages accepted");
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "openssl"})
  void curlDeliversAMessageOverStartTlsWithTheCertificateVerified(String provider)
      throws Exception {
    Path mail = dir.resolve("mail.txt");
    String text =
        "From: a@example.org\r\nTo: b@example.org\r\nSubject: over STARTTLS\r\n\r\n"
            + "hello\r\n.a line curl dot-stuffs and the server unstuffs\r\nbye\r\n";
    Files.writeString(mail, text, StandardCharsets.US_ASCII);
    try (ChildProcess server = smtpServer(provider)) {
      Listening smtp = Listening.parse(server.nextLine(START));
      try (ChildProcess curl =
          ChildProcess.program(
              "curl",
              "-sS",
              "--max-time",
              "20",
              "--ssl-reqd",
              "--cacert",
              caPem.toString(),
              "smtp://127.0.0.1:" + smtp.port(),
              "--mail-from",
              "a@example.org",
              "--mail-rcpt",
              "b@example.org",
              "--mail-rcpt",
              "c@example.org",
              "-T",
              mail.toString())) {
        assertThat(curl.waitFor(RUN)).as(curl.err()).isZero();
      }
      assertThat(server.nextLine(RUN))
          .isEqualTo(
              "message 1 from <a@example.org> to <b@example.org>, <c@example.org>: "
                  + text.length()
                  + " bytes");
      assertStoppedAfter(server, 1);
    }
  }

  @Test
  void curlWithoutTlsIsRefusedWith530AndNothingIsDelivered() throws Exception {
    Path mail = dir.resolve("mail.txt");
    Files.writeString(mail, "Subject: in the clear\r\n\r\nno\r\n", StandardCharsets.US_ASCII);
    try (ChildProcess server = smtpServer("jdk")) {
      Listening smtp = Listening.parse(server.nextLine(START));
      try (ChildProcess curl =
          ChildProcess.program(
              "curl",
              "-sS",
              "--max-time",
              "20",
              "smtp://127.0.0.1:" + smtp.port(),
              "--mail-from",
              "a@example.org",
              "--mail-rcpt",
              "b@example.org",
              "-T",
              mail.toString())) {
        assertThat(curl.waitFor(RUN)).isNotZero();
        assertThat(curl.err()).contains("530");
      }
      assertStoppedAfter(server, 0);
      assertThat(server.out()).doesNotContain("message ");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "openssl"})
  void pythonSmtplibDeliversAndStartTlsIsNotOfferedAfterTls(String provider) throws Exception {
    Path script = dir.resolve("send.py");
    Files.writeString(
        script,
        String.join(
            "\n",
            "import smtplib, ssl, sys",
            "port, cafile = int(sys.argv[1]), sys.argv[2]",
            "context = ssl.create_default_context(cafile=cafile)  # verifies 127.0.0.1 too",
            "s = smtplib.SMTP('127.0.0.1', port, timeout=20)",
            "print('ehlo', s.ehlo('client.test')[0], s.has_extn('starttls'))",
            "print('starttls', s.starttls(context=context)[0], s.sock.version())",
            "print('ehlo', s.ehlo('client.test')[0], s.has_extn('starttls'))",
            "print('enhancedstatuscodes', s.has_extn('enhancedstatuscodes'))",
            "message = 'Subject: from smtplib\\r\\n\\r\\n.leading dot\\r\\nend\\r\\n'",
            "print('refused', s.sendmail('a@example.org', ['b@example.org'], message))",
            "print('vrfy', s.verify('b@example.org')[0])",
            "print('quit', s.quit()[0])",
            ""),
        StandardCharsets.UTF_8);
    int messageBytes = "Subject: from smtplib\r\n\r\n.leading dot\r\nend\r\n".length();
    try (ChildProcess server = smtpServer(provider)) {
      Listening smtp = Listening.parse(server.nextLine(START));
      try (ChildProcess python =
          ChildProcess.program(
              "/usr/bin/python3",
              script.toString(),
              String.valueOf(smtp.port()),
              caPem.toString())) {
        assertThat(python.waitFor(RUN)).as(python.err()).isZero();
        assertThat(python.out())
            .isEqualTo(
                "ehlo 250 True\n"
                    + "starttls 220 TLSv1.3\n"
                    + "ehlo 250 False\n"
                    + "enhancedstatuscodes True\n"
                    + "refused {}\n"
                    + "vrfy 252\n"
                    + "quit 221\n");
      }
      assertThat(server.nextLine(RUN))
          .isEqualTo(
              "message 1 from <a@example.org> to <b@example.org>: " + messageBytes + " bytes");
      assertStoppedAfter(server, 1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "openssl"})
  void opensslStartTlsSmtpGetsTheExpectedReplies(String provider) throws Exception {
    try (ChildProcess server = smtpServer(provider)) {
      Listening smtp = Listening.parse(server.nextLine(START));
      try (ChildProcess openssl =
          ChildProcess.program(
              "openssl",
              "s_client",
              "-starttls",
              "smtp",
              "-connect",
              "127.0.0.1:" + smtp.port(),
              "-CAfile",
              caPem.toString(),
              "-verify_return_error",
              "-quiet",
              "-crlf")) {
        // -quiet implies -ign_eof: s_client runs until the server's 221 closes the connection
        openssl
            .write(
                "EHLO client.test\nMAIL FROM:<a@example.org>\nRCPT TO:<b@example.org>\nDATA\n"
                    + "hello\n..dot\n.\nSTARTTLS\nQUIT\n")
            .endInput();
        assertThat(openssl.waitFor(RUN)).as(openssl.err()).isZero();
        assertThat(openssl.out())
            .isEqualTo(
                "250-localhost greets client.test\n"
                    + "250-8BITMIME\n"
                    + "250 ENHANCEDSTATUSCODES\n"
                    + "250 2.1.0 Sender <a@example.org> OK\n"
                    + "250 2.1.5 Recipient <b@example.org> OK\n"
                    + "354 Send the message; end it with <CRLF>.<CRLF>\n"
                    + "250 2.0.0 Message accepted\n"
                    + "503 5.5.1 TLS already active\n"
                    + "221 2.0.0 localhost closing connection\n");
      }
      assertThat(server.nextLine(RUN))
          .isEqualTo("message 1 from <a@example.org> to <b@example.org>: 13 bytes");
      assertStoppedAfter(server, 1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "openssl"})
  void theNiotlsClientUpgradesAndSendsMail(String provider) throws Exception {
    try (ChildProcess server = smtpServer(provider)) {
      Listening smtp = Listening.parse(server.nextLine(START));
      try (ChildProcess client =
          ChildProcess.java(
              Main.class,
              "client",
              "--starttls",
              "smtp",
              "--provider",
              provider,
              "--trust",
              caPem.toString(),
              smtp.uri().toString())) {
        client
            .write(
                "EHLO client.test\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\n"
                    + "DATA\r\nvia niotls\r\n.\r\nQUIT\r\n")
            .endInput();
        assertThat(client.waitFor(RUN)).as(client.err()).isZero();
        assertThat(client.err())
            .contains("S: 220 localhost ESMTP niotls")
            .contains("S: 250 STARTTLS")
            .contains("C: STARTTLS")
            .contains("S: 220 2.0.0 Ready to start TLS")
            .contains("protocol     TLSv1.3")
            .contains("issuer       CN=niotls SMTP test CA");
        assertThat(client.out())
            .isEqualTo(
                "250-localhost greets client.test\n"
                    + "250-8BITMIME\n"
                    + "250 ENHANCEDSTATUSCODES\n"
                    + "250 2.1.0 Sender <a@example.org> OK\n"
                    + "250 2.1.5 Recipient <b@example.org> OK\n"
                    + "354 Send the message; end it with <CRLF>.<CRLF>\n"
                    + "250 2.0.0 Message accepted\n"
                    + "221 2.0.0 localhost closing connection\n");
      }
      assertThat(server.nextLine(RUN))
          .isEqualTo("message 1 from <a@example.org> to <b@example.org>: 12 bytes");
      assertStoppedAfter(server, 1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"jdk", "openssl"})
  void plaintextPipelinedBehindStartTlsIsRefused(String provider) throws Exception {
    try (ChildProcess server = smtpServer(provider);
        Socket socket = new Socket()) {
      Listening smtp = Listening.parse(server.nextLine(START));
      socket.connect(smtp.uri().resolve(), 10_000);
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      assertThat(readReply(in)).isEqualTo("220 localhost ESMTP niotls\r\n");
      send(out, "EHLO attacker.test\r\n");
      assertThat(readReply(in)).endsWith("250 STARTTLS\r\n");
      // CVE-2011-0411: commands after STARTTLS in the same packet must never be answered
      send(
          out,
          "STARTTLS\r\nMAIL FROM:<evil@example.test>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n"
              + "injected\r\n.\r\n");
      String rest = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      // the server closes the connection; whether its 220 went out first is the loop's choice
      assertThat(rest).isIn("", "220 2.0.0 Ready to start TLS\r\n");
      assertStoppedAfter(server, 0);
      assertThat(server.out()).doesNotContain("message ");
    }
  }

  @Test
  void thePlaintextConversationGetsTheRightCodes() throws Exception {
    try (ChildProcess server = smtpServer("jdk");
        Socket socket = new Socket()) {
      Listening smtp = Listening.parse(server.nextLine(START));
      socket.connect(smtp.uri().resolve(), 10_000);
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      assertThat(readReply(in)).isEqualTo("220 localhost ESMTP niotls\r\n");
      String[][] exchanges = {
        {"STARTTLS", "503 5.5.1 Send EHLO first"},
        {"HELO c.test", "530 5.7.0 Must issue a STARTTLS command first"},
        {"MAIL FROM:<a@example.org>", "530 5.7.0 Must issue a STARTTLS command first"},
        {"VRFY b", "530 5.7.0 Must issue a STARTTLS command first"},
        {"FROBNICATE", "500 5.5.2 Syntax error, command unrecognized"},
        {"NOOP " + "x".repeat(2000), "500 5.5.2 Line too long"},
        {"NOOP", "250 2.0.0 OK"},
        {
          "EHLO c.test",
          "250-localhost greets c.test\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 STARTTLS"
        },
        {"QUIT", "221 2.0.0 localhost closing connection"},
      };
      for (String[] exchange : exchanges) {
        send(out, exchange[0] + "\r\n");
        assertThat(readReply(in)).as(exchange[0]).isEqualTo(exchange[1] + "\r\n");
      }
      assertThat(in.read()).isEqualTo(-1); // closed after 221
      assertStoppedAfter(server, 0);
    }
  }

  @Test
  void aClientThatPipelinesWithoutReadingGetsEveryReplyInOrder() throws Exception {
    // replies of about 7 MB: more than the outbound queue (256 KB) and the socket buffers (a few
    // MB) hold while the client is not reading, so the server must stop reading and go on later
    int commands = 500_000;
    try (ChildProcess server = smtpServer("jdk");
        Socket socket = new Socket()) {
      Listening smtp = Listening.parse(server.nextLine(START));
      socket.setReceiveBufferSize(8192);
      socket.connect(smtp.uri().resolve(), 10_000);
      socket.setSoTimeout(20_000);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      AtomicReference<IOException> writeFailure = new AtomicReference<>();
      Thread writer =
          new Thread(
              () -> {
                try {
                  byte[] noops = "NOOP\r\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
                  for (int i = 0; i < commands / 1000; i++) {
                    out.write(noops);
                  }
                  out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                  out.flush();
                } catch (IOException e) {
                  writeFailure.set(e);
                }
              },
              "pipelining writer");
      writer.setDaemon(true);
      writer.start();
      Thread.sleep(2_000); // not reading meanwhile: the replies fill every buffer on the way
      String all = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      writer.join(20_000);
      assertThat(writeFailure.get()).isNull();
      String expected =
          "220 localhost ESMTP niotls\r\n"
              + "250 2.0.0 OK\r\n".repeat(commands)
              + "221 2.0.0 localhost closing connection\r\n";
      assertThat(all.length()).isEqualTo(expected.length());
      assertThat(all.equals(expected)).as("every reply, in order").isTrue();
      assertStoppedAfter(server, 0);
    }
  }

  private static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads one SMTP reply, all its lines, from a blocking socket. */
  private static String readReply(InputStream in) throws IOException {
    StringBuilder reply = new StringBuilder();
    StringBuilder line = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      line.append((char) b);
      if (b == '\n') {
        reply.append(line);
        if (line.length() < 4 || line.charAt(3) != '-') {
          return reply.toString();
        }
        line.setLength(0);
      }
    }
    return reply.append(line).toString();
  }
}
