package io.niotls.loop;

import io.niotls.uri.AddressText;
import io.niotls.uri.TransportUri;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/** Socket addresses as people write them ({@code [::1]:8443}), and where they come from. */
final class Addresses {
  private Addresses() {}

  /** {@code 127.0.0.1:8443}, {@code [::1]:8443}: see {@link AddressText#of}. */
  static String text(InetSocketAddress address) {
    return AddressText.of(address);
  }

  /** Several addresses, comma-separated: {@code [::1]:8443, 127.0.0.1:8443}. */
  static String text(List<InetSocketAddress> addresses) {
    StringBuilder text = new StringBuilder();
    for (InetSocketAddress address : addresses) {
      text.append(text.length() == 0 ? "" : ", ").append(text(address));
    }
    return text.toString();
  }

  /**
   * Turns a URI's host into the addresses to connect to or listen on, in the order to use them. The
   * clients and servers of this package use {@link #SYSTEM}; tests give their own, since the
   * machine's resolver decides what a name like {@code localhost} means.
   */
  @FunctionalInterface
  interface Lookup {
    /** The system resolver: {@link TransportUri#resolveAll()}. May block on DNS. */
    Lookup SYSTEM = TransportUri::resolveAll;

    /**
     * At least one address, with the URI's port.
     *
     * @throws java.net.UnknownHostException if the host does not resolve
     */
    List<InetSocketAddress> addresses(TransportUri uri) throws IOException;
  }
}
