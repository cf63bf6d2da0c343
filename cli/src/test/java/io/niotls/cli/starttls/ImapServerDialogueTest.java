package io.niotls.cli.starttls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.cli.starttls.ServerDialogue.Action;
import io.niotls.cli.starttls.ServerDialogue.Reply;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ImapServerDialogueTest {
  private final ImapServerDialogue imap = new ImapServerDialogue();

  @Test
  void beforeTlsCapabilityOffersStartTlsAndSaysLoginIsDisabled() {
    assertThat(imap.greeting()).isEqualTo("* OK niotls IMAP demo ready\r\n");
    assertThat(imap.onLine("a1 CAPABILITY"))
        .isEqualTo(
            new Reply(
                "* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\na1 OK CAPABILITY completed\r\n",
                Action.CONTINUE));
  }

  @Test
  void loginAndOtherCommandsAreRefusedUntilTls() {
    assertThat(imap.onLine("a1 LOGIN user pass").text())
        .isEqualTo("a1 NO [PRIVACYREQUIRED] LOGIN is disabled before STARTTLS\r\n");
    assertThat(imap.onLine("a2 AUTHENTICATE PLAIN").text())
        .isEqualTo("a2 NO [PRIVACYREQUIRED] Use STARTTLS first\r\n");
    assertThat(imap.onLine("a3 LIST \"\" *").text())
        .isEqualTo("a3 NO [PRIVACYREQUIRED] Use STARTTLS first\r\n");
    assertThat(imap.onLine("a4 NOOP").text()).isEqualTo("a4 OK NOOP completed\r\n");
  }

  @Test
  void startTlsIsAnsweredThenNoLineMayBeReadUntilTheHandshakeIsDone() {
    assertThat(imap.onLine(". STARTTLS"))
        .isEqualTo(new Reply(". OK Begin TLS negotiation now\r\n", Action.START_TLS));
    assertThat(imap.upgrading()).isTrue();
    assertThatThrownBy(() -> imap.onLine("a2 CAPABILITY"))
        .isInstanceOf(IllegalStateException.class);
    imap.tlsStarted();
    assertThat(imap.onLine("a3 CAPABILITY").text())
        .isEqualTo("* CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR\r\na3 OK CAPABILITY completed\r\n");
    assertThat(imap.onLine("a4 STARTTLS").text()).isEqualTo("a4 BAD TLS is already active\r\n");
  }

  @Test
  void overTlsAnyCredentialsLogInAndTheListIsEmpty() {
    secure();
    assertThat(imap.onLine("a1 LIST \"\" *").text())
        .isEqualTo("a1 BAD LIST is not valid before LOGIN\r\n");
    assertThat(imap.onLine("a2 LOGIN \"any one\" \"pa\\\"ss\"").text())
        .isEqualTo("a2 OK LOGIN completed\r\n");
    assertThat(imap.onLine("a3 LIST \"\" *").text()).isEqualTo("a3 OK LIST completed\r\n");
    assertThat(imap.onLine("a4 list \"\" \"\"").text())
        .isEqualTo("* LIST (\\Noselect) \"/\" \"\"\r\na4 OK LIST completed\r\n");
    assertThat(imap.onLine("a5 SELECT INBOX").text())
        .isEqualTo("a5 NO [NONEXISTENT] This demo has no mailboxes\r\n");
    assertThat(imap.onLine("a6 LOGOUT"))
        .isEqualTo(
            new Reply(
                "* BYE niotls IMAP demo logging out\r\na6 OK LOGOUT completed\r\n", Action.CLOSE));
  }

  @Test
  void authenticatePlainWorksInlineAndAfterAContinuation() {
    secure();
    String response =
        Base64.getEncoder().encodeToString("\0user\0secret".getBytes(StandardCharsets.UTF_8));
    assertThat(imap.onLine("a1 AUTHENTICATE PLAIN").text()).isEqualTo("+ \r\n");
    assertThat(imap.onLine(response).text()).isEqualTo("a1 OK AUTHENTICATE completed\r\n");
    ImapServerDialogue inline = new ImapServerDialogue();
    inline.onLine("a STARTTLS");
    inline.tlsStarted();
    assertThat(inline.onLine("b AUTHENTICATE PLAIN " + response).text())
        .isEqualTo("b OK AUTHENTICATE completed\r\n");
    assertThat(inline.onLine("c AUTHENTICATE PLAIN " + response).text())
        .isEqualTo("c BAD Already logged in\r\n");
  }

  @Test
  void badInputGetsBadSayingWhat() {
    assertThat(imap.onLine("").text()).isEqualTo("* BAD Invalid or missing tag\r\n");
    assertThat(imap.onLine("a1").text()).isEqualTo("a1 BAD Missing command\r\n");
    assertThat(imap.onLine("a2 FROB").text()).isEqualTo("a2 BAD Command unknown: FROB\r\n");
    secure();
    assertThat(imap.onLine("a3 LOGIN {4}").text())
        .isEqualTo("a3 BAD Literals are not read by this demo: send quoted strings\r\n");
    assertThat(imap.onLine("a4 LOGIN onlyuser").text())
        .isEqualTo("a4 BAD Syntax: LOGIN <user> <password>\r\n");
    assertThat(imap.onLine("a5 LOGIN \"open quote pass").text())
        .isEqualTo("a5 BAD Syntax: LOGIN <user> <password>\r\n");
  }

  @Test
  void astringsAreAtomsAndQuotedStrings() {
    assertThat(ImapServerDialogue.astrings("a \"b c\" \"\" *"))
        .containsExactly("a", "b c", "", "*");
    assertThat(ImapServerDialogue.astrings("a  b")).isNull();
    assertThat(ImapServerDialogue.astrings("(a)")).isNull();
  }

  private void secure() {
    imap.onLine("s STARTTLS");
    imap.tlsStarted();
  }
}
