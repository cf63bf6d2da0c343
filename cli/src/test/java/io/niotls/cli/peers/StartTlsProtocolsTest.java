package io.niotls.cli.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.cli.Main;
import io.niotls.testing.ChildProcess;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code niotls server --starttls imap|pop3|ftp} and {@code niotls client --starttls imap|pop3|ftp}
 * judged by clients and servers we did not write, on both providers: {@code openssl s_client
 * -starttls} upgrades and its next command is answered over TLS; curl logs in over IMAP and POP3
 * with {@code --ssl-reqd} and lists the (empty) mailbox; Python's imaplib, poplib and ftplib
 * upgrade and log in; the niotls client upgrades against the niotls server and against a Python
 * {@code ssl} server; and a command pipelined behind the STARTTLS command is never answered.
 */
class StartTlsProtocolsTest {
  /** How long a peer may take; the test waits a little longer for it. */
  private static final int PEER_SECONDS = 15;

  private static final Duration RUN = Duration.ofSeconds(PEER_SECONDS + 15);

  @TempDir static Path dir;

  private static Pki pki;

  /** One server per protocol and provider, keyed "imap jdk". */
  private static final Map<String, NiotlsServer> servers = new TreeMap<>();

  @BeforeAll
  static void startServers() throws Exception {
    Peer.require(Peer.OPENSSL, Peer.CURL, Peer.PYTHON);
    pki = Pki.create(dir);
    for (String protocol : new String[] {"imap", "pop3", "ftp"}) {
      for (String provider : new String[] {"jdk", "openssl"}) {
        servers.put(
            protocol + " " + provider,
            NiotlsServer.start(pki, provider, "tcp://127.0.0.1:0", "--starttls", protocol));
      }
    }
  }

  @AfterAll
  static void stopServers() throws Exception {
    NiotlsServer.closeAll(servers);
  }

  @ParameterizedTest(name = "{0}, {1} provider")
  @CsvSource({
    "imap, jdk",
    "imap, openssl",
    "pop3, jdk",
    "pop3, openssl",
    "ftp, jdk",
    "ftp, openssl"
  })
  void opensslUpgradesWithStartTlsAndTheNextCommandIsAnsweredOverTls(
      String protocol, String provider) throws Exception {
    String commands =
        switch (protocol) {
          case "imap" -> "a CAPABILITY\na LOGOUT\n";
          case "pop3" -> "CAPA\nQUIT\n";
          default -> "PBSZ 0\nPROT P\nQUIT\n";
        };
    try (ChildProcess openssl =
        ChildProcess.program(
            "openssl",
            "s_client",
            "-starttls",
            protocol,
            "-connect",
            "127.0.0.1:" + port(protocol, provider),
            "-CAfile",
            pki.ca().toString(),
            "-verify_hostname",
            Pki.NAME,
            "-verify_return_error",
            "-quiet",
            "-crlf")) {
      // -quiet implies -ign_eof: s_client runs until the server closes after LOGOUT or QUIT
      openssl.write(commands).endInput();
      assertThat(openssl.waitFor(RUN))
          .as("s_client's exit code; stderr: %s", openssl.err())
          .isZero();
      String out = openssl.out();
      switch (protocol) {
        case "imap" ->
            assertThat(out)
                .as("CAPABILITY over TLS offers LOGIN by SASL and STARTTLS no more")
                .contains("* CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR\na OK CAPABILITY completed\n")
                .contains("* BYE niotls IMAP demo logging out\na OK LOGOUT completed\n");
        case "pop3" ->
            assertThat(out)
                .contains("+OK Capability list follows\nUSER\nUIDL\n.\n")
                .endsWith("+OK niotls POP3 demo signing off\n");
        default ->
            assertThat(out)
                .contains("200 PBSZ=0\n200 Protection level set to Private\n221 Goodbye\n");
      }
    }
  }

