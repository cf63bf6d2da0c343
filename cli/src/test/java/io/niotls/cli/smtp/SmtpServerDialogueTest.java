package io.niotls.cli.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.cli.smtp.SmtpServerDialogue.Action;
import io.niotls.cli.smtp.SmtpServerDialogue.Phase;
import io.niotls.cli.smtp.SmtpServerDialogue.Reply;
import org.junit.jupiter.api.Test;

class SmtpServerDialogueTest {
  private final SmtpServerDialogue smtp = new SmtpServerDialogue("mx.test");

  @Test
  void theGreetingIs220WithTheHostName() {
    assertThat(smtp.greeting()).isEqualTo("220 mx.test ESMTP niotls\r\n");
  }

  @Test
  void ehloAdvertisesStartTlsInPlaintext() {
    Reply reply = smtp.onLine("EHLO client.test");
    assertThat(reply.text())
        .isEqualTo("250-mx.test greets client.test\r\n250-8BITMIME\r\n250 STARTTLS\r\n");
    assertThat(reply.action()).isEqualTo(Action.CONTINUE);
  }

  @Test
  void startTlsAfterEhloIsAnsweredWith220AndStartsTls() {
    smtp.onLine("ehlo client.test");
    Reply reply = smtp.onLine("StartTLS");
    assertThat(reply).isEqualTo(new Reply("220 2.0.0 Ready to start TLS\r\n", Action.START_TLS));
    assertThat(smtp.phase()).isEqualTo(Phase.UPGRADING);
  }

  @Test
  void startTlsBeforeEhloIsRefused() {
    assertThat(smtp.onLine("STARTTLS").text()).isEqualTo("503 5.5.1 Send EHLO first\r\n");
    assertThat(smtp.phase()).isEqualTo(Phase.PLAIN);
  }

  @Test
  void startTlsWithParametersIsRefused() {
    smtp.onLine("EHLO c");
    assertThat(smtp.onLine("STARTTLS now").text()).startsWith("501 ");
  }

  @Test
  void mailCommandsBeforeTlsAreRefusedWith530() {
    smtp.onLine("EHLO c");
    assertThat(smtp.onLine("MAIL FROM:<a@b.test>").text())
        .isEqualTo("530 5.7.0 Must issue a STARTTLS command first\r\n");
  }

  @Test
  void noLineIsAcceptedWhileTheUpgradeIsPending() {
    smtp.onLine("EHLO c");
    smtp.onLine("STARTTLS");
    assertThatThrownBy(() -> smtp.onLine("MAIL FROM:<a@b.test>"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void afterTlsEhloNoLongerOffersStartTlsAndOtherLinesAreEchoed() {
    smtp.onLine("EHLO c");
    smtp.onLine("STARTTLS");
    smtp.tlsStarted();
    assertThat(smtp.phase()).isEqualTo(Phase.SECURE);
    assertThat(smtp.onLine("EHLO c").text()).isEqualTo("250-mx.test greets c\r\n250 8BITMIME\r\n");
    assertThat(smtp.onLine("hello over tls").text()).isEqualTo("hello over tls\r\n");
    assertThat(smtp.onLine("STARTTLS").text()).isEqualTo("503 5.5.1 TLS already active\r\n");
  }

  @Test
  void quitIsAnsweredWith221AndCloses() {
    assertThat(smtp.onLine("QUIT"))
        .isEqualTo(new Reply("221 2.0.0 mx.test closing connection\r\n", Action.CLOSE));
    assertThat(smtp.phase()).isEqualTo(Phase.CLOSED);
  }

  @Test
  void tlsCannotStartWithoutStartTls() {
    assertThatThrownBy(smtp::tlsStarted).isInstanceOf(IllegalStateException.class);
  }
}
