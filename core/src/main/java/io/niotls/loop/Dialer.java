package io.niotls.loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A client's connect to the addresses of one host name ({@code localhost}: {@code ::1}, then {@code
 * 127.0.0.1}), tried in the resolver's order until one accepts, all within one connect timeout. An
 * address that fails costs its socket: the next is tried on a fresh one. It keeps why each tried
 * address failed, so the failure at the end, or the timeout, names them all.
 *
 * <p>Loop-confined: made and used only on the session's loop thread.
 */
final class Dialer {
  /** The session's side: it takes each socket before the dialer connects it. */
  @FunctionalInterface
  interface Dialing {
    /**
     * {@code channel} is about to connect to {@code address}: register it with the loop, no
     * interest yet. After a failure it is a fresh socket, and the spent one is closed.
     */
    void dialing(SocketChannel channel, InetSocketAddress address) throws IOException;
  }

  private final String host;
  private final SessionConfig config;
  private final Dialing session;
  private final Deque<InetSocketAddress> untried;
  private final Map<InetSocketAddress, IOException> refused = new LinkedHashMap<>();
  private InetSocketAddress current;

  /**
   * @param host the name the addresses are of, for the failures' messages
   * @param addresses in the order to try them
   * @param config the connect timeout all addresses share, and the options of fresh sockets
   */
  Dialer(String host, List<InetSocketAddress> addresses, SessionConfig config, Dialing session) {
    this.host = host;
    this.config = config;
    this.session = session;
    this.untried = new ArrayDeque<>(addresses);
  }

  /**
   * Connects {@code channel} to the next address, moving on to the one after it (on a fresh socket)
   * when the connect fails at once.
   *
   * @return true once connected; false while the connect is under way: {@link #finish} on
   *     OP_CONNECT
   * @throws UnknownHostException when the name had no address at all
   * @throws java.net.ConnectException when every address failed: it names each with its reason
   */
  boolean dial(SocketChannel channel) throws IOException {
    while (true) {
      if (untried.isEmpty()) {
        throw new UnknownHostException(host + " has no address to connect to");
      }
      current = untried.poll();
      session.dialing(channel, current);
      try {
        return channel.connect(current);
      } catch (IOException e) {
        channel = failed(channel, e);
      }
    }
  }

  /**
   * OP_CONNECT: finishes the connect under way on {@code channel}; if it failed, dials the next
   * address.
   *
   * @return true once connected; false while a connect (this one or the next address's) is under
   *     way
   */
  boolean finish(SocketChannel channel) throws IOException {
    try {
      return channel.finishConnect();
    } catch (IOException e) {
      return dial(failed(channel, e));
    }
  }

  /** The timeout ran out while connecting to {@code address}: names the ones that failed before. */
  SocketTimeoutException timedOut(InetSocketAddress address) {
    return Failures.connectTimeout(address, config.connectTimeout(), refused);
  }

  /** The connect to the current address failed with {@code why}: a fresh socket for the next. */
  private SocketChannel failed(SocketChannel spent, IOException why) throws IOException {
    refused.put(current, why);
    if (untried.isEmpty()) {
      throw Failures.connectFailed(host, refused);
    }
    spent.close(); // closes its key too; nothing was queued on it before the connect
    return TlsClient.openSocket(config);
  }
}
