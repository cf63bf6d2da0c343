package io.niotls.cli.starttls;

import java.util.Locale;
import java.util.Set;

/**
 * The server side of a small FTP control connection (RFC 959) that requires AUTH TLS (RFC 4217)
 * before login: enough for {@code openssl s_client -starttls ftp} and {@code niotls client
 * --starttls ftp}. There are no data connections and no files.
 *
 * <ul>
 *   <li>The greeting is {@code 220}. Before TLS only AUTH, FEAT, NOOP and QUIT are served; every
 *       other command gets {@code 530} saying to send AUTH TLS first. FEAT lists {@code AUTH TLS},
 *       {@code PBSZ} and {@code PROT}. {@code AUTH TLS} (also {@code TLS-C} and {@code SSL}, which
 *       older clients send) is answered {@code 234}, then TLS starts on the control connection;
 *       other mechanisms get {@code 504}.
 *   <li>After TLS: USER ({@code 331}) and PASS ({@code 230}) with anything; {@code PBSZ 0} ({@code
 *       200 PBSZ=0}); {@code PROT P} ({@code 200}, after PBSZ: {@code 503} before it), {@code PROT
 *       C} {@code 534}, S and E {@code 536}; PWD, CWD /, SYST, TYPE, NOOP; a second AUTH gets
 *       {@code 503}.
 *   <li>Data connections are not served: PASV, EPSV, PORT and EPRT get {@code 502}, and LIST, NLST,
 *       MLSD, RETR, STOR, APPE and STOU {@code 425}, each saying this server serves the control
 *       connection only.
 *   <li>QUIT is answered {@code 221}, then the caller closes. Unknown commands get {@code 500}.
 * </ul>
 *
 * <p>Not thread-safe: one per connection.
 */
public final class FtpServerDialogue implements ServerDialogue {
  /** A text line; RFC 959 sets no limit. */
  public static final int MAX_LINE = 998;

  private static final Set<String> BEFORE_TLS = Set.of("AUTH", "FEAT", "NOOP", "QUIT");
  private static final Set<String> PASSIVE_OR_PORT = Set.of("PASV", "EPSV", "PORT", "EPRT");
  private static final Set<String> TRANSFERS =
      Set.of("LIST", "NLST", "MLSD", "RETR", "STOR", "APPE", "STOU");
  private static final String CONTROL_ONLY =
      "this demo server serves the control connection only, no data connections";

  private Phase phase = Phase.PLAIN;
  private boolean userGiven;
  private boolean loggedIn;
  private boolean bufferSizeSet;

  @Override
  public int maxLine() {
    return MAX_LINE;
  }

  @Override
  public String greeting() {
    return "220 niotls FTP demo ready (AUTH TLS required; control connection only)\r\n";
  }

  @Override
  public boolean upgrading() {
    return phase == Phase.UPGRADING;
  }

  @Override
  public void tlsStarted() {
    phase = phase.afterHandshake();
  }

  @Override
  public Reply lineTooLong() {
    return Reply.of("500 Line too long");
  }

  @Override
  public Reply onLine(String line) {
    phase.checkReading();
    int space = line.indexOf(' ');
    String command = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    String argument = space < 0 ? "" : line.substring(space + 1).strip();
    if (phase == Phase.PLAIN && !BEFORE_TLS.contains(command)) {
      return Reply.of("530 Send AUTH TLS first: this server requires TLS before login");
    }
    switch (command) {
      case "AUTH":
        return auth(argument);
      case "FEAT":
        return Reply.of("211-Features:", " AUTH TLS", " PBSZ", " PROT", "211 End");
      case "NOOP":
        return Reply.of("200 NOOP ok");
      case "QUIT":
        phase = Phase.CLOSED;
        return Reply.close("221 Goodbye");
      case "USER":
        if (argument.isEmpty()) {
          return Reply.of("501 Syntax: USER <name>");
        }
        userGiven = true;
        loggedIn = false;
        return Reply.of("331 Any password will do");
      case "PASS":
        if (!userGiven) {
          return Reply.of("503 Send USER first");
        }
        loggedIn = true;
        return Reply.of("230 Logged in");
      case "PBSZ":
        if (argument.isEmpty()) {
          return Reply.of("501 Syntax: PBSZ 0");
        }
        bufferSizeSet = true;
        return Reply.of("200 PBSZ=0"); // RFC 4217 9: TLS needs no buffer size; 0 is the answer
      case "PROT":
        return prot(argument);
      case "SYST":
        return Reply.of("215 UNIX Type: L8");
      default:
        break;
    }
    if (!loggedIn && Set.of("PWD", "CWD", "TYPE").contains(command)
        || PASSIVE_OR_PORT.contains(command)
        || TRANSFERS.contains(command)) {
      if (!loggedIn) {
        return Reply.of("530 Log in first (USER and PASS)");
      }
      return PASSIVE_OR_PORT.contains(command)
          ? Reply.of("502 " + command + " is not served: " + CONTROL_ONLY)
          : Reply.of("425 No data connection for " + command + ": " + CONTROL_ONLY);
    }
    return switch (command) {
      case "PWD" -> Reply.of("257 \"/\" is the current directory");
      case "CWD" ->
          argument.equals("/")
              ? Reply.of("250 Directory is /")
              : Reply.of("550 No such directory: this demo has no files");
      case "TYPE" ->
          Set.of("A", "I", "A N", "L 8").contains(argument.toUpperCase(Locale.ROOT))
              ? Reply.of("200 Type set to " + argument.toUpperCase(Locale.ROOT))
              : Reply.of("504 Type not supported: " + printable(argument));
      default -> Reply.of("500 Unknown command");
    };
  }

  private Reply auth(String argument) {
    if (phase == Phase.SECURE) {
      return Reply.of("503 TLS is already active");
    }
    if (argument.isEmpty()) {
      return Reply.of("501 Syntax: AUTH TLS");
    }
    String mechanism = argument.toUpperCase(Locale.ROOT);
    if (!Set.of("TLS", "TLS-C", "SSL").contains(mechanism)) {
      return Reply.of("504 Security mechanism not understood: use AUTH TLS");
    }
    phase = Phase.UPGRADING;
    return Reply.startTls("234 AUTH " + mechanism + " successful: start the TLS handshake");
  }

  private Reply prot(String argument) {
    if (!bufferSizeSet) {
      return Reply.of("503 Send PBSZ first (RFC 4217 9)");
    }
    return switch (argument.toUpperCase(Locale.ROOT)) {
      case "P" -> Reply.of("200 Protection level set to Private");
      case "C" -> Reply.of("534 Only PROT P: data would go in the clear");
      case "S", "E" -> Reply.of("536 PROT " + argument + " is not supported with TLS");
      default -> Reply.of("504 Syntax: PROT P");
    };
  }

  /** The text with anything unprintable replaced, safe to send back. */
  private static String printable(String text) {
    String cut = text.length() > 40 ? text.substring(0, 40) : text;
    return cut.replaceAll("[^ -~]", "?");
  }
}
