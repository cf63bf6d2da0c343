package io.niotls.cli.starttls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.cli.starttls.ServerDialogue.Action;
import io.niotls.cli.starttls.ServerDialogue.Reply;
import org.junit.jupiter.api.Test;

class FtpServerDialogueTest {
  private final FtpServerDialogue ftp = new FtpServerDialogue();

  @Test
  void beforeTlsOnlyAuthFeatNoopAndQuitAreServed() {
    assertThat(ftp.greeting()).startsWith("220 ");
    assertThat(ftp.onLine("FEAT").text())
        .isEqualTo("211-Features:\r\n AUTH TLS\r\n PBSZ\r\n PROT\r\n211 End\r\n");
    assertThat(ftp.onLine("USER anonymous").text())
        .isEqualTo("530 Send AUTH TLS first: this server requires TLS before login\r\n");
    assertThat(ftp.onLine("AUTH KERBEROS_V4").text())
        .isEqualTo("504 Security mechanism not understood: use AUTH TLS\r\n");
  }

  @Test
  void authTlsIsAnswered234ThenTheControlConnectionUpgrades() {
    assertThat(ftp.onLine("auth tls"))
        .isEqualTo(
            new Reply("234 AUTH TLS successful: start the TLS handshake\r\n", Action.START_TLS));
    assertThatThrownBy(() -> ftp.onLine("FEAT")).isInstanceOf(IllegalStateException.class);
    ftp.tlsStarted();
    assertThat(ftp.onLine("AUTH TLS").text()).isEqualTo("503 TLS is already active\r\n");
  }

  @Test
  void overTlsLoginProtectionAndDirectoryCommandsAreAnswered() {
    secure();
    assertThat(ftp.onLine("PWD").text()).isEqualTo("530 Log in first (USER and PASS)\r\n");
    assertThat(ftp.onLine("USER anonymous").text()).isEqualTo("331 Any password will do\r\n");
    assertThat(ftp.onLine("PASS a@b").text()).isEqualTo("230 Logged in\r\n");
    assertThat(ftp.onLine("PROT P").text()).isEqualTo("503 Send PBSZ first (RFC 4217 9)\r\n");
    assertThat(ftp.onLine("PBSZ 0").text()).isEqualTo("200 PBSZ=0\r\n");
    assertThat(ftp.onLine("PROT P").text()).isEqualTo("200 Protection level set to Private\r\n");
    assertThat(ftp.onLine("PROT C").text())
        .isEqualTo("534 Only PROT P: data would go in the clear\r\n");
    assertThat(ftp.onLine("PWD").text()).isEqualTo("257 \"/\" is the current directory\r\n");
    assertThat(ftp.onLine("TYPE I").text()).isEqualTo("200 Type set to I\r\n");
    assertThat(ftp.onLine("SYST").text()).isEqualTo("215 UNIX Type: L8\r\n");
  }

  @Test
  void dataConnectionsAreRefusedSayingWhy() {
    secure();
    ftp.onLine("USER a");
    ftp.onLine("PASS b");
    assertThat(ftp.onLine("EPSV").text())
        .isEqualTo(
            "502 EPSV is not served: this demo server serves the control connection only, no"
                + " data connections\r\n");
    assertThat(ftp.onLine("LIST").text())
        .isEqualTo(
            "425 No data connection for LIST: this demo server serves the control connection"
                + " only, no data connections\r\n");
    assertThat(ftp.onLine("QUIT")).isEqualTo(new Reply("221 Goodbye\r\n", Action.CLOSE));
  }

  private void secure() {
    ftp.onLine("AUTH TLS");
    ftp.tlsStarted();
  }
}
