package io.niotls.context;

import java.util.regex.Pattern;

/** Host name facts decided without DNS. */
final class HostNames {
  private static final Pattern IPV4 =
      Pattern.compile(
          "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  private HostNames() {}

  /** IPv4 dotted quad or IPv6 literal (with or without brackets): never sent as SNI. */
  static boolean isIpLiteral(String host) {
    if (host.indexOf(':') >= 0) {
      return true;
    }
    // a dotted quad ends in a digit: names like "localhost" skip the pattern (asked per connection)
    return !host.isEmpty()
        && Character.isDigit(host.charAt(host.length() - 1))
        && IPV4.matcher(host).matches();
  }
}
