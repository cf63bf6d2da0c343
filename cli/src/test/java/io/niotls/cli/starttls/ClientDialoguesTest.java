package io.niotls.cli.starttls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.cli.starttls.ClientDialogue.Action;
import io.niotls.cli.starttls.ClientDialogue.Step;
import org.junit.jupiter.api.Test;

/** The IMAP, POP3 and FTP client dialogues, line by line, as a server would answer them. */
class ClientDialoguesTest {
  private static final Step READ = new Step(Action.READ, "");
  private static final Step START_TLS = new Step(Action.START_TLS, "");

  @Test
  void imapAsksForCapabilityThenStartTlsAndAsksAgainOverTls() {
    ImapClientDialogue imap = new ImapClientDialogue();
    assertThat(imap.onLine("* OK [CAPABILITY IMAP4rev1] ready"))
        .isEqualTo(new Step(Action.SEND, "a001 CAPABILITY\r\n"));
    assertThat(imap.onLine("* CAPABILITY IMAP4rev1 starttls LOGINDISABLED")).isEqualTo(READ);
    assertThat(imap.onLine("a001 OK done")).isEqualTo(new Step(Action.SEND, "a002 STARTTLS\r\n"));
    assertThat(imap.onLine("a002 OK Begin TLS negotiation now")).isEqualTo(START_TLS);
    assertThat(imap.done()).isTrue();
    assertThat(imap.afterTls()).isEqualTo("a003 CAPABILITY\r\n");
    assertThatThrownBy(() -> imap.onLine("* OK")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void imapWithoutStartTlsInItsCapabilitiesFails() {
    ImapClientDialogue imap = new ImapClientDialogue();
    imap.onLine("* OK ready");
    imap.onLine("* CAPABILITY IMAP4rev1 AUTH=PLAIN STARTTLSX");
    assertThat(imap.onLine("a001 OK done"))
        .isEqualTo(
            new Step(Action.FAIL, "the server does not offer STARTTLS in its CAPABILITY reply"));
  }

  @Test
  void imapPreauthAndRefusalsFailSayingWhatCame() {
    assertThat(new ImapClientDialogue().onLine("* PREAUTH welcome").text())
        .startsWith("the server greeted with PREAUTH")
        .endsWith("* PREAUTH welcome");
    ImapClientDialogue imap = new ImapClientDialogue();
    imap.onLine("* OK ready");
    imap.onLine("* CAPABILITY IMAP4rev1 STARTTLS");
    imap.onLine("a001 OK done");
    assertThat(imap.onLine("a002 BAD not now"))
        .isEqualTo(new Step(Action.FAIL, "the server refused STARTTLS: a002 BAD not now"));
  }

  @Test
  void pop3ReadsTheCapaListToItsDotThenSendsStls() {
    Pop3ClientDialogue pop3 = new Pop3ClientDialogue();
    assertThat(pop3.onLine("+OK ready")).isEqualTo(new Step(Action.SEND, "CAPA\r\n"));
    assertThat(pop3.onLine("+OK list follows")).isEqualTo(READ);
    assertThat(pop3.onLine("stls")).isEqualTo(READ);
    assertThat(pop3.onLine("SASL PLAIN")).isEqualTo(READ);
    assertThat(pop3.onLine(".")).isEqualTo(new Step(Action.SEND, "STLS\r\n"));
    assertThat(pop3.onLine("+OK go")).isEqualTo(START_TLS);
    assertThat(pop3.afterTls()).isEqualTo("CAPA\r\n");
  }

  @Test
  void pop3WithoutStlsOrCapaFails() {
    Pop3ClientDialogue without = new Pop3ClientDialogue();
    without.onLine("+OK ready");
    without.onLine("+OK list follows");
    without.onLine("USER");
    assertThat(without.onLine("."))
        .isEqualTo(new Step(Action.FAIL, "the server does not offer STLS in its CAPA reply"));
    Pop3ClientDialogue noCapa = new Pop3ClientDialogue();
    noCapa.onLine("+OK ready");
    assertThat(noCapa.onLine("-ERR unknown command").text())
        .startsWith("the server refused CAPA")
        .endsWith("-ERR unknown command");
  }

  @Test
  void ftpReadsAMultiLineGreetingToItsEndThenSendsAuthTls() {
    FtpClientDialogue ftp = new FtpClientDialogue();
    assertThat(ftp.onLine("220-Welcome")).isEqualTo(READ);
    assertThat(ftp.onLine("   any text, even 230 looking")).isEqualTo(READ);
    assertThat(ftp.onLine("220-still the greeting")).isEqualTo(READ);
    assertThat(ftp.onLine("220 ready")).isEqualTo(new Step(Action.SEND, "AUTH TLS\r\n"));
    assertThat(ftp.onLine("234 go ahead")).isEqualTo(START_TLS);
    assertThat(ftp.afterTls()).isNull();
  }

  @Test
  void ftpWaitsThrough120AndFailsOnARefusedAuth() {
    FtpClientDialogue ftp = new FtpClientDialogue();
    assertThat(ftp.onLine("120 ready in 1 minute")).isEqualTo(READ);
    ftp.onLine("220 ready");
    assertThat(ftp.onLine("502 AUTH not implemented"))
        .isEqualTo(new Step(Action.FAIL, "the server refused AUTH TLS: 502 AUTH not implemented"));
    assertThat(new FtpClientDialogue().onLine("SSH-2.0-OpenSSH_9.2").text())
        .isEqualTo("the server's reply is not FTP (RFC 959 4.2): SSH-2.0-OpenSSH_9.2");
  }

  @Test
  void smtpKeepsItsDialogueBehindTheCommonInterface() {
    ClientDialogue smtp = ClientDialogue.smtp("niotls");
    assertThat(smtp.protocol()).isEqualTo("SMTP");
    assertThat(smtp.onLine("220 mx")).isEqualTo(new Step(Action.SEND, "EHLO niotls\r\n"));
    assertThat(smtp.onLine("250 STARTTLS")).isEqualTo(new Step(Action.SEND, "STARTTLS\r\n"));
    assertThat(smtp.onLine("220 go")).isEqualTo(START_TLS);
    assertThat(smtp.afterTls()).isNull();
  }
}
