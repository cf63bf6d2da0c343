package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.niotls.context.Provider;
import io.niotls.testing.ChildProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The handler's session limits against Python's {@code ssl} module as the client (which, with
 * {@code OP_IGNORE_UNEXPECTED_EOF} cleared, tells a close_notify — {@code recv} returns {@code b''}
 * — from a truncation, which raises): idle and lifetime end the session with close_notify, a
 * stalled peer is cut off at once; each fires its {@link SessionLimitEvent} first.
 */
class SessionLimitsTest {
  private static final String CLIENT =
      """
      import socket, ssl, sys, time
      port, mode = int(sys.argv[1]), sys.argv[2]
      ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
      ctx.check_hostname = False
      ctx.verify_mode = ssl.CERT_NONE
      ctx.options &= ~getattr(ssl, "OP_IGNORE_UNEXPECTED_EOF", 0)
      s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)))
      print("handshake", s.version(), flush=True)
      start = time.monotonic()
      data = None
      if mode == "idle":
          s.settimeout(20)
          data = s.recv(100)
      elif mode == "busy":
          s.settimeout(0.1)
          while time.monotonic() - start < 20:
              s.send(b"x")
              try:
                  data = s.recv(100)
                  if data == b"":
                      break
              except socket.timeout:
                  pass
      else:
          time.sleep(8)  # never reads: the server's output piles up
      print("closed", repr(data), int((time.monotonic() - start) * 1000), flush=True)
      """;

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void anIdleSessionEndsWithCloseNotifyAfterTheIdleTimeout(Provider provider) throws Exception {
    Run run = serve(provider, "idle", h -> h.idleTimeout(Duration.ofMillis(400)), false);
    assertThat(run.events).containsExactly(SessionLimitEvent.IDLE);
    assertThat(run.clientSaid).startsWith("closed b''");
    // the client's clock starts once its own handshake is done, a few ms away from the server's
    assertThat(run.millis()).isBetween(300L, 10_000L);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void handlersFromANiotlsSslContextTakeTheLimitsItsSetupGives(Provider provider) throws Exception {
    NiotlsSslContext ssl =
        NiotlsSslContext.of(Fixtures.server(provider, "TLSv1.3"))
            .eachHandler(h -> h.idleTimeout(Duration.ofMillis(400)));
    Run run = serve("idle", ch -> (TlsHandler) ssl.newHandler(ch.alloc()), false);
    assertThat(run.events).containsExactly(SessionLimitEvent.IDLE);
    assertThat(run.clientSaid).startsWith("closed b''");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aBusySessionEndsWithCloseNotifyAtItsMaximumLifetime(Provider provider) throws Exception {
    Run run =
        serve(
            provider,
            "busy",
            h -> h.idleTimeout(Duration.ofMillis(300)).maxLifetime(Duration.ofMillis(1200)),
            false);
    // a byte every 100 ms keeps it from going idle; only the lifetime ends it
    assertThat(run.events).containsExactly(SessionLimitEvent.EXPIRED);
    assertThat(run.clientSaid).startsWith("closed b''");
    assertThat(run.millis()).isBetween(1000L, 10_000L);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aPeerThatStopsReadingIsCutOffAfterTheWriteStallTimeout(Provider provider) throws Exception {
    long start = System.nanoTime();
    Run run = serve(provider, "stall", h -> h.writeStallTimeout(Duration.ofMillis(500)), true);
    assertThat(run.events).containsExactly(SessionLimitEvent.STALLED);
    // the server closed long before the client, which sleeps 8 s, would have
    assertThat(run.serverClosedAfterMillis(start)).isLessThan(6_000L);
  }

  /** What one session showed: the server's limit events and the client's last line. */
  private record Run(List<SessionLimitEvent> events, String clientSaid, long closedAt) {
    long millis() {
      return Long.parseLong(clientSaid.substring(clientSaid.lastIndexOf(' ') + 1));
    }

    long serverClosedAfterMillis(long start) {
      return TimeUnit.NANOSECONDS.toMillis(closedAt - start);
    }
  }

  private static Run serve(
      Provider provider, String mode, UnaryOperator<TlsHandler> limits, boolean flood)
      throws Exception {
    return serve(
        mode, ch -> limits.apply(TlsHandler.server(Fixtures.server(provider, "TLSv1.3"))), flood);
  }

  private static Run serve(String mode, Function<Channel, TlsHandler> handler, boolean flood)
      throws Exception {
    List<SessionLimitEvent> events = new CopyOnWriteArrayList<>();
    try (Loopback net = new Loopback()) {
      int port =
          net.listen(ch -> ch.pipeline().addLast(handler.apply(ch), new Recorder(events, flood)));
      try (ChildProcess client =
          ChildProcess.program("/usr/bin/python3", "-c", CLIENT, Integer.toString(port), mode)) {
        assertThat(client.nextLine(Duration.ofSeconds(30))).isEqualTo("handshake TLSv1.3");
        Channel server = net.accepted();
        assertThat(server.closeFuture().await(20, TimeUnit.SECONDS)).isTrue();
        long closedAt = System.nanoTime();
        String last = flood ? "" : client.nextLine(Duration.ofSeconds(20));
        if (!flood) {
          assertThat(client.waitFor(Duration.ofSeconds(20))).as(client.err()).isZero();
        }
        return new Run(List.copyOf(events), last, closedAt);
      }
    }
  }

  /** Keeps the limit events; discards what it reads; floods the peer when asked. */
  private static final class Recorder extends ChannelInboundHandlerAdapter {
    private final List<SessionLimitEvent> events;
    private final boolean flood;

    Recorder(List<SessionLimitEvent> events, boolean flood) {
      this.events = events;
      this.flood = flood;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SessionLimitEvent e) {
        events.add(e);
      } else if (flood && evt == SslHandshakeCompletionEvent.SUCCESS) {
        write(ctx);
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (flood && ctx.channel().isWritable()) {
        write(ctx);
      }
      ctx.fireChannelWritabilityChanged();
    }

    /** Writes 64 KiB at a time while the channel takes them (bounded: 256 MiB in all). */
    private void write(ChannelHandlerContext ctx) {
      for (int i = 0; i < 4096 && ctx.channel().isWritable(); i++) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[64 * 1024]));
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }
  }
}
