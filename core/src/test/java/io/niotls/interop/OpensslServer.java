package io.niotls.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.testing.OpensslServerProcess;
import io.niotls.transport.SocketTransport;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code openssl s_server} on 127.0.0.1 for one connection, and a niotls client's handshake with
 * it. What the server printed (the alert it received, say) is in {@link #said()}.
 */
final class OpensslServer implements AutoCloseable {
  static final Duration LIMIT = Duration.ofSeconds(20);

  private final OpensslServerProcess process;
  private final int port;

  private OpensslServer(OpensslServerProcess process) {
    this.process = process;
    this.port = process.port();
  }

  /**
   * Starts {@code s_server -cert cert -key key} for {@code protocol} (TLSv1.3 or TLSv1.2) and one
   * connection, with {@code more} options; returns once it accepts.
   */
  static OpensslServer start(Path dir, Path cert, Path key, String protocol, String... more)
      throws Exception {
    List<String> options =
        new ArrayList<>(
            List.of(
                "-cert",
                cert.toString(),
                "-key",
                key.toString(),
                "TLSv1.3".equals(protocol) ? "-tls1_3" : "-tls1_2"));
    options.addAll(List.of(more));
    return new OpensslServer(OpensslServerProcess.start(dir, 1, options.toArray(new String[0])));
  }

  /**
   * Connects {@code context}'s client (for localhost) and runs the handshake to its end: the
   * engine, established or failed (its {@code failure()}). The caller closes it.
   */
  TlsEngine handshake(TlsContext context) throws Exception {
    SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
    channel.configureBlocking(false);
    TlsEngine engine = TlsEngine.client(context, new SocketTransport(channel), "localhost", port);
    try (Blocking io = new Blocking(engine, channel, LIMIT)) {
      Status status = io.handshake();
      assertThat(status == Status.OK).as("status %s", status).isEqualTo(engine.failure() == null);
    }
    return engine;
  }

  /** Waits until the server has said {@code text}; fails with what it said if it does not. */
  String await(String text) throws InterruptedException {
    return process.await(text);
  }

  String said() {
    return process.process().out();
  }

  @Override
  public void close() throws InterruptedException {
    process.close();
  }
}
