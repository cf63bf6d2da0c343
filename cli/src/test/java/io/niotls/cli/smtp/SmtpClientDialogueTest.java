package io.niotls.cli.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.cli.smtp.SmtpClientDialogue.Action;
import io.niotls.cli.smtp.SmtpClientDialogue.Step;
import org.junit.jupiter.api.Test;

class SmtpClientDialogueTest {
  private final SmtpClientDialogue smtp = new SmtpClientDialogue("niotls");

  @Test
  void aServerOfferingStartTlsIsTakenToTls() {
    assertThat(smtp.onLine("220-mx.test ESMTP")).isEqualTo(new Step(Action.READ, ""));
    assertThat(smtp.onLine("220 welcome")).isEqualTo(new Step(Action.SEND, "EHLO niotls\r\n"));
    assertThat(smtp.onLine("250-mx.test greets niotls").action()).isEqualTo(Action.READ);
    assertThat(smtp.onLine("250-starttls").action()).isEqualTo(Action.READ);
    assertThat(smtp.onLine("250 8BITMIME")).isEqualTo(new Step(Action.SEND, "STARTTLS\r\n"));
    assertThat(smtp.onLine("220 2.0.0 Ready")).isEqualTo(new Step(Action.START_TLS, ""));
    assertThat(smtp.done()).isTrue();
  }

  @Test
  void aServerWithoutStartTlsFails() {
    smtp.onLine("220 mx.test");
    smtp.onLine("250-mx.test");
    assertThat(smtp.onLine("250 8BITMIME"))
        .isEqualTo(new Step(Action.FAIL, "the server does not offer STARTTLS in its EHLO reply"));
  }

  @Test
  void aServerThatDoesNotGreetWith220Fails() {
    assertThat(smtp.onLine("554 go away"))
        .isEqualTo(new Step(Action.FAIL, "the server did not greet with 220: 554 go away"));
  }

  @Test
  void aRefusedStartTlsFails() {
    smtp.onLine("220 mx.test");
    smtp.onLine("250 STARTTLS");
    assertThat(smtp.onLine("454 4.7.0 TLS not available"))
        .isEqualTo(
            new Step(Action.FAIL, "the server refused STARTTLS: 454 4.7.0 TLS not available"));
  }
}
