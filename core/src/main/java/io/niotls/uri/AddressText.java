package io.niotls.uri;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Socket addresses as people write them, for messages and listening lines: {@code 127.0.0.1:8443},
 * {@code [::1]:8443}, {@code [fe80::1%eth0]:80}.
 *
 * <p>IPv6 is printed in the RFC 5952 form (lowercase, no leading zeros, the longest run of two or
 * more zero groups as {@code ::}) rather than Java's {@code 0:0:0:0:0:0:0:1}; a zone id, when the
 * address carries one, follows a {@code %} as {@code ip} and {@code ping} show it. Pure formatting:
 * never a DNS lookup.
 */
public final class AddressText {
  private AddressText() {}

  /**
   * {@code host:port}, IPv6 in brackets; an unresolved address shows its host as given, null shows
   * {@code (unknown)}.
   */
  public static String of(InetSocketAddress address) {
    if (address == null) {
      return "(unknown)";
    }
    String host = address.isUnresolved() ? address.getHostString() : host(address.getAddress());
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /** The address alone, without brackets: {@code 192.0.2.1}, {@code ::1}, {@code fe80::1%eth0}. */
  public static String host(InetAddress address) {
    if (!(address instanceof Inet6Address v6)) {
      return address.getHostAddress();
    }
    byte[] bytes = v6.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
    }
    int gapStart = -1;
    int gapLength = 1; // a single zero group stays "0" (RFC 5952 4.2.2)
    for (int i = 0; i < 8; ) {
      int end = i;
      while (end < 8 && groups[end] == 0) {
        end++;
      }
      if (end - i > gapLength) { // strictly longer: the first of equal runs wins (4.2.3)
        gapStart = i;
        gapLength = end - i;
      }
      i = Math.max(end, i + 1);
    }
    StringBuilder text = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == gapStart) {
        text.append("::");
        i += gapLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    if (v6.getScopedInterface() != null) {
      text.append('%').append(v6.getScopedInterface().getName());
    } else if (v6.getScopeId() != 0) {
      text.append('%').append(v6.getScopeId());
    }
    return text.toString();
  }
}