  @ParameterizedTest(name = "{0}, {1} provider")
  @CsvSource({"imap, jdk", "imap, openssl", "pop3, jdk", "pop3, openssl"})
  void curlLogsInOverStartTlsAndListsTheEmptyMailbox(String protocol, String provider)
      throws Exception {
    int port = port(protocol, provider);
    try (ChildProcess curl =
        ChildProcess.program(
            "curl",
            "-sS",
            "-v",
            "--max-time",
            String.valueOf(PEER_SECONDS),
            "--ssl-reqd",
            "--cacert",
            pki.ca().toString(),
            "--resolve",
            Pki.NAME + ":" + port + ":127.0.0.1",
            "-u",
            "alice:any-secret",
            protocol + "://" + Pki.NAME + ":" + port + "/")) {
      assertThat(curl.waitFor(RUN)).as("curl's exit code; stderr: %s", curl.err()).isZero();
      // for an empty POP3 listing curl prints one line ending; for IMAP nothing
      assertThat(curl.out().strip()).as("the mailbox is empty").isEmpty();
      // curl -v shows the dialogue: "> " what it sent, "< " what came back
      String trace = curl.err();
      if (protocol.equals("imap")) {
        assertThat(trace)
            .contains("< * CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED")
            .contains("OK Begin TLS negotiation now")
            .contains("< * CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR")
            .containsPattern("< A[0-9]+ OK AUTHENTICATE completed")
            .containsPattern("> A[0-9]+ LIST \"\" \\*")
            .containsPattern("< A[0-9]+ OK LIST completed");
      } else {
        assertThat(trace)
            .contains("< STLS")
            .contains("< +OK Begin TLS negotiation")
            .contains("> USER alice")
            .contains("< +OK Logged in: the maildrop is empty")
            .contains("> LIST")
            .contains("< +OK 0 messages (0 octets)");
      }
      int credentials =
          protocol.equals("imap") ? trace.indexOf("AUTHENTICATE") : trace.indexOf("> USER");
      assertThat(trace.indexOf("Begin TLS negotiation"))
          .as("TLS came before the credentials")
          .isLessThan(credentials);
    }
  }

  @ParameterizedTest(name = "{0}, {1} provider")
  @CsvSource({
    "imap, jdk",
    "imap, openssl",
    "pop3, jdk",
    "pop3, openssl",
    "ftp, jdk",
    "ftp, openssl"
  })
  void pythonsOwnClientUpgradesAndLogsIn(String protocol, String provider) throws Exception {
    // Python checks the certificate against the host it connects to: 127.0.0.1, which it names
    try (ChildProcess python =
        Python.run(
            dir,
            "starttls_client.py",
            protocol,
            "127.0.0.1",
            String.valueOf(port(protocol, provider)),
            pki.ca().toString(),
            String.valueOf(PEER_SECONDS))) {
      assertThat(python.waitFor(RUN)).as("Python's exit code; stderr: %s", python.err()).isZero();
      String expected =
          switch (protocol) {
            case "imap" ->
                """
                capabilities AUTH=PLAIN IMAP4REV1 SASL-IR
                login OK
                list OK []
                logout BYE
                done
                """;
            case "pop3" ->
                """
                capa UIDL USER
                stat 0 0
                list []
                quit +OK niotls POP3 demo signing off
                done
                """;
            default ->
                """
                auth 234
                login 230
                prot 200
                pwd /
                nlst refused 502
                quit 221
                done
                """;
          };
      assertThat(python.out()).isEqualTo(expected);
    }
  }

  @ParameterizedTest(name = "{0}, {1} provider")
  @CsvSource({
    "imap, jdk",
    "imap, openssl",
    "pop3, jdk",
    "pop3, openssl",
    "ftp, jdk",
    "ftp, openssl"
  })
  void theNiotlsClientUpgradesAgainstTheNiotlsServer(String protocol, String provider)
      throws Exception {
    String commands =
        switch (protocol) {
          case "imap" -> "a1 LOGIN alice secret\r\na2 LIST \"\" *\r\na3 LOGOUT\r\n";
          case "pop3" -> "USER alice\r\nPASS secret\r\nSTAT\r\nQUIT\r\n";
          default -> "USER alice\r\nPASS secret\r\nPWD\r\nQUIT\r\n";
        };
    try (ChildProcess client = client(protocol, port(protocol, provider), provider)) {
      client.write(commands).endInput();
      assertThat(client.waitFor(RUN)).as("exit code; stderr: %s", client.err()).isZero();
      assertThat(client.err()).contains("protocol     TLSv1.3");
      String expected =
          switch (protocol) {
            case "imap" ->
                // the answer to the CAPABILITY the client asks again once TLS is up comes first
                """
                * CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR
                a003 OK CAPABILITY completed
                a1 OK LOGIN completed
                a2 OK LIST completed
                * BYE niotls IMAP demo logging out
                a3 OK LOGOUT completed
                """;
            case "pop3" ->
                """
                +OK Capability list follows
                USER
                UIDL
                .
                +OK Send PASS
                +OK Logged in: the maildrop is empty
                +OK 0 0
                +OK niotls POP3 demo signing off
                """;
            default ->
                """
                331 Any password will do
                230 Logged in
                257 "/" is the current directory
                221 Goodbye
                """;
          };
      assertThat(client.out()).isEqualTo(expected);
      String dialogue =
          switch (protocol) {
            case "imap" ->
                "C: a002 STARTTLS\nS: a002 OK Begin TLS negotiation now\nC: a003 CAPABILITY\n";
            case "pop3" -> "C: STLS\nS: +OK Begin TLS negotiation\nC: CAPA\n";
            default -> "C: AUTH TLS\nS: 234 AUTH TLS successful: start the TLS handshake\n";
          };
      assertThat(client.err()).as("the plaintext dialogue on stderr").contains(dialogue);
    }
  }

