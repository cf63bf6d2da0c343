package io.niotls.loop;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A server's listening sockets: bound on every address of its host, on one port. */
final class Listeners {
  /** Tries at port 0 to find one port free on every address of a host name. */
  private static final int EPHEMERAL_ATTEMPTS = 8;

  private Listeners() {}

  /**
   * Binds every one of {@code addresses} (duplicates once) on one port: {@code port}, or for 0 the
   * port the first bind got, tried again with another ephemeral port if that one is taken on a
   * later address. Addresses that cannot be bound here for other reasons are left out, unless none
   * is left.
   */
  static List<ServerSocketChannel> bindAll(
      List<InetSocketAddress> addresses, int port, ServerOptions options) throws IOException {
    Set<InetAddress> hosts = new LinkedHashSet<>();
    for (InetSocketAddress address : addresses) {
      hosts.add(address.getAddress());
    }
    if (hosts.isEmpty()) {
      throw new UnknownHostException("no address to listen on");
    }
    for (int attempt = 1; ; attempt++) {
      List<ServerSocketChannel> bound = new ArrayList<>();
      IOException unbindable = null;
      int next = port;
      try {
        for (InetAddress host : hosts) {
          InetSocketAddress to = new InetSocketAddress(host, next);
          try {
            ServerSocketChannel listener = listen(to, options);
            bound.add(listener);
            next = ((InetSocketAddress) listener.getLocalAddress()).getPort();
          } catch (BindException e) {
            if (inUse(e) || hosts.size() == 1) {
              throw explain(e, to, options);
            }
            unbindable = keep(unbindable, explain(e, to, options));
          } catch (IOException | UnsupportedAddressTypeException e) {
            if (hosts.size() == 1) {
              throw e instanceof IOException io ? io : new BindException(cannotListen(to, e));
            }
            unbindable = keep(unbindable, new BindException(cannotListen(to, e)));
          }
        }
      } catch (BindException e) {
        closeAll(bound);
        if (port == 0 && !bound.isEmpty() && inUse(e) && attempt < EPHEMERAL_ATTEMPTS) {
          continue; // the first address's ephemeral port is taken on a later one: another port
        }
        throw e;
      }
      if (bound.isEmpty()) {
        throw unbindable;
      }
      return bound;
    }
  }

  private static ServerSocketChannel listen(InetSocketAddress to, ServerOptions options)
      throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open();
    try {
      listener.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
      listener.configureBlocking(false);
      listener.bind(to, options.backlog());
      return listener;
    } catch (IOException | RuntimeException e) {
      listener.close();
      throw e;
    }
  }

  private static boolean inUse(BindException e) {
    return String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("in use");
  }

  /** The kernel's "Address already in use", said with the address and what to do. */
  private static BindException explain(
      BindException e, InetSocketAddress to, ServerOptions options) {
    String where = Addresses.text(to);
    String message;
    if (!inUse(e)) {
      message = cannotListen(to, e);
    } else if (options.reuseAddress()) {
      message =
          "address already in use: "
              + where
              + " (another socket listens there; pick another port or stop it)";
    } else {
      message =
          "address already in use: "
              + where
              + " (address reuse is off: connections in TIME_WAIT, which linger a minute or two"
              + " after closing, may still hold the port, and address reuse, on by default, lets a"
              + " server bind despite them; or another socket listens there)";
    }
    BindException clear = new BindException(message);
    clear.initCause(e);
    return clear;
  }

  private static String cannotListen(InetSocketAddress to, Exception e) {
    return "cannot listen on " + Addresses.text(to) + ": " + e.getMessage();
  }

  private static IOException keep(IOException first, IOException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  static void closeAll(List<ServerSocketChannel> listeners) {
    for (ServerSocketChannel listener : listeners) {
      try {
        listener.close();
      } catch (IOException ignored) {
        // giving up on this bind anyway
      }
    }
  }
}
