package io.niotls.cli.starttls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The server side of a small IMAP4rev1 conversation (RFC 3501) that requires STARTTLS (RFC 2595,
 * RFC 3501 6.2.1) before LOGIN: enough for {@code openssl s_client -starttls imap}, curl and {@code
 * niotls client --starttls imap}. There are no mailboxes: any credentials log in, and LIST is
 * empty.
 *
 * <ul>
 *   <li>The greeting is {@code * OK}. Before TLS, CAPABILITY lists {@code STARTTLS} and {@code
 *       LOGINDISABLED}; LOGIN and AUTHENTICATE get {@code NO [PRIVACYREQUIRED]} (RFC 5530), and
 *       only CAPABILITY, NOOP, LOGOUT and STARTTLS are served. STARTTLS is answered {@code OK Begin
 *       TLS negotiation now}, then TLS starts.
 *   <li>After TLS, CAPABILITY lists {@code AUTH=PLAIN} and {@code SASL-IR} instead (RFC 3501 6.2.1
 *       asks a STARTTLS server for AUTH=PLAIN; curl 7.88 remembers the plaintext LOGINDISABLED and
 *       will then only use SASL), a second STARTTLS gets {@code BAD}, and LOGIN with any user and
 *       password (atoms or quoted strings), or AUTHENTICATE PLAIN (RFC 4616) with any, inline or
 *       after a {@code +} continuation, is {@code OK}.
 *   <li>Logged in: LIST and LSUB answer nothing but their {@code OK} (a LIST for the empty name
 *       gives the hierarchy delimiter, {@code /}); SELECT, EXAMINE and STATUS get {@code NO
 *       [NONEXISTENT]}; the other IMAP4rev1 commands get {@code NO} saying the demo does not do
 *       them.
 *   <li>LOGOUT is answered {@code * BYE} and {@code OK}, then the caller closes. Unknown commands,
 *       bad tags and literals ({@code {n}}, which this demo does not read) get {@code BAD}.
 * </ul>
 *
 * <p>Not thread-safe: one per connection.
 */
public final class ImapServerDialogue implements ServerDialogue {
  /** RFC 7162 3.2.1 asks servers to take command lines of at least 8192 octets. */
  public static final int MAX_LINE = 8192;

  private static final Set<String> BEFORE_TLS =
      Set.of("CAPABILITY", "NOOP", "LOGOUT", "STARTTLS", "LOGIN", "AUTHENTICATE");

  /** IMAP4rev1 commands (and common extensions) this demo knows of but does not do. */
  private static final Set<String> NOT_DONE =
      Set.of(
          "CREATE",
          "DELETE",
          "RENAME",
          "SUBSCRIBE",
          "UNSUBSCRIBE",
          "APPEND",
          "CHECK",
          "CLOSE",
          "EXPUNGE",
          "SEARCH",
          "FETCH",
          "STORE",
          "COPY",
          "UID",
          "NAMESPACE",
          "ID",
          "ENABLE",
          "IDLE",
          "MOVE",
          "UNSELECT");

  private Phase phase = Phase.PLAIN;
  private boolean loggedIn;
  private String authenticating; // the tag of an AUTHENTICATE PLAIN waiting for its response

  @Override
  public int maxLine() {
    return MAX_LINE;
  }

  @Override
  public String greeting() {
    return "* OK niotls IMAP demo ready\r\n";
  }

  @Override
  public boolean upgrading() {
    return phase == Phase.UPGRADING;
  }

  @Override
  public void tlsStarted() {
    phase = phase.afterHandshake();
    loggedIn = false;
  }

  @Override
  public Reply lineTooLong() {
    return Reply.of("* BAD Line too long");
  }

