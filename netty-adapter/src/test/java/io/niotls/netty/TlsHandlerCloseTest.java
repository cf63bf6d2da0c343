package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.engine.TlsException;
import io.niotls.hostile.Records;
import io.niotls.testing.Contexts;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TlsHandlerCloseTest {

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void closeSendsCloseNotifyWhichThePeerReportsAsACleanEnd(Provider provider, String protocol) {
    Recorder serverEvents = new Recorder();
    try (EmbeddedPair pair = pair(provider, protocol, new Recorder(), serverEvents)) {
      TlsHandler client = pair.client.pipeline().get(TlsHandler.class);
      TlsHandler server = pair.server.pipeline().get(TlsHandler.class);
      ChannelFuture closed = pair.client.close();
      byte[] ciphertext = TlsHandlerRecordSplitTest.drainOutbound(pair.client);
      assertThat(closed.isSuccess()).isTrue();
      assertThat(Records.parseWhole(ciphertext)).hasSize(1);
      TlsHandlerRecordSplitTest.deliver(pair.server, ciphertext);

      assertThat(server.sslCloseFuture().isSuccess()).isTrue();
      assertThat(serverEvents.events(SslCloseCompletionEvent.class))
          .containsExactly(SslCloseCompletionEvent.SUCCESS);
      assertThat(client.sslCloseFuture().cause())
          .as("we closed first and did not wait for the peer's close_notify")
          .isInstanceOf(ClosedChannelException.class);
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void pendingWritesGoOutBeforeCloseNotify(Provider provider) {
    Recorder serverEvents = new Recorder();
    try (EmbeddedPair pair = pair(provider, "TLSv1.3", new Recorder(), serverEvents)) {
      ChannelFuture last = pair.client.write(ascii("last words"));
      pair.client.close();
      assertThat(last.isSuccess()).isTrue();
      pair.pumpUntilQuiet();
      assertThat(EmbeddedPair.readInbound(pair.server)).asString().isEqualTo("last words");
      assertThat(serverEvents.events(SslCloseCompletionEvent.class)).hasSize(1);
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void closeWaitsForThePeersCloseNotifyWhenAskedTo(Provider provider, String protocol) {
    TlsHandler client =
        TlsHandler.client(Fixtures.client(provider, protocol), "localhost", 443)
            .closeNotifyReadTimeout(Duration.ofSeconds(30));
    TlsHandler server = TlsHandler.server(Fixtures.server(provider, protocol));
    try (EmbeddedPair pair =
        new EmbeddedPair(
            Integer.MAX_VALUE,
            new ChannelHandler[] {client},
            new ChannelHandler[] {server, new CloseOnCloseNotify()})) {
      pair.pumpUntilQuiet();
      ChannelFuture closed = pair.client.close();
      assertThat(closed.isDone()).as("waiting for the server's close_notify").isFalse();
      pair.pumpUntilQuiet();
      assertThat(closed.isSuccess()).isTrue();
      assertThat(client.sslCloseFuture().isSuccess()).as("the server's answer was seen").isTrue();
      assertThat(server.sslCloseFuture().isSuccess()).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void closeStopsWaitingForThePeerAfterTheReadTimeout(Provider provider) {
    TlsHandler client =
        TlsHandler.client(Fixtures.client(provider, "TLSv1.3"), "localhost", 443)
            .closeNotifyReadTimeout(Duration.ofSeconds(2));
    TlsHandler server = TlsHandler.server(Fixtures.server(provider, "TLSv1.3"));
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      pair.pumpUntilQuiet();
      pair.client.freezeTime();
      // through the pipeline: EmbeddedChannel.close() itself cancels every scheduled task
      ChannelFuture closed = pair.client.pipeline().close();
      pair.client.advanceTimeBy(1, TimeUnit.SECONDS);
      pair.client.runScheduledPendingTasks();
      assertThat(closed.isDone()).isFalse();
      pair.client.advanceTimeBy(2, TimeUnit.SECONDS);
      pair.client.runScheduledPendingTasks();
      assertThat(closed.isSuccess()).isTrue();
      assertThat(pair.client.isOpen()).isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void anEndWithoutCloseNotifyIsReportedAsTruncation(Provider provider, String protocol) {
    Recorder serverEvents = new Recorder();
    try (EmbeddedPair pair = pair(provider, protocol, new Recorder(), serverEvents)) {
      TlsHandler server = pair.server.pipeline().get(TlsHandler.class);
      pair.client.writeAndFlush(ascii("half a stor"));
      pair.pump();
      pair.server.pipeline().fireChannelInactive(); // what a transport does on EOF

      assertThat(EmbeddedPair.readInbound(pair.server)).asString().isEqualTo("half a stor");
      assertThat(server.sslCloseFuture().cause())
          .isInstanceOfSatisfying(
              TlsException.class, e -> assertThat(e.status()).isEqualTo(Status.SYSCALL))
          .hasMessageContaining("truncated");
      assertThat(serverEvents.events(SslCloseCompletionEvent.class))
          .singleElement()
          .satisfies(e -> assertThat(e.cause()).isSameAs(server.sslCloseFuture().cause()));
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void inputShutdownWithoutCloseNotifyIsTruncationToo(Provider provider) {
    Recorder serverEvents = new Recorder();
    try (EmbeddedPair pair = pair(provider, "TLSv1.3", new Recorder(), serverEvents)) {
      TlsHandler server = pair.server.pipeline().get(TlsHandler.class);
      pair.server.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
      assertThat(server.sslCloseFuture().cause()).hasMessageContaining("truncated");
      assertThat(serverEvents.events(SslCloseCompletionEvent.class)).hasSize(1);
      assertThat(serverEvents.events).contains(ChannelInputShutdownEvent.INSTANCE);
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void inputShutdownAfterCloseNotifyIsAcleanEnd(Provider provider) {
    try (EmbeddedPair pair = pair(provider, "TLSv1.3", new Recorder(), new Recorder())) {
      TlsHandler client = pair.client.pipeline().get(TlsHandler.class);
      TlsHandler server = pair.server.pipeline().get(TlsHandler.class);
      client.closeOutbound();
      pair.pumpUntilQuiet();
      pair.server.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
      assertThat(server.sslCloseFuture().isSuccess()).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void closingDuringTheHandshakeFailsItAndTellsThePeer(Provider provider) {
    Recorder clientEvents = new Recorder();
    TlsHandler client = TlsHandler.client(Fixtures.client(provider, "TLSv1.3"), "localhost", 443);
    TlsHandler server = TlsHandler.server(Fixtures.server(provider, "TLSv1.3"));
    Recorder serverEvents = new Recorder();
    try (EmbeddedPair pair =
        new EmbeddedPair(
            Integer.MAX_VALUE,
            new ChannelHandler[] {client, clientEvents},
            new ChannelHandler[] {server, serverEvents})) {
      // the ClientHello to the server, whose answer the client never sees
      TlsHandlerRecordSplitTest.deliver(
          pair.server, TlsHandlerRecordSplitTest.drainOutbound(pair.client));
      pair.client.close();
      assertThat(client.handshakeFuture().cause()).isInstanceOf(SSLException.class);
      assertThat(clientEvents.events(SslHandshakeCompletionEvent.class))
          .singleElement()
          .satisfies(e -> assertThat(e.isSuccess()).isFalse());
      pair.pumpUntilQuiet();
      assertThat(server.handshakeFuture().isSuccess())
          .as("the server saw an alert, not a handshake")
          .isFalse();
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aHandshakeThatTakesTooLongFailsWithNettysTimeout(Provider provider) {
    TlsContext context =
        Contexts.client(provider, KeyType.EC_P256)
            .handshakeTimeout(Duration.ofMillis(500))
            .sessionResumption(false)
            .build();
    TlsHandler client = TlsHandler.client(context, "localhost", 443);
    Recorder events = new Recorder();
    io.netty.channel.embedded.EmbeddedChannel channel =
        new io.netty.channel.embedded.EmbeddedChannel(client, events);
    try {
      channel.freezeTime();
      channel.advanceTimeBy(400, TimeUnit.MILLISECONDS);
      channel.runScheduledPendingTasks();
      assertThat(client.handshakeFuture().isDone()).isFalse();
      channel.advanceTimeBy(200, TimeUnit.MILLISECONDS);
      channel.runScheduledPendingTasks();
      assertThat(client.handshakeFuture().cause())
          .isInstanceOf(io.netty.handler.ssl.SslHandshakeTimeoutException.class)
          .hasMessageContaining("500 ms");
      assertThat(events.events(SslHandshakeCompletionEvent.class)).hasSize(1);
      assertThat(events.exceptions).isEmpty();
      assertThat(channel.isOpen()).isFalse();
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void theHandshakeEventComesAfterItsCiphertextWasHandedToTheChannel(Provider p, String protocol) {
    OutboundAtEvent clientProbe = new OutboundAtEvent();
    OutboundAtEvent serverProbe = new OutboundAtEvent();
    TlsHandler client = TlsHandler.client(Fixtures.client(p, protocol), "localhost", 443);
    TlsHandler server = TlsHandler.server(Fixtures.server(p, protocol));
    try (EmbeddedPair pair =
        new EmbeddedPair(
            Integer.MAX_VALUE,
            new ChannelHandler[] {client, clientProbe},
            new ChannelHandler[] {server, serverProbe})) {
      pair.pumpUntilQuiet();
      assertThat(clientProbe.atEvent).isGreaterThanOrEqualTo(0);
      assertThat(clientProbe.afterRead)
          .as("no handshake ciphertext was written after the event")
          .isEqualTo(clientProbe.atEvent);
      assertThat(serverProbe.afterRead).isEqualTo(serverProbe.atEvent);
      assertThat(EmbeddedPair.readInbound(pair.server))
          .as("the client's write from its event handler, after its Finished")
          .asString()
          .isEqualTo("first");
    }
  }

  /** TLS 1.3 lets a peer write after the other's close_notify; SunJSSE and BoringSSL direct do. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(names = {"JDK", "BORINGSSL"})
  void aHalfClosedConnectionStillCarriesThePeersData(Provider provider) {
    Recorder clientEvents = new Recorder();
    Recorder serverEvents = new Recorder();
    try (EmbeddedPair pair = pair(provider, "TLSv1.3", clientEvents, serverEvents)) {
      TlsHandler client = pair.client.pipeline().get(TlsHandler.class);
      TlsHandler server = pair.server.pipeline().get(TlsHandler.class);
      assertThat(client.closeOutbound().isSuccess()).isTrue();
      pair.pumpUntilQuiet();
      assertThat(server.sslCloseFuture().isSuccess()).isTrue();

      pair.server.writeAndFlush(ascii("after your close_notify"));
      pair.pumpUntilQuiet();
      assertThat(EmbeddedPair.readInbound(pair.client))
          .asString()
          .isEqualTo("after your close_notify");
      assertThat(client.sslCloseFuture().isDone()).isFalse();

      pair.server.close();
      pair.pumpUntilQuiet();
      assertThat(client.sslCloseFuture().isSuccess()).isTrue();
      assertThat(clientEvents.events(SslCloseCompletionEvent.class))
          .containsExactly(SslCloseCompletionEvent.SUCCESS);
    }
  }

  /**
   * Netty's OpenSSL engine closes both directions when close_notify is sent or received, so with
   * that provider there is no TLS half-close: the peer's later writes fail, loudly and at once.
   */
  @org.junit.jupiter.api.Test
  void withOpenSslCloseNotifyClosesBothDirections() {
    try (EmbeddedPair pair = pair(Provider.OPENSSL, "TLSv1.3", new Recorder(), new Recorder())) {
      TlsHandler client = pair.client.pipeline().get(TlsHandler.class);
      TlsHandler server = pair.server.pipeline().get(TlsHandler.class);
      assertThat(client.closeOutbound().isSuccess()).isTrue();
      pair.pumpUntilQuiet();
      assertThat(server.sslCloseFuture().isSuccess()).isTrue();
      ChannelFuture late = pair.server.writeAndFlush(ascii("after your close_notify"));
      assertThat(late.cause()).isInstanceOf(SSLException.class).hasMessageContaining("closed");
      pair.server.close();
      pair.pumpUntilQuiet();
      assertThat(client.sslCloseFuture().isSuccess()).as("the server's close_notify seen").isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void removingTheHandlerMidHandshakeFreesTheEngineAndItsBuffers(Provider provider) {
    TlsContext clientContext =
        Contexts.client(provider, KeyType.EC_P256).sessionResumption(false).build();
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256).sessionResumption(false).build();
    TlsHandler client = TlsHandler.client(clientContext, "localhost", 443);
    TlsHandler server = TlsHandler.server(serverContext);
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      byte[] hello = TlsHandlerRecordSplitTest.drainOutbound(pair.client);
      TlsHandlerRecordSplitTest.deliver(pair.server, Arrays.copyOf(hello, hello.length / 2));
      assertThat(serverContext.bufferPool().outstanding())
          .as("half a ClientHello waits in a pooled buffer")
          .isPositive();
      pair.server.pipeline().remove(server);
      pair.client.pipeline().remove(client);
      assertThat(server.handshakeFuture().cause()).hasMessageContaining("removed");
      assertThat(client.handshakeFuture().isDone()).isTrue();
      assertThat(serverContext.bufferPool().outstanding()).isZero();
      assertThat(clientContext.bufferPool().outstanding()).isZero();
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aClosedConnectionHoldsNoPooledBuffers(Provider provider) {
    TlsContext clientContext =
        Contexts.client(provider, KeyType.EC_P256).sessionResumption(false).build();
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256).sessionResumption(false).build();
    TlsHandler client = TlsHandler.client(clientContext, "localhost", 443);
    TlsHandler server = TlsHandler.server(serverContext);
    try (EmbeddedPair pair = EmbeddedPair.of(client, server)) {
      pair.pumpUntilQuiet();
      pair.client.writeAndFlush(Unpooled.wrappedBuffer(new byte[100_000]));
      pair.pumpUntilQuiet();
      assertThat(EmbeddedPair.discardInbound(pair.server)).isEqualTo(100_000);
      pair.client.close();
      pair.pumpUntilQuiet();
      pair.server.close();
      assertThat(clientContext.bufferPool().outstanding()).isZero();
      assertThat(serverContext.bufferPool().outstanding()).isZero();
    }
  }

  static EmbeddedPair pair(Provider provider, String protocol, Recorder client, Recorder server) {
    EmbeddedPair pair =
        new EmbeddedPair(
            Integer.MAX_VALUE,
            new ChannelHandler[] {
              TlsHandler.client(Fixtures.client(provider, protocol), "localhost", 443), client
            },
            new ChannelHandler[] {TlsHandler.server(Fixtures.server(provider, protocol)), server});
    pair.pumpUntilQuiet();
    return pair;
  }

  static io.netty.buffer.ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  /** Closes its channel when the peer's close_notify arrives, as Netty applications do. */
  /**
   * The side whose handshake ends first (the TLS 1.3 client, the TLS 1.2 server) closes on its
   * handshake event: its close_notify leaves right behind its last flight and reaches the peer in
   * the same read. The peer ends its handshake and reports a clean close_notify, not a truncation.
   */
  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providersAndProtocols")
  void aCloseNotifyInTheReadThatEndsTheHandshakeIsACleanEnd(Provider provider, String protocol) {
    boolean clientFirst = protocol.equals("TLSv1.3");
    Recorder peerEvents = new Recorder();
    ChannelHandler closer = new CloseOnHandshake();
    TlsHandler client = TlsHandler.client(Fixtures.client(provider, protocol), "localhost", 443);
    TlsHandler server = TlsHandler.server(Fixtures.server(provider, protocol));
    try (EmbeddedPair pair =
        new EmbeddedPair(
            Integer.MAX_VALUE,
            new ChannelHandler[] {client, clientFirst ? closer : peerEvents},
            new ChannelHandler[] {server, clientFirst ? peerEvents : closer})) {
      pair.pumpUntilQuiet();
      TlsHandler peer = clientFirst ? server : client;

      assertThat(peer.handshakeFuture().isSuccess()).isTrue();
      assertThat(peer.sslCloseFuture().isSuccess())
          .as("close_notify seen: %s", peer.sslCloseFuture().cause())
          .isTrue();
      assertThat(peerEvents.events(SslCloseCompletionEvent.class))
          .containsExactly(SslCloseCompletionEvent.SUCCESS);
    }
  }

  /** Closes the channel as soon as its handshake succeeds. */
  static final class CloseOnHandshake extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      ctx.fireUserEventTriggered(evt);
      if (evt == SslHandshakeCompletionEvent.SUCCESS) {
        ctx.close();
      }
    }
  }

  static final class CloseOnCloseNotify extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt == SslCloseCompletionEvent.SUCCESS) {
        ctx.close();
      }
      ctx.fireUserEventTriggered(evt);
    }
  }

  /**
   * Counts the buffers the channel had written when the handshake event arrived, and again when the
   * read that carried it completed; writes "first" from the client's event handler.
   */
  static final class OutboundAtEvent extends ChannelInboundHandlerAdapter {
    int atEvent = -1;
    int afterRead = -1;
    boolean measured;

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt == SslHandshakeCompletionEvent.SUCCESS) {
        io.netty.channel.embedded.EmbeddedChannel ch =
            (io.netty.channel.embedded.EmbeddedChannel) ctx.channel();
        atEvent = ch.outboundMessages().size();
        afterRead = atEvent;
        if (ctx.pipeline().get(TlsHandler.class).context().isClient()) {
          ctx.writeAndFlush(ascii("first"));
          atEvent = ch.outboundMessages().size();
          afterRead = atEvent;
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (atEvent >= 0 && !measured) {
        measured = true;
        afterRead =
            ((io.netty.channel.embedded.EmbeddedChannel) ctx.channel()).outboundMessages().size();
      }
      ctx.fireChannelReadComplete();
    }
  }
}
