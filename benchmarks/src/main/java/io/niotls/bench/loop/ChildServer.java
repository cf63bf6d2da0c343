package io.niotls.bench.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * The server of a {@link MemoryRun}, in its child JVM, seen as a {@link LoopbackServer} by the
 * clients of this JVM ({@link HandshakeLoad}, {@link EchoLoad}): its address, its sessions, and the
 * CPU time of its whole process. Closing it does nothing: the run owns the child.
 */
final class ChildServer implements LoopbackServer {
  private final MemoryRun run;

  ChildServer(MemoryRun run) {
    this.run = run;
  }

  @Override
  public String name() {
    return run.spec().server();
  }

  @Override
  public String subject() {
    return switch (name()) {
      case "niotls" -> "TlsServer";
      case "netty" -> "NettyServer";
      case "vt-channel" -> "VtTlsChannel";
      case "vt-sslsocket" -> "VtSslSocket";
      default -> name();
    };
  }

  @Override
  public InetSocketAddress address() {
    return run.addresses().get(0);
  }

  @Override
  public int sessions() {
    try {
      return run.sessions();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking " + name(), e);
    }
  }

  @Override
  public long cpuNanos() {
    try {
      return run.serverCpuNanos();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking " + name(), e);
    }
  }

  @Override
  public void close() {}
}
