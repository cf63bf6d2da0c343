package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.niotls.context.Provider;
import io.niotls.wire.TlsRecords;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TlsHandlerStartTlsTest {

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aStartTlsServerSendsItsFirstWriteInPlaintextThenSpeaksTls(Provider provider) {
    TlsHandler server = TlsHandler.server(Fixtures.server(provider, "TLSv1.3")).startTls();
    EmbeddedChannel serverChannel = new EmbeddedChannel(server);
    serverChannel.writeAndFlush(ascii("220 ready to start TLS\r\n"));
    assertThat(plaintext(serverChannel.readOutbound())).isEqualTo("220 ready to start TLS\r\n");
    assertThat(server.handshakeFuture().isDone()).isFalse();

    TlsHandler client = TlsHandler.client(Fixtures.client(provider, "TLSv1.3"), "localhost", 25);
    try (EmbeddedPair pair =
        new EmbeddedPair(Integer.MAX_VALUE, new EmbeddedChannel(client), serverChannel)) {
      pair.pumpUntilQuiet();
      assertThat(server.handshakeFuture().isSuccess()).isTrue();
      serverChannel.writeAndFlush(ascii("250 secret"));
      byte[] wire = TlsHandlerRecordSplitTest.drainOutbound(serverChannel);
      assertThat(new String(wire, StandardCharsets.ISO_8859_1)).doesNotContain("secret");
      TlsHandlerRecordSplitTest.deliver(pair.client, wire);
      assertThat(EmbeddedPair.readInbound(pair.client)).asString().isEqualTo("250 secret");
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void aStartTlsClientSendsItsFirstWriteInPlaintextThenItsClientHello(Provider provider) {
    TlsHandler client =
        TlsHandler.client(Fixtures.client(provider, "TLSv1.3"), "localhost", 25).startTls();
    EmbeddedChannel channel = new EmbeddedChannel(client);
    try {
      assertThat(channel.outboundMessages()).as("no ClientHello before the first flush").isEmpty();
      channel.write(ascii("STARTTLS"));
      channel.writeAndFlush(ascii("\r\n"));
      List<Object> out = List.copyOf(channel.outboundMessages());
      channel.outboundMessages().clear();
      assertThat(plaintext(out.get(0))).isEqualTo("STARTTLS");
      assertThat(plaintext(out.get(1))).isEqualTo("\r\n");
      ByteBuf hello = (ByteBuf) out.get(2);
      assertThat(hello.getByte(0) & 0xff).as("a handshake record").isEqualTo(TlsRecords.HANDSHAKE);
      hello.release();
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  @ParameterizedTest
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void startTlsCannotBeSetOnceTheHandlerIsInAPipeline(Provider provider) {
    TlsHandler server = TlsHandler.server(Fixtures.server(provider, "TLSv1.3"));
    EmbeddedChannel channel = new EmbeddedChannel(server);
    try {
      org.assertj.core.api.Assertions.assertThatIllegalStateException()
          .isThrownBy(server::startTls);
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  private static ByteBuf ascii(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  private static String plaintext(Object msg) {
    ByteBuf buf = (ByteBuf) msg;
    try {
      return buf.toString(StandardCharsets.US_ASCII);
    } finally {
      buf.release();
    }
  }
}
