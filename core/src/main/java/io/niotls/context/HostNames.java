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
    return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
  }
}
