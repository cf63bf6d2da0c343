package io.niotls.cli.starttls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.cli.starttls.ServerDialogue.Action;
import io.niotls.cli.starttls.ServerDialogue.Reply;
import org.junit.jupiter.api.Test;

class Pop3ServerDialogueTest {
  private final Pop3ServerDialogue pop3 = new Pop3ServerDialogue();

  @Test
  void beforeTlsCapaListsStlsAndCredentialsAreRefused() {
    assertThat(pop3.greeting()).isEqualTo("+OK niotls POP3 demo ready\r\n");
    assertThat(pop3.onLine("CAPA").text())
        .isEqualTo("+OK Capability list follows\r\nSTLS\r\n.\r\n");
    assertThat(pop3.onLine("USER alice").text())
        .isEqualTo("-ERR Use STLS first: this server takes no credentials in plaintext\r\n");
    assertThat(pop3.onLine("STAT").text())
        .isEqualTo("-ERR Log in first (USER and PASS, after STLS)\r\n");
  }

  @Test
  void stlsStartsTlsAndAfterwardsCapaOffersUserInstead() {
    assertThat(pop3.onLine("stls"))
        .isEqualTo(new Reply("+OK Begin TLS negotiation\r\n", Action.START_TLS));
    assertThatThrownBy(() -> pop3.onLine("CAPA")).isInstanceOf(IllegalStateException.class);
    pop3.tlsStarted();
    assertThat(pop3.onLine("CAPA").text())
        .isEqualTo("+OK Capability list follows\r\nUSER\r\nUIDL\r\n.\r\n");
    assertThat(pop3.onLine("STLS").text())
        .isEqualTo("-ERR Command not permitted when TLS is active\r\n");
  }

  @Test
  void overTlsAnyUserLogsInToAnEmptyMaildrop() {
    pop3.onLine("STLS");
    pop3.tlsStarted();
    assertThat(pop3.onLine("PASS x").text()).isEqualTo("-ERR Send USER first\r\n");
    assertThat(pop3.onLine("USER alice").text()).isEqualTo("+OK Send PASS\r\n");
    assertThat(pop3.onLine("PASS secret").text())
        .isEqualTo("+OK Logged in: the maildrop is empty\r\n");
    assertThat(pop3.onLine("STAT").text()).isEqualTo("+OK 0 0\r\n");
    assertThat(pop3.onLine("LIST").text()).isEqualTo("+OK 0 messages (0 octets)\r\n.\r\n");
    assertThat(pop3.onLine("UIDL").text()).isEqualTo("+OK\r\n.\r\n");
    assertThat(pop3.onLine("LIST 1").text()).isEqualTo("-ERR No such message\r\n");
    assertThat(pop3.onLine("RETR 1").text()).isEqualTo("-ERR No such message\r\n");
    assertThat(pop3.onLine("QUIT"))
        .isEqualTo(new Reply("+OK niotls POP3 demo signing off\r\n", Action.CLOSE));
  }

  @Test
  void unknownCommandsGetErr() {
    assertThat(pop3.onLine("FROB").text()).isEqualTo("-ERR Unknown command\r\n");
    assertThat(pop3.onLine("STLS now").text()).isEqualTo("-ERR STLS takes no argument\r\n");
  }
}
