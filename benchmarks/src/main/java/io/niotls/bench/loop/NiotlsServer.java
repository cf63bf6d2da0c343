package io.niotls.bench.loop;

import io.niotls.context.SniMapping;
import io.niotls.context.TlsContext;
import io.niotls.loop.ServerOptions;
import io.niotls.loop.SessionHandler;
import io.niotls.loop.TlsEventLoopGroup;
import io.niotls.loop.TlsServer;
import io.niotls.loop.TlsSession;
import io.niotls.uri.TransportUri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * niotls's {@link TlsServer} on its own loop group, echoing; on several addresses (one {@code
 * TlsServer} each, sharing the loops) when a capacity run needs more connections than one address's
 * ephemeral ports allow.
 */
public final class NiotlsServer implements LoopbackServer {
  /** Stateless, so one instance serves every session. */
  private static final SessionHandler ECHO =
      new SessionHandler() {
        @Override
        public void onData(TlsSession session, ByteBuffer data) {
          session.write(data);
        }
      };

  /** As Netty's default (somaxconn): a burst of connects must not drop. */
  private static final int BACKLOG = 4096;

  private final TlsEventLoopGroup group;
  private final List<TlsServer> servers;
  private final ThreadCpu cpu;

  private NiotlsServer(TlsEventLoopGroup group, List<TlsServer> servers, ThreadCpu cpu) {
    this.group = group;
    this.servers = servers;
    this.cpu = cpu;
  }

  /** Listens on {@code host} (a loopback address), any free port, with {@code loops} loops. */
  public static NiotlsServer start(TlsContext context, int loops, String host) {
    return start(context, loops, List.of(host));
  }

  /** Listens on each of {@code hosts}, any free port each, all served by {@code loops} loops. */
  public static NiotlsServer start(TlsContext context, int loops, List<String> hosts) {
    return start(
        loops,
        hosts,
        (host, group) ->
            TlsServer.bind(
                TransportUri.parse("tls://" + host + ":0"),
                context,
                () -> ECHO,
                ServerOptions.builder().loops(group).backlog(BACKLOG).build()));
  }

  /**
   * As {@link #start(TlsContext, int, List)}, serving the contexts of {@code contexts} by name
   * ({@link TlsServer#bindSni}) with the session limits of {@code limits} (its idle timeout and
   * lifetime; its loops and backlog are set here).
   */
  public static NiotlsServer start(
      SniMapping contexts, ServerOptions.Builder limits, int loops, List<String> hosts) {
    return start(
        loops,
        hosts,
        (host, group) ->
            TlsServer.bindSni(
                TransportUri.parse("tls://" + host + ":0"),
                contexts,
                () -> ECHO,
                limits.loops(group).backlog(BACKLOG).build()));
  }

  /** How one address is listened on, served by {@code group}. */
  private interface Binder {
    TlsServer bind(String host, TlsEventLoopGroup group) throws IOException;
  }

  private static NiotlsServer start(int loops, List<String> hosts, Binder binder) {
    TlsEventLoopGroup group = TlsEventLoopGroup.create(loops);
    List<TlsServer> servers = new ArrayList<>();
    try {
      for (String host : hosts) {
        servers.add(binder.bind(host, group));
      }
      CompletableFuture<String> name = new CompletableFuture<>();
      group.next().execute(() -> name.complete(Thread.currentThread().getName()));
      return new NiotlsServer(group, List.copyOf(servers), ThreadCpu.ofNiotlsGroup(name.join()));
    } catch (IOException e) {
      servers.forEach(TlsServer::close);
      group.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      servers.forEach(TlsServer::close);
      group.close();
      throw e;
    }
  }

  @Override
  public String subject() {
    return "TlsServer";
  }

  @Override
  public String name() {
    return "niotls";
  }

  @Override
  public InetSocketAddress address() {
    return servers.get(0).localAddress();
  }

  @Override
  public List<InetSocketAddress> addresses() {
    return servers.stream().map(TlsServer::localAddress).toList();
  }

  @Override
  public long cpuNanos() {
    return cpu.nanos();
  }

  @Override
  public int sessions() {
    int n = 0;
    for (TlsServer server : servers) {
      n += server.stats().activeSessions();
    }
    return n;
  }

  @Override
  public void close() {
    servers.forEach(TlsServer::close);
    group.close();
  }
}
