package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslMasterKeyHandler;
import io.netty.util.internal.StringUtil;
import io.niotls.context.Provider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.SecretKey;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;

/**
 * Netty's {@code SslMasterKeyHandler} (the key log for Wireshark) behind niotls handlers: it finds
 * the handler as an {@code SslHandler} and reads the master secret from the session its engine view
 * hands out. With the JDK provider (SunJSSE's session, reached by reflection as Netty does);
 * BoringSSL's key Netty reads only from its own engine class, which the view is not.
 */
class SslMasterKeyHandlerTest {

  @Test
  void eachSideWritesTheSameKeyLogLineForItsTls12Connection() {
    KeyLog clientLog = new KeyLog();
    KeyLog serverLog = new KeyLog();
    TlsHandler client =
        TlsHandler.client(Fixtures.client(Provider.JDK, "TLSv1.2"), "localhost", 443);
    TlsHandler server = TlsHandler.server(Fixtures.server(Provider.JDK, "TLSv1.2"));
    try (EmbeddedPair pair =
        new EmbeddedPair(
            1 << 20,
            new io.netty.channel.ChannelHandler[] {client, clientLog},
            new io.netty.channel.ChannelHandler[] {server, serverLog})) {
      pair.pumpUntilQuiet();
      assertThat(client.handshakeFuture().isSuccess()).isTrue();
      assertThat(clientLog.lines).hasSize(1);
      assertThat(serverLog.lines).isEqualTo(clientLog.lines);
      String sessionId =
          StringUtil.toHexStringPadded(client.engine().getSession().getId()).toUpperCase();
      assertThat(clientLog.lines.get(0))
          .matches("RSA Session-ID:" + sessionId + " Master-Key:[0-9A-F]{96}");
    }
  }

  /**
   * Writes the line Wireshark's key log takes for TLS 1.2, as Netty's Wireshark handler does: every
   * byte as two digits (Netty's {@code toHexString} drops a first byte's leading zero, which made
   * one master key in sixteen 95 digits long).
   */
  private static final class KeyLog extends SslMasterKeyHandler {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    protected boolean masterKeyHandlerEnabled() {
      return true;
    }

    @Override
    protected void accept(SecretKey masterKey, SSLSession session) {
      lines.add(
          "RSA Session-ID:"
              + StringUtil.toHexStringPadded(session.getId()).toUpperCase()
              + " Master-Key:"
              + StringUtil.toHexStringPadded(masterKey.getEncoded()).toUpperCase());
    }
  }
}
