package io.niotls.cli.starttls;

import java.util.Locale;
import java.util.Set;

/**
 * The server side of a small POP3 conversation (RFC 1939) that requires STLS (RFC 2595 4) before
 * USER and PASS: enough for {@code openssl s_client -starttls pop3}, curl and {@code niotls client
 * --starttls pop3}. The maildrop is empty: any user and password log in.
 *
 * <ul>
 *   <li>The greeting is {@code +OK}. Before TLS, CAPA (RFC 2449) lists {@code STLS}; USER, PASS,
 *       APOP and AUTH get {@code -ERR} saying to use STLS first. STLS is answered {@code +OK}, then
 *       TLS starts.
 *   <li>After TLS, CAPA lists {@code USER} and {@code UIDL} instead, a second STLS gets {@code
 *       -ERR}, and USER then PASS log in with anything.
 *   <li>Logged in (the TRANSACTION state): STAT is {@code +OK 0 0}, LIST and UIDL are empty
 *       multi-line lists, RETR, DELE, TOP and LIST or UIDL of a message get {@code -ERR} no such
 *       message; NOOP and RSET {@code +OK}.
 *   <li>QUIT is answered {@code +OK}, then the caller closes. Unknown commands get {@code -ERR}.
 * </ul>
 *
 * <p>Not thread-safe: one per connection.
 */
public final class Pop3ServerDialogue implements ServerDialogue {
  /** RFC 2449 4: command lines are at most 255 octets; this allows some slack. */
  public static final int MAX_LINE = 510;

  private static final Set<String> TRANSACTION =
      Set.of("STAT", "LIST", "UIDL", "RETR", "DELE", "TOP", "NOOP", "RSET");

  private Phase phase = Phase.PLAIN;
  private String user; // given by USER, waiting for PASS
  private boolean loggedIn;

  @Override
  public int maxLine() {
    return MAX_LINE;
  }

  @Override
  public String greeting() {
    return "+OK niotls POP3 demo ready\r\n";
  }

  @Override
  public boolean upgrading() {
    return phase == Phase.UPGRADING;
  }

  @Override
  public void tlsStarted() {
    phase = phase.afterHandshake();
    user = null;
  }

  @Override
  public Reply lineTooLong() {
    return Reply.of("-ERR Line too long");
  }

  @Override
  public Reply onLine(String line) {
    phase.checkReading();
    int space = line.indexOf(' ');
    String command = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    String argument = space < 0 ? "" : line.substring(space + 1).strip();
    switch (command) {
      case "CAPA":
        return phase == Phase.PLAIN
            ? Reply.of("+OK Capability list follows", "STLS", ".")
            : Reply.of("+OK Capability list follows", "USER", "UIDL", ".");
      case "STLS":
        return stls(argument);
      case "USER", "PASS", "APOP", "AUTH":
        return login(command, argument);
      case "QUIT":
        phase = Phase.CLOSED;
        return Reply.close("+OK niotls POP3 demo signing off");
      default:
        break;
    }
    if (!TRANSACTION.contains(command)) {
      return Reply.of("-ERR Unknown command");
    }
    if (!loggedIn) {
      return Reply.of("-ERR Log in first (USER and PASS, after STLS)");
    }
    return switch (command) {
      case "STAT" -> Reply.of("+OK 0 0");
      case "LIST" ->
          argument.isEmpty()
              ? Reply.of("+OK 0 messages (0 octets)", ".")
              : Reply.of("-ERR No such message");
      case "UIDL" -> argument.isEmpty() ? Reply.of("+OK", ".") : Reply.of("-ERR No such message");
      case "NOOP", "RSET" -> Reply.of("+OK");
      default -> Reply.of("-ERR No such message"); // RETR, DELE, TOP
    };
  }

  private Reply stls(String argument) {
    if (phase == Phase.SECURE) {
      return Reply.of("-ERR Command not permitted when TLS is active");
    }
    if (!argument.isEmpty()) {
      return Reply.of("-ERR STLS takes no argument");
    }
    phase = Phase.UPGRADING;
    return Reply.startTls("+OK Begin TLS negotiation");
  }

  private Reply login(String command, String argument) {
    if (phase == Phase.PLAIN) {
      return Reply.of("-ERR Use STLS first: this server takes no credentials in plaintext");
    }
    if (loggedIn) {
      return Reply.of("-ERR Already logged in");
    }
    switch (command) {
      case "USER" -> {
        if (argument.isEmpty()) {
          return Reply.of("-ERR Syntax: USER <name>");
        }
        user = argument;
        return Reply.of("+OK Send PASS");
      }
      case "PASS" -> {
        if (user == null) {
          return Reply.of("-ERR Send USER first");
        }
        loggedIn = true;
        return Reply.of("+OK Logged in: the maildrop is empty");
      }
      default -> {
        return Reply.of("-ERR " + command + " is not done by this demo: use USER and PASS");
      }
    }
  }
}
