package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A handler that writes from {@code onWritable} as fast as the queue takes it is heard again and
 * again until it is done, even when it outpaces the loop's per-event writable rounds: the loop
 * yields to other sessions but keeps the writability for the next turn. (It once took the
 * writability on the round that yielded, and such a writer stopped for good after about 2 MiB.)
 */
@Timeout(60)
class WritableRoundsTest {
  private static final int TOTAL = 12 * 1024 * 1024;

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aWriterThatOutpacesTheWritableRoundsDeliversEveryByte(Provider provider) throws Exception {
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).build();
    CompletableFuture<CloseReason> ended = new CompletableFuture<>();
    try (TlsServer tls =
            TlsServer.bind(TransportUri.parse("tls://127.0.0.1:0"), server, () -> writer(ended));
        JdkPeer client = JdkPeer.connect(tls.localAddress().getPort(), "TLSv1.3")) {
      InputStream in = client.tls.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      long read = 0;
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        read += n;
      }
      assertThat(read).isEqualTo(TOTAL);
      assertThat(ended.get(20, TimeUnit.SECONDS)).isEqualTo(CloseReason.LOCAL);
    }
  }

  /** Writes TOTAL bytes in 64 KiB pieces from onWritable, then closes. */
  private static SessionHandler writer(CompletableFuture<CloseReason> ended) {
    return new SessionHandler() {
      private int sent;

      @Override
      public void onOpen(TlsSession s) {
        onWritable(s);
      }

      @Override
      public void onWritable(TlsSession s) {
        while (sent < TOTAL && s.write(ByteBuffer.allocate(64 * 1024))) {
          sent += 64 * 1024;
        }
        if (sent == TOTAL) {
          s.close();
        }
      }

      @Override
      public void onClosed(TlsSession s, CloseReason reason, Throwable cause) {
        ended.complete(reason);
      }
    };
  }
}
