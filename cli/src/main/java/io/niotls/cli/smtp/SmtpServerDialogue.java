package io.niotls.cli.smtp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The server side of a small ESMTP conversation (RFC 5321) that requires STARTTLS (RFC 3207) before
 * mail: enough for mail clients on a submission port, curl, Python's smtplib, {@code openssl
 * s_client -starttls smtp} and {@code niotls client --starttls smtp}. Messages are accepted and
 * counted, not stored or relayed. No I/O: it is given lines (and, after {@code DATA}, bytes) and
 * answers with replies and what to do next.
 *
 * <p>The rules it follows, and the replies:
 *
 * <ul>
 *   <li>Before TLS only EHLO, STARTTLS, NOOP and QUIT are served; every other command gets {@code
 *       530 5.7.0}, as RFC 3207 section 4 says of a server that requires TLS (HELO and RSET too:
 *       the RFC's list leaves them out). The EHLO reply offers STARTTLS; STARTTLS needs an EHLO
 *       first ({@code 503}) and takes no parameters ({@code 501}), and is answered {@code 220},
 *       after which the caller starts TLS and no line may be read until {@link #tlsStarted()}.
 *   <li>After TLS everything learned before is forgotten (RFC 3207 4.2): the client must say EHLO
 *       or HELO again ({@code 503} otherwise), the EHLO reply no longer offers STARTTLS, and a
 *       second STARTTLS gets {@code 503}.
 *   <li>A mail transaction is MAIL ({@code 250}; {@code 503} if one is under way), one to {@link
 *       #MAX_RECIPIENTS} RCPT ({@code 250}; {@code 503} before MAIL, {@code 452} past the limit),
 *       DATA ({@code 354}; {@code 503} before a recipient), then the message up to {@code
 *       <CRLF>.<CRLF>} ({@code 250}; see {@link MessageBody}). RSET, EHLO and HELO end a
 *       transaction. Bad syntax gets {@code 501}, unknown MAIL or RCPT parameters {@code 555} (only
 *       {@code BODY=7BIT|8BITMIME} is known).
 *   <li>VRFY is answered {@code 252} (RFC 5321 3.5.3 and 7.3: the server will not tell whether a
 *       mailbox exists, but it takes messages for any). EXPN, HELP and the other commands of SMTP
 *       that this server does not do get {@code 502}; anything else {@code 500}, as does a line
 *       longer than {@link #MAX_LINE}.
 *   <li>QUIT is answered {@code 221} and the caller closes.
 * </ul>
 *
 * <p>Replies carry enhanced status codes (RFC 2034, RFC 3463), which EHLO advertises.
 *
 * <p>Not thread-safe: one per connection, used from its event-loop thread.
 */
public final class SmtpServerDialogue {
  /**
   * Longest command line accepted, without CRLF. RFC 5321 4.5.3.1.4 sets 512 octets with the CRLF
   * and asks servers to be liberal; this is the limit of a text line.
   */
  public static final int MAX_LINE = 998;

  /** Recipients per message: RFC 5321 4.5.3.1.8 asks servers to accept at least 100. */
  public static final int MAX_RECIPIENTS = 100;

  /** Commands served before TLS (RFC 3207 section 4). */
  private static final Set<String> BEFORE_TLS = Set.of("EHLO", "STARTTLS", "NOOP", "QUIT");

  /** Commands of SMTP and its common extensions that this server does not do: 502. */
  private static final Set<String> NOT_IMPLEMENTED =
      Set.of("EXPN", "HELP", "TURN", "ETRN", "ATRN", "AUTH", "BDAT", "SEND", "SOML", "SAML");

  /** Commands this server does. */
  private static final Set<String> IMPLEMENTED =
      Set.of("EHLO", "HELO", "MAIL", "RCPT", "DATA", "RSET", "NOOP", "QUIT", "VRFY", "STARTTLS");

  /** Where the conversation is. */
  public enum Phase {
    /** Plaintext, before or after EHLO. */
    PLAIN,
    /** STARTTLS was accepted; waiting for the TLS handshake. Lines now are injected plaintext. */
    UPGRADING,
    /** TLS is up: commands. */
    SECURE,
    /** After DATA's 354: the message's bytes go to {@link #onMessageData}, not to onLine. */
    MESSAGE,
    /** QUIT was answered. */
    CLOSED
  }

  /** What the caller does after sending {@link Reply#text()}. */
  public enum Action {
    /** Nothing more: read the next line (or message data, in {@link Phase#MESSAGE}). */
    CONTINUE,
    /** Start TLS now: the 220 reply went out in plaintext, the next bytes are a ClientHello. */
    START_TLS,
    /** Close the connection. */
    CLOSE
  }

  /** A message accepted: its envelope, and its size without transparency dots. */
  public record Message(String from, List<String> to, long bytes) {
    /** {@code message 1 from <a@example.org> to <b@example.org>, <c@example.org>: 123 bytes}. */
    public String describe(long number) {
      return "message "
          + number
          + " from <"
          + from
          + "> to "
          + to.stream().map(a -> "<" + a + ">").collect(Collectors.joining(", "))
          + ": "
          + bytes
          + " bytes";
    }
  }

  /**
   * Text to send (CRLF-terminated lines) and the next step.
   *
   * @param message the message this reply accepts, or null
   */
  public record Reply(String text, Action action, Message message) {
    public Reply(String text, Action action) {
      this(text, action, null);
    }

    static Reply of(String text) {
      return new Reply(text + "\r\n", Action.CONTINUE);
    }
  }

  private final String hostname;
  private Phase phase = Phase.PLAIN;
  private boolean helloed;
  private String from; // null: no transaction under way
  private final List<String> recipients = new ArrayList<>();
  private MessageBody body;

  /**
   * @param hostname the name the server gives for itself in its replies
   */
  public SmtpServerDialogue(String hostname) {
    this.hostname = hostname;
  }

  /** The 220 greeting sent when the connection opens. */
  public String greeting() {
    return "220 " + hostname + " ESMTP niotls\r\n";
  }

  public Phase phase() {
    return phase;
  }

  /**
   * Answers one command line (without its CRLF).
   *
   * @throws IllegalStateException in {@link Phase#UPGRADING} (whatever follows STARTTLS before the
   *     handshake is injected plaintext, for the caller to refuse: CVE-2011-0411), {@link
   *     Phase#MESSAGE} (message data goes to {@link #onMessageData}) and {@link Phase#CLOSED}
   */
  public Reply onLine(String line) {
    if (phase != Phase.PLAIN && phase != Phase.SECURE) {
      throw new IllegalStateException("no SMTP command may be read while " + phase);
    }
    int space = line.indexOf(' ');
    String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    String argument = space < 0 ? "" : line.substring(space + 1);
    if (!IMPLEMENTED.contains(verb) && !NOT_IMPLEMENTED.contains(verb)) {
      return Reply.of("500 5.5.2 Syntax error, command unrecognized");
    }
    if (phase == Phase.PLAIN && !BEFORE_TLS.contains(verb)) {
      return Reply.of("530 5.7.0 Must issue a STARTTLS command first");
    }
    return switch (verb) {
      case "EHLO" -> hello(argument, true);
      case "HELO" -> hello(argument, false);
      case "STARTTLS" -> startTls(argument);
      case "MAIL" -> mail(argument);
      case "RCPT" -> rcpt(argument);
      case "DATA" -> data(argument);
      case "RSET" -> rset(argument);
      case "NOOP" -> Reply.of("250 2.0.0 OK");
      case "VRFY" ->
          argument.isBlank()
              ? Reply.of("501 5.5.4 Syntax: VRFY <address>")
              : Reply.of("252 2.0.0 Cannot VRFY user, but will accept message for it");
      case "QUIT" -> {
        phase = Phase.CLOSED;
        yield new Reply("221 2.0.0 " + hostname + " closing connection\r\n", Action.CLOSE);
      }
      default -> Reply.of("502 5.5.1 Command not implemented");
    };
  }

  /**
   * Reads message data in {@link Phase#MESSAGE}, taking from {@code data} no more than the message
   * and its end line, so a command pipelined after it stays for {@link #onLine}.
   *
   * @return null while the message goes on; at its end the 250 reply, carrying the {@link Message},
   *     and the dialogue is back to commands
   * @throws IllegalStateException outside {@link Phase#MESSAGE}
   */
  public Reply onMessageData(ByteBuffer data) {
    if (phase != Phase.MESSAGE) {
      throw new IllegalStateException("no message data may be read while " + phase);
    }
    if (!body.read(data)) {
      return null;
    }
    Message message = new Message(from, List.copyOf(recipients), body.bytes());
    phase = Phase.SECURE;
    resetTransaction();
    return new Reply("250 2.0.0 Message accepted\r\n", Action.CONTINUE, message);
  }

  /** The TLS handshake after STARTTLS finished: the conversation starts over, EHLO first. */
  public void tlsStarted() {
    if (phase != Phase.UPGRADING) {
      throw new IllegalStateException("TLS started while " + phase + ", not after STARTTLS");
    }
    phase = Phase.SECURE;
    // RFC 3207 4.2: forget what the client said before TLS; it must say EHLO again
    helloed = false;
    resetTransaction();
  }

  /**
   * The answer to a command line longer than {@link #MAX_LINE}. The conversation goes on: the
   * caller skips the rest of that line.
   */
  public Reply lineTooLong() {
    return Reply.of("500 5.5.2 Line too long");
  }

  private Reply hello(String argument, boolean extended) {
    String client = argument.strip();
    if (client.isEmpty() || !printable(client)) {
      return Reply.of("501 5.5.4 Syntax: " + (extended ? "EHLO" : "HELO") + " <your host name>");
    }
    helloed = true;
    resetTransaction(); // RFC 5321 4.1.4: EHLO in a transaction is as RSET then EHLO
    String first = hostname + " greets " + client;
    if (!extended) {
      return Reply.of("250 " + first);
    }
    List<String> lines = new ArrayList<>(List.of(first, "8BITMIME", "ENHANCEDSTATUSCODES"));
    if (phase == Phase.PLAIN) {
      lines.add("STARTTLS"); // RFC 3207 4.2: never offered once TLS is up
    }
    StringBuilder reply = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      reply.append(i < lines.size() - 1 ? "250-" : "250 ").append(lines.get(i)).append("\r\n");
    }
    return new Reply(reply.toString(), Action.CONTINUE);
  }

  private Reply startTls(String argument) {
    if (phase == Phase.SECURE) {
      return Reply.of("503 5.5.1 TLS already active");
    }
    if (!argument.isBlank()) {
      return Reply.of("501 5.5.4 Syntax: STARTTLS takes no parameters");
    }
    if (!helloed) {
      return Reply.of("503 5.5.1 Send EHLO first");
    }
    phase = Phase.UPGRADING;
    return new Reply("220 2.0.0 Ready to start TLS\r\n", Action.START_TLS);
  }

  private Reply mail(String argument) {
    if (!helloed) {
      return Reply.of("503 5.5.1 Send EHLO or HELO first");
    }
    if (from != null) {
      return Reply.of("503 5.5.1 Nested MAIL command: a transaction is under way (RSET ends it)");
    }
    MailPath path = MailPath.parse(argument, "FROM:");
    if (path == null) {
      return Reply.of("501 5.5.4 Syntax: MAIL FROM:<address>");
    }
    if (!path.isNull() && !path.isMailbox(false)) {
      return Reply.of("501 5.1.7 Bad sender address syntax: " + path.address());
    }
    for (String parameter : path.parameters()) {
      String upper = parameter.toUpperCase(Locale.ROOT);
      if (!upper.equals("BODY=7BIT") && !upper.equals("BODY=8BITMIME")) {
        return Reply.of("555 5.5.4 Unsupported MAIL parameter: " + parameter);
      }
    }
    from = path.address();
    return Reply.of("250 2.1.0 Sender <" + from + "> OK");
  }

  private Reply rcpt(String argument) {
    if (from == null) {
      return Reply.of("503 5.5.1 Send MAIL first");
    }
    MailPath path = MailPath.parse(argument, "TO:");
    if (path == null) {
      return Reply.of("501 5.5.4 Syntax: RCPT TO:<address>");
    }
    if (!path.isMailbox(true)) {
      return Reply.of("501 5.1.3 Bad recipient address syntax: " + path.address());
    }
    if (!path.parameters().isEmpty()) {
      return Reply.of("555 5.5.4 Unsupported RCPT parameter: " + path.parameters().get(0));
    }
    if (recipients.size() == MAX_RECIPIENTS) {
      return Reply.of("452 4.5.3 Too many recipients");
    }
    recipients.add(path.address());
    return Reply.of("250 2.1.5 Recipient <" + path.address() + "> OK");
  }

  private Reply data(String argument) {
    if (!argument.isBlank()) {
      return Reply.of("501 5.5.4 Syntax: DATA takes no parameters");
    }
    if (from == null) {
      return Reply.of("503 5.5.1 Send MAIL first");
    }
    if (recipients.isEmpty()) {
      return Reply.of("503 5.5.1 Send RCPT first");
    }
    phase = Phase.MESSAGE;
    body = new MessageBody();
    return Reply.of("354 Send the message; end it with <CRLF>.<CRLF>");
  }

  private Reply rset(String argument) {
    if (!argument.isBlank()) {
      return Reply.of("501 5.5.4 Syntax: RSET takes no parameters");
    }
    resetTransaction();
    return Reply.of("250 2.0.0 OK");
  }

  private void resetTransaction() {
    from = null;
    recipients.clear();
    body = null;
  }

  /** Printable ASCII: nothing that could upset a terminal or a log when echoed. */
  private static boolean printable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < ' ' || c > '~') {
        return false;
      }
    }
    return true;
  }
}
