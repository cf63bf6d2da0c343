package io.niotls.cli.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.cli.smtp.SmtpServerDialogue.Action;
import io.niotls.cli.smtp.SmtpServerDialogue.Message;
import io.niotls.cli.smtp.SmtpServerDialogue.Phase;
import io.niotls.cli.smtp.SmtpServerDialogue.Reply;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SmtpServerDialogueTest {
  private static final String SECURE_EHLO =
      "250-mx.test greets c\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n";

  private final SmtpServerDialogue smtp = new SmtpServerDialogue("mx.test");

  /** The reply's text to {@code line}, checking that the dialogue goes on. */
  private String say(String line) {
    Reply reply = smtp.onLine(line);
    assertThat(reply.action()).as(line).isEqualTo(Action.CONTINUE);
    assertThat(reply.message()).as(line).isNull();
    return reply.text();
  }

  /** EHLO, STARTTLS, the handshake, and EHLO again: ready for mail. */
  private void secure() {
    say("EHLO c");
    assertThat(smtp.onLine("STARTTLS").action()).isEqualTo(Action.START_TLS);
    smtp.tlsStarted();
    assertThat(say("EHLO c")).isEqualTo(SECURE_EHLO);
  }

  /** Secure, then MAIL and RCPT accepted and DATA answered with 354. */
  private void readyForData() {
    secure();
    assertThat(say("MAIL FROM:<a@example.org>")).startsWith("250 ");
    assertThat(say("RCPT TO:<b@example.org>")).startsWith("250 ");
    assertThat(say("DATA")).isEqualTo("354 Send the message; end it with <CRLF>.<CRLF>\r\n");
  }

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  // --- before TLS

  @Test
  void theGreetingIs220WithTheHostName() {
    assertThat(smtp.greeting()).isEqualTo("220 mx.test ESMTP niotls\r\n");
  }

  @Test
  void ehloInPlaintextIsAMultiLineReplyOfferingStartTls() {
    assertThat(say("EHLO client.test"))
        .isEqualTo(
            "250-mx.test greets client.test\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n"
                + "250 STARTTLS\r\n");
  }

  @Test
  void ehloWithoutAHostNameIsASyntaxError() {
    assertThat(say("EHLO")).isEqualTo("501 5.5.4 Syntax: EHLO <your host name>\r\n");
    assertThat(say("EHLO  ")).isEqualTo("501 5.5.4 Syntax: EHLO <your host name>\r\n");
    assertThat(say("EHLO bad\u0007name")).isEqualTo("501 5.5.4 Syntax: EHLO <your host name>\r\n");
  }

  @Test
  void startTlsAfterEhloIsAnsweredWith220AndStartsTls() {
    smtp.onLine("ehlo client.test");
    Reply reply = smtp.onLine("StartTLS");
    assertThat(reply).isEqualTo(new Reply("220 2.0.0 Ready to start TLS\r\n", Action.START_TLS));
    assertThat(smtp.phase()).isEqualTo(Phase.UPGRADING);
  }

  @Test
  void startTlsBeforeEhloIsRefusedWith503() {
    assertThat(say("STARTTLS")).isEqualTo("503 5.5.1 Send EHLO first\r\n");
    assertThat(smtp.phase()).isEqualTo(Phase.PLAIN);
  }

  @Test
  void startTlsWithParametersIsRefusedWith501() {
    say("EHLO c");
    assertThat(say("STARTTLS now")).isEqualTo("501 5.5.4 Syntax: STARTTLS takes no parameters\r\n");
    assertThat(smtp.phase()).isEqualTo(Phase.PLAIN);
  }

  @Test
  void noopAndQuitAreServedBeforeTls() {
    assertThat(say("NOOP")).isEqualTo("250 2.0.0 OK\r\n");
    assertThat(say("noop anything")).isEqualTo("250 2.0.0 OK\r\n");
    assertThat(smtp.onLine("QUIT"))
        .isEqualTo(new Reply("221 2.0.0 mx.test closing connection\r\n", Action.CLOSE));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "HELO c",
        "MAIL FROM:<a@b.test>",
        "RCPT TO:<b@b.test>",
        "DATA",
        "RSET",
        "VRFY someone",
        "EXPN list",
        "HELP"
      })
  void everyOtherCommandBeforeTlsIsRefusedWith530(String command) {
    say("EHLO c");
    assertThat(say(command)).isEqualTo("530 5.7.0 Must issue a STARTTLS command first\r\n");
    assertThat(smtp.phase()).isEqualTo(Phase.PLAIN);
  }

  @ParameterizedTest
  @ValueSource(strings = {"FROBNICATE", "", " EHLO c", "MAILFROM:<a@b.test>", "hello there"})
  void anUnknownCommandIs500InPlaintextAndAfterTls(String line) {
    assertThat(say(line)).isEqualTo("500 5.5.2 Syntax error, command unrecognized\r\n");
    secure();
    assertThat(say(line)).isEqualTo("500 5.5.2 Syntax error, command unrecognized\r\n");
  }

  @Test
  void anOverlongLineIs500AndTheConversationGoesOn() {
    assertThat(smtp.lineTooLong())
        .isEqualTo(new Reply("500 5.5.2 Line too long\r\n", Action.CONTINUE));
    assertThat(smtp.phase()).isEqualTo(Phase.PLAIN);
    assertThat(say("NOOP")).isEqualTo("250 2.0.0 OK\r\n");
  }

  // --- STARTTLS and after

  @Test
  void noCommandIsAcceptedWhileTheUpgradeIsPending() {
    smtp.onLine("EHLO c");
    smtp.onLine("STARTTLS");
    assertThatThrownBy(() -> smtp.onLine("MAIL FROM:<a@b.test>"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no SMTP command may be read while UPGRADING");
    assertThatThrownBy(() -> smtp.onLine("QUIT")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void tlsCannotStartWithoutStartTls() {
    assertThatThrownBy(smtp::tlsStarted)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("TLS started while PLAIN, not after STARTTLS");
  }

  @Test
  void afterTlsTheClientMustGreetAgain() {
    say("EHLO c");
    smtp.onLine("STARTTLS");
    smtp.tlsStarted();
    assertThat(smtp.phase()).isEqualTo(Phase.SECURE);
    assertThat(say("MAIL FROM:<a@example.org>")).isEqualTo("503 5.5.1 Send EHLO or HELO first\r\n");
  }

  @Test
  void afterTlsEhloNoLongerOffersStartTls() {
    secure(); // asserts the EHLO reply
    assertThat(SECURE_EHLO).doesNotContain("STARTTLS");
  }

  @Test
  void helloAfterTlsIsASingleLine() {
    say("EHLO c");
    smtp.onLine("STARTTLS");
    smtp.tlsStarted();
    assertThat(say("HELO client.test")).isEqualTo("250 mx.test greets client.test\r\n");
    assertThat(say("HELO")).isEqualTo("501 5.5.4 Syntax: HELO <your host name>\r\n");
    assertThat(say("MAIL FROM:<a@example.org>")).startsWith("250 ");
  }

  @Test
  void aSecondStartTlsIsRefusedWith503() {
    secure();
    assertThat(say("STARTTLS")).isEqualTo("503 5.5.1 TLS already active\r\n");
    assertThat(smtp.phase()).isEqualTo(Phase.SECURE);
  }

  // --- the mail transaction

  @Test
  void aWholeTransactionIsAcceptedAndItsMessageCounted() {
    secure();
    assertThat(say("MAIL FROM:<a@example.org>"))
        .isEqualTo("250 2.1.0 Sender <a@example.org> OK\r\n");
    assertThat(say("RCPT TO:<b@example.org>"))
        .isEqualTo("250 2.1.5 Recipient <b@example.org> OK\r\n");
    assertThat(say("rcpt to:<c@example.org>"))
        .isEqualTo("250 2.1.5 Recipient <c@example.org> OK\r\n");
    assertThat(say("DATA")).isEqualTo("354 Send the message; end it with <CRLF>.<CRLF>\r\n");
    assertThat(smtp.phase()).isEqualTo(Phase.MESSAGE);
    ByteBuffer data = bytes("Subject: hi\r\n\r\n..dot\r\nbye\r\n.\r\nQUIT\r\n");
    Reply accepted = smtp.onMessageData(data);
    Message message = new Message("a@example.org", List.of("b@example.org", "c@example.org"), 26);
    assertThat(accepted)
        .isEqualTo(new Reply("250 2.0.0 Message accepted\r\n", Action.CONTINUE, message));
    assertThat(message.describe(7))
        .isEqualTo("message 7 from <a@example.org> to <b@example.org>, <c@example.org>: 26 bytes");
    // the pipelined QUIT is left for onLine
    assertThat(data.remaining()).isEqualTo("QUIT\r\n".length());
    assertThat(smtp.phase()).isEqualTo(Phase.SECURE);
  }

  @Test
  void aMessageSplitAcrossReadsEndsOnlyAtCrlfDotCrlf() {
    readyForData();
    assertThat(smtp.onMessageData(bytes("line one\r\n."))).isNull();
    assertThat(smtp.onMessageData(bytes("\r"))).isNull();
    Reply reply = smtp.onMessageData(bytes("\n"));
    assertThat(reply.text()).isEqualTo("250 2.0.0 Message accepted\r\n");
    assertThat(reply.message().bytes()).isEqualTo("line one\r\n".length());
  }

  @Test
  void anotherTransactionFollowsOnTheSameConnection() {
    readyForData();
    assertThat(smtp.onMessageData(bytes(".\r\n")).message())
        .isEqualTo(new Message("a@example.org", List.of("b@example.org"), 0));
    assertThat(say("RCPT TO:<b@example.org>")).isEqualTo("503 5.5.1 Send MAIL first\r\n");
    assertThat(say("MAIL FROM:<>")).isEqualTo("250 2.1.0 Sender <> OK\r\n");
    assertThat(say("RCPT TO:<postmaster>")).isEqualTo("250 2.1.5 Recipient <postmaster> OK\r\n");
    assertThat(say("DATA")).startsWith("354 ");
    assertThat(smtp.onMessageData(bytes("x\r\n.\r\n")).message().describe(2))
        .isEqualTo("message 2 from <> to <postmaster>: 3 bytes");
  }

  @Test
  void commandsOutOfSequenceAreRefusedWith503() {
    secure();
    assertThat(say("RCPT TO:<b@example.org>")).isEqualTo("503 5.5.1 Send MAIL first\r\n");
    assertThat(say("DATA")).isEqualTo("503 5.5.1 Send MAIL first\r\n");
    say("MAIL FROM:<a@example.org>");
    assertThat(say("MAIL FROM:<a@example.org>"))
        .isEqualTo("503 5.5.1 Nested MAIL command: a transaction is under way (RSET ends it)\r\n");
    assertThat(say("DATA")).isEqualTo("503 5.5.1 Send RCPT first\r\n");
    assertThat(smtp.phase()).isEqualTo(Phase.SECURE);
  }

  @Test
  void rsetEndsTheTransaction() {
    secure();
    say("MAIL FROM:<a@example.org>");
    say("RCPT TO:<b@example.org>");
    assertThat(say("RSET")).isEqualTo("250 2.0.0 OK\r\n");
    assertThat(say("DATA")).isEqualTo("503 5.5.1 Send MAIL first\r\n");
    assertThat(say("MAIL FROM:<a@example.org>")).startsWith("250 ");
    assertThat(say("RSET now")).isEqualTo("501 5.5.4 Syntax: RSET takes no parameters\r\n");
  }

  @Test
  void ehloInATransactionEndsItToo() {
    secure();
    say("MAIL FROM:<a@example.org>");
    assertThat(say("EHLO c")).isEqualTo(SECURE_EHLO);
    assertThat(say("RCPT TO:<b@example.org>")).isEqualTo("503 5.5.1 Send MAIL first\r\n");
  }

  @Test
  void noopChangesNothing() {
    secure();
    say("MAIL FROM:<a@example.org>");
    assertThat(say("NOOP")).isEqualTo("250 2.0.0 OK\r\n");
    assertThat(say("RCPT TO:<b@example.org>")).startsWith("250 ");
  }

  @ParameterizedTest
  @ValueSource(strings = {"MAIL", "MAIL FROM:", "MAIL FROM:a@b.test", "MAIL TO:<a@b.test>"})
  void aMalformedMailCommandIs501(String line) {
    secure();
    assertThat(say(line)).isEqualTo("501 5.5.4 Syntax: MAIL FROM:<address>\r\n");
  }

  @Test
  void aBadSenderAddressIs501() {
    secure();
    assertThat(say("MAIL FROM:<no-domain>"))
        .isEqualTo("501 5.1.7 Bad sender address syntax: no-domain\r\n");
    assertThat(say("MAIL FROM:<postmaster>"))
        .isEqualTo("501 5.1.7 Bad sender address syntax: postmaster\r\n");
  }

  @Test
  void aBadRecipientIs501() {
    secure();
    say("MAIL FROM:<a@example.org>");
    assertThat(say("RCPT TO:b@example.org")).isEqualTo("501 5.5.4 Syntax: RCPT TO:<address>\r\n");
    assertThat(say("RCPT TO:<>")).isEqualTo("501 5.1.3 Bad recipient address syntax: \r\n");
    assertThat(say("RCPT TO:<b@>")).isEqualTo("501 5.1.3 Bad recipient address syntax: b@\r\n");
  }

  @Test
  void theBodyParameterIsAcceptedAndOthersAre555() {
    secure();
    assertThat(say("MAIL FROM:<a@example.org> SIZE=100"))
        .isEqualTo("555 5.5.4 Unsupported MAIL parameter: SIZE=100\r\n");
    assertThat(say("MAIL FROM:<a@example.org> body=8bitmime")).startsWith("250 ");
    assertThat(say("RCPT TO:<b@example.org> NOTIFY=NEVER"))
        .isEqualTo("555 5.5.4 Unsupported RCPT parameter: NOTIFY=NEVER\r\n");
  }

  @Test
  void aSpaceAfterTheColonIsTolerated() {
    secure();
    assertThat(say("MAIL FROM: <a@example.org>"))
        .isEqualTo("250 2.1.0 Sender <a@example.org> OK\r\n");
  }

  @Test
  void recipientsPastTheLimitAre452() {
    secure();
    say("MAIL FROM:<a@example.org>");
    for (int i = 0; i < SmtpServerDialogue.MAX_RECIPIENTS; i++) {
      assertThat(say("RCPT TO:<r" + i + "@example.org>")).startsWith("250 ");
    }
    assertThat(say("RCPT TO:<one.more@example.org>"))
        .isEqualTo("452 4.5.3 Too many recipients\r\n");
    assertThat(say("DATA")).startsWith("354 ");
  }

  @Test
  void dataWithParametersIs501() {
    secure();
    assertThat(say("DATA now")).isEqualTo("501 5.5.4 Syntax: DATA takes no parameters\r\n");
  }

  @Test
  void noCommandIsReadWhileAMessageIsAndNoDataOutsideOne() {
    readyForData();
    assertThatThrownBy(() -> smtp.onLine("QUIT"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no SMTP command may be read while MESSAGE");
    smtp.onMessageData(bytes(".\r\n"));
    assertThatThrownBy(() -> smtp.onMessageData(bytes("x")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no message data may be read while SECURE");
  }

  // --- VRFY, unimplemented commands, QUIT

  @Test
  void vrfyIsAnswered252WithoutSayingWhetherTheMailboxExists() {
    secure();
    assertThat(say("VRFY someone"))
        .isEqualTo("252 2.0.0 Cannot VRFY user, but will accept message for it\r\n");
    assertThat(say("VRFY")).isEqualTo("501 5.5.4 Syntax: VRFY <address>\r\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"EXPN staff", "HELP", "AUTH PLAIN", "BDAT 10 LAST", "TURN", "ETRN x"})
  void commandsThisServerDoesNotDoAre502(String line) {
    secure();
    assertThat(say(line)).isEqualTo("502 5.5.1 Command not implemented\r\n");
  }

  @Test
  void quitAfterTlsIs221AndCloses() {
    secure();
    say("MAIL FROM:<a@example.org>");
    assertThat(smtp.onLine("quit"))
        .isEqualTo(new Reply("221 2.0.0 mx.test closing connection\r\n", Action.CLOSE));
    assertThat(smtp.phase()).isEqualTo(Phase.CLOSED);
    assertThatThrownBy(() -> smtp.onLine("NOOP")).isInstanceOf(IllegalStateException.class);
  }
}
