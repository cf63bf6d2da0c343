package io.niotls.loop;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** Socket addresses as people write them: {@code 127.0.0.1:8443}, {@code [::1]:8443}. */
final class Addresses {
  private Addresses() {}

  static String text(InetSocketAddress address) {
    if (address == null) {
      return "(unknown)";
    }
    String host =
        address.isUnresolved() ? address.getHostString() : address.getAddress().getHostAddress();
    int zone = host.indexOf('%');
    if (zone >= 0 && address.getAddress() instanceof Inet6Address) {
      host = host.substring(0, zone);
    }
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