  @ParameterizedTest(name = "{0}, {1} provider")
  @CsvSource({
    "imap, jdk",
    "imap, openssl",
    "pop3, jdk",
    "pop3, openssl",
    "ftp, jdk",
    "ftp, openssl"
  })
  void theNiotlsClientUpgradesAgainstAPythonSslServer(String protocol, String provider)
      throws Exception {
    try (ChildProcess server =
        Python.run(
            dir,
            "starttls_server.py",
            protocol,
            pki.cert().toString(),
            pki.key().toString(),
            String.valueOf(PEER_SECONDS))) {
      int port = Integer.parseInt(server.nextLine(RUN).replace("listening ", ""));
      String last = protocol.equals("imap") ? "a9 LOGOUT" : "QUIT";
      try (ChildProcess client = client(protocol, port, provider)) {
        client.write("hello over tls\r\n" + last + "\r\n").endInput();
        assertThat(client.waitFor(RUN)).as("exit code; stderr: %s", client.err()).isZero();
        assertThat(client.out()).contains("heard: hello over tls").contains("heard: " + last);
      }
      assertThat(server.nextLine(RUN)).as("the Python server's account").startsWith("tls TLSv1.");
      assertThat(server.nextLine(RUN)).isEqualTo("closed");
      assertThat(server.waitFor(RUN)).as(server.err()).isZero();
    }
  }

  /**
   * CVE-2011-0411: a command sent in the same packet as the STARTTLS command must never be
   * answered, neither in plaintext nor after the handshake; the server closes the connection.
   */
  @ParameterizedTest(name = "{0}, {1} provider")
  @CsvSource({
    "imap, jdk",
    "imap, openssl",
    "pop3, jdk",
    "pop3, openssl",
    "ftp, jdk",
    "ftp, openssl"
  })
  void aCommandPipelinedBehindStartTlsIsRefused(String protocol, String provider) throws Exception {
    String[] injection =
        switch (protocol) {
          case "imap" ->
              new String[] {
                "a STARTTLS\r\nb LOGIN evil evil\r\n", "a OK Begin TLS negotiation now\r\n"
              };
          case "pop3" -> new String[] {"STLS\r\nUSER evil\r\n", "+OK Begin TLS negotiation\r\n"};
          default ->
              new String[] {
                "AUTH TLS\r\nUSER evil\r\n", "234 AUTH TLS successful: start the TLS handshake\r\n"
              };
        };
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port(protocol, provider)), 10_000);
      socket.setSoTimeout(10_000);
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      assertThat(readLine(in)).as("the greeting").isNotEmpty();
      out.write(injection[0].getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String rest = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      // the server closes the connection; whether its go-ahead went out first is the loop's choice
      assertThat(rest).isIn("", injection[1]);
    }
  }

  private static ChildProcess client(String protocol, int port, String provider) throws Exception {
    return ChildProcess.java(
        Main.class,
        "client",
        "--starttls",
        protocol,
        "tcp://127.0.0.1:" + port,
        "--trust",
        pki.ca().toString(),
        "--servername",
        Pki.NAME,
        "--provider",
        provider,
        "--linger",
        "300ms");
  }

  private static int port(String protocol, String provider) throws InterruptedException {
    return servers.get(protocol + " " + provider).port();
  }

  private static String readLine(InputStream in) throws Exception {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      line.write(b);
    }
    return line.toString(StandardCharsets.US_ASCII).strip();
  }
}