  @Override
  public Reply onLine(String line) {
    phase.checkReading();
    if (authenticating != null) {
      String tag = authenticating;
      authenticating = null;
      return plain(tag, line);
    }
    int space = line.indexOf(' ');
    String tag = space < 0 ? line : line.substring(0, space);
    if (!validTag(tag)) {
      return Reply.of("* BAD Invalid or missing tag");
    }
    if (space < 0 || space == line.length() - 1) {
      return Reply.of(tag + " BAD Missing command");
    }
    String rest = line.substring(space + 1);
    int end = rest.indexOf(' ');
    String command = (end < 0 ? rest : rest.substring(0, end)).toUpperCase(Locale.ROOT);
    String arguments = end < 0 ? "" : rest.substring(end + 1);
    if (arguments.matches(".*\\{[0-9]+\\+?}$")) {
      return Reply.of(tag + " BAD Literals are not read by this demo: send quoted strings");
    }
    boolean known =
        BEFORE_TLS.contains(command)
            || NOT_DONE.contains(command)
            || Set.of("LIST", "LSUB", "SELECT", "EXAMINE", "STATUS").contains(command);
    if (!known) {
      return Reply.of(tag + " BAD Command unknown: " + printable(command));
    }
    if (phase == Phase.PLAIN && !BEFORE_TLS.contains(command)) {
      return Reply.of(tag + " NO [PRIVACYREQUIRED] Use STARTTLS first");
    }
    return switch (command) {
      case "CAPABILITY" ->
          arguments.isEmpty()
              ? Reply.of("* CAPABILITY " + capabilities(), tag + " OK CAPABILITY completed")
              : Reply.of(tag + " BAD CAPABILITY takes no arguments");
      case "NOOP" -> Reply.of(tag + " OK NOOP completed");
      case "LOGOUT" -> {
        phase = Phase.CLOSED;
        yield Reply.close("* BYE niotls IMAP demo logging out", tag + " OK LOGOUT completed");
      }
      case "STARTTLS" -> startTls(tag, arguments);
      case "LOGIN" -> login(tag, arguments);
      case "AUTHENTICATE" -> authenticate(tag, arguments);
      default -> loggedIn(tag, command, arguments);
    };
  }

  /** CAPABILITY's list: before TLS it offers STARTTLS and says LOGIN is disabled. */
  private String capabilities() {
    return phase == Phase.PLAIN
        ? "IMAP4rev1 STARTTLS LOGINDISABLED"
        : "IMAP4rev1 AUTH=PLAIN SASL-IR";
  }

  private Reply startTls(String tag, String arguments) {
    if (phase == Phase.SECURE) {
      return Reply.of(tag + " BAD TLS is already active");
    }
    if (!arguments.isEmpty()) {
      return Reply.of(tag + " BAD STARTTLS takes no arguments");
    }
    phase = Phase.UPGRADING;
    return Reply.startTls(tag + " OK Begin TLS negotiation now");
  }

  private Reply login(String tag, String arguments) {
    if (phase == Phase.PLAIN) {
      return Reply.of(tag + " NO [PRIVACYREQUIRED] LOGIN is disabled before STARTTLS");
    }
    if (loggedIn) {
      return Reply.of(tag + " BAD Already logged in");
    }
    List<String> credentials = astrings(arguments);
    if (credentials == null || credentials.size() != 2) {
      return Reply.of(tag + " BAD Syntax: LOGIN <user> <password>");
    }
    loggedIn = true;
    return Reply.of(tag + " OK LOGIN completed");
  }

  /**
   * AUTHENTICATE PLAIN, with the response inline (SASL-IR, RFC 4959) or, without it, a {@code +}
   * continuation asking for it on the next line.
   */
  private Reply authenticate(String tag, String arguments) {
    if (phase == Phase.PLAIN) {
      return Reply.of(tag + " NO [PRIVACYREQUIRED] Use STARTTLS first");
    }
    if (loggedIn) {
      return Reply.of(tag + " BAD Already logged in");
    }
    String[] words = arguments.split(" ", -1);
    if (!words[0].equalsIgnoreCase("PLAIN")) {
      return Reply.of(tag + " NO Unsupported authentication mechanism: use PLAIN or LOGIN");
    }
    if (words.length > 2) {
      return Reply.of(tag + " BAD Syntax: AUTHENTICATE PLAIN [<initial response>]");
    }
    if (words.length == 2) {
      return plain(tag, words[1]);
    }
    authenticating = tag;
    return Reply.of("+ ");
  }

