package io.niotls.uri;

import java.util.regex.Pattern;

/** Host syntax checks on lowercase text; pure string work, never a DNS lookup. */
final class HostSyntax {
  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final Pattern IPV4 = Pattern.compile(OCTET + "(\\." + OCTET + "){3}");
  private static final Pattern HEX_GROUP = Pattern.compile("[0-9a-f]{1,4}");
  private static final String LABEL = "[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?";
  private static final Pattern HOST_NAME =
      Pattern.compile("(?=.{1,253}$)" + LABEL + "(\\." + LABEL + ")*\\.?");

  private HostSyntax() {}

  /** A dotted quad without leading zeros: {@code 192.0.2.1}. */
  static boolean isIpv4(String s) {
    return IPV4.matcher(s).matches();
  }

  /**
   * A host name (RFC 1123 labels, underscores allowed, optional trailing dot). Text made only of
   * digits and dots is never a name: {@code 999.1.1.1} and {@code 1.2.3} are refused.
   */
  static boolean isHostName(String s) {
    return !s.matches("[0-9.]+") && HOST_NAME.matcher(s).matches();
  }

  /**
   * RFC 4291 text form, lowercase, no zone id: eight hex groups, or fewer around one "::", the last
   * 32 bits optionally written as dotted IPv4.
   */
  static boolean isIpv6(String s) {
    int gap = s.indexOf("::");
    if (gap < 0) {
      return groups(s, true) == 8;
    }
    if (s.indexOf("::", gap + 1) >= 0) {
      return false;
    }
    int head = groups(s.substring(0, gap), false);
    int tail = groups(s.substring(gap + 2), true);
    return head >= 0 && tail >= 0 && head + tail <= 7;
  }

  /** Counts the 16-bit groups in "a:b:c" (an IPv4 tail counts two), or -1 if malformed. */
  private static int groups(String part, boolean ipv4Tail) {
    if (part.isEmpty()) {
      return 0;
    }
    String[] pieces = part.split(":", -1);
    int count = 0;
    for (int i = 0; i < pieces.length; i++) {
      if (ipv4Tail && i == pieces.length - 1 && isIpv4(pieces[i])) {
        count += 2;
      } else if (HEX_GROUP.matcher(pieces[i]).matches()) {
        count += 1;
      } else {
        return -1;
      }
    }
    return count;
  }
}
