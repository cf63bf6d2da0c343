package io.niotls.cli.smtp;

import java.util.List;
import java.util.Locale;

/**
 * The argument of {@code MAIL FROM:<path> [parameters]} or {@code RCPT TO:<path> [parameters]} (RFC
 * 5321 4.1.2), taken apart: the address between the angle brackets and the ESMTP parameters after
 * them.
 *
 * <p>Deliberately small: an address is accepted when it is printable ASCII without spaces or angle
 * brackets, at most 254 characters (RFC 5321 4.5.3.1.3: a path is 256 octets with its brackets),
 * and has a local part and a domain around its last {@code @}. Quoted local parts with spaces and
 * internationalized addresses (SMTPUTF8 is not offered) are refused. A source route ({@code
 * <@a,@b:user@c>}) is accepted and ignored, as RFC 5321 4.1.1.3 asks of servers.
 *
 * @param address the address without brackets; empty for the null reverse-path {@code <>}
 * @param parameters the ESMTP parameters, such as {@code BODY=8BITMIME}, as given
 */
public record MailPath(String address, List<String> parameters) {
  /** RFC 5321 4.5.3.1.3: 256 octets for a path, with its angle brackets. */
  static final int MAX_ADDRESS = 254;

  /**
   * Parses the argument of MAIL or RCPT.
   *
   * @param argument what follows the verb and its space, e.g. {@code FROM:<a@example.org>}
   * @param keyword {@code FROM:} or {@code TO:}; matched without regard to case, and a space may
   *     follow it (many clients send one, though RFC 5321 has none)
   * @return the path and parameters, or null when the argument does not have that shape
   */
  public static MailPath parse(String argument, String keyword) {
    if (!argument.regionMatches(true, 0, keyword, 0, keyword.length())) {
      return null;
    }
    String rest = argument.substring(keyword.length()).stripLeading();
    int close = rest.indexOf('>');
    if (!rest.startsWith("<") || close < 0) {
      return null;
    }
    String after = rest.substring(close + 1);
    if (!after.isEmpty() && after.charAt(0) != ' ') {
      return null;
    }
    String address = withoutSourceRoute(rest.substring(1, close));
    List<String> parameters = after.isBlank() ? List.of() : List.of(after.strip().split(" +"));
    return new MailPath(address, parameters);
  }

  /** Whether this is the null reverse-path {@code <>}, allowed in MAIL FROM only. */
  public boolean isNull() {
    return address.isEmpty();
  }

  /**
   * Whether the address is one this server accepts: {@code local@domain}, or (for RCPT, RFC 5321
   * 4.1.1.3) the bare {@code postmaster}.
   */
  public boolean isMailbox(boolean postmasterAllowed) {
    if (address.isEmpty() || address.length() > MAX_ADDRESS) {
      return false;
    }
    for (int i = 0; i < address.length(); i++) {
      char c = address.charAt(i);
      if (c <= ' ' || c > '~' || c == '<' || c == '>') {
        return false;
      }
    }
    if (postmasterAllowed && address.toLowerCase(Locale.ROOT).equals("postmaster")) {
      return true;
    }
    int at = address.lastIndexOf('@');
    return at > 0 && at < address.length() - 1;
  }

  private static String withoutSourceRoute(String path) {
    int colon = path.indexOf(':');
    return path.startsWith("@") && colon > 0 ? path.substring(colon + 1) : path;
  }
}