  /** The PLAIN response, base64 of {@code [authzid] NUL user NUL password} (RFC 4616). */
  private Reply plain(String tag, String response) {
    if (response.equals("*")) {
      return Reply.of(tag + " BAD AUTHENTICATE cancelled");
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(response), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException notBase64) {
      return Reply.of(tag + " BAD The PLAIN response is not base64");
    }
    if (decoded.split("\u0000", -1).length != 3) {
      return Reply.of(tag + " BAD The PLAIN response is not [authzid] NUL user NUL password");
    }
    loggedIn = true;
    return Reply.of(tag + " OK AUTHENTICATE completed");
  }

  /** The commands of the authenticated state. */
  private Reply loggedIn(String tag, String command, String arguments) {
    if (!loggedIn) {
      return Reply.of(tag + " BAD " + command + " is not valid before LOGIN");
    }
    switch (command) {
      case "LIST", "LSUB" -> {
        List<String> names = astrings(arguments);
        if (names == null || names.size() != 2) {
          return Reply.of(tag + " BAD Syntax: " + command + " <reference> <mailbox>");
        }
        if (command.equals("LIST") && names.get(1).isEmpty()) {
          // RFC 3501 6.3.8: the hierarchy delimiter, for a LIST of the empty name
          return Reply.of("* LIST (\\Noselect) \"/\" \"\"", tag + " OK LIST completed");
        }
        return Reply.of(tag + " OK " + command + " completed");
      }
      case "SELECT", "EXAMINE", "STATUS" -> {
        return Reply.of(tag + " NO [NONEXISTENT] This demo has no mailboxes");
      }
      default -> {
        return Reply.of(tag + " NO " + command + " is not done by this demo");
      }
    }
  }

  /**
   * Atoms and quoted strings separated by single spaces, their values unquoted; null when the text
   * is not such a list. Mailbox wildcards ({@code *}, {@code %}) count as atom characters here.
   */
  static List<String> astrings(String text) {
    List<String> values = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      StringBuilder value = new StringBuilder();
      if (text.charAt(i) == '"') {
        i++;
        while (i < text.length() && text.charAt(i) != '"') {
          char c = text.charAt(i);
          if (c == '\\') {
            if (i + 1 == text.length()) {
              return null;
            }
            c = text.charAt(++i);
          }
          value.append(c);
          i++;
        }
        if (i == text.length()) {
          return null; // no closing quote
        }
        i++;
      } else {
        while (i < text.length() && text.charAt(i) != ' ') {
          char c = text.charAt(i++);
          if (c < '!' || c > '~' || "(){\"\\".indexOf(c) >= 0) {
            return null;
          }
          value.append(c);
        }
        if (value.length() == 0) {
          return null; // two spaces in a row
        }
      }
      values.add(value.toString());
      if (i < text.length()) {
        if (text.charAt(i) != ' ' || i == text.length() - 1) {
          return null;
        }
        i++;
      }
    }
    return values;
  }

  /** RFC 3501 tag: ASTRING-CHARs except {@code +}; printable ASCII without the specials. */
  private static boolean validTag(String tag) {
    if (tag.isEmpty()) {
      return false;
    }
    for (int i = 0; i < tag.length(); i++) {
      char c = tag.charAt(i);
      if (c < '!' || c > '~' || "(){%*\"\\+".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  /** The text with anything unprintable replaced, safe to send back. */
  private static String printable(String text) {
    String cut = text.length() > 40 ? text.substring(0, 40) : text;
    return cut.replaceAll("[^!-~]", "?");
  }
}
