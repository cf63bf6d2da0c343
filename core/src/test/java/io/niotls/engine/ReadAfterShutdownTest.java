package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.testing.MemoryPair;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * After our close_notify (a half-close), read() goes on until the peer's close_notify: it must not
 * report the end of the stream before the peer has sent it.
 */
class ReadAfterShutdownTest {

  @ParameterizedTest
  @CsvSource({"JDK,TLSv1.3", "JDK,TLSv1.2", "OPENSSL,TLSv1.3", "OPENSSL,TLSv1.2"})
  void readAfterOurCloseNotifyWaitsForThePeers(Provider provider, String protocol) {
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    try (MemoryPair pair = MemoryPair.wholeRecords(client, server)) {
      pair.handshake();
      assertThat(pair.client.shutdown()).isEqualTo(Status.SENT);
      ByteBuffer dst = ByteBuffer.allocate(64);
      assertThat(Status.ofCode(pair.client.read(dst)))
          .as("nothing from the peer yet")
          .isEqualTo(Status.WANT_READ);
      assertThat(pair.client.isPeerClosed()).isFalse();

      pair.pump();
      assertThat(Status.ofCode(pair.server.read(dst))).isEqualTo(Status.ZERO_RETURN);
      assertThat(pair.server.shutdown()).isEqualTo(Status.DONE);
      pair.pump();
      assertThat(Status.ofCode(pair.client.read(dst))).isEqualTo(Status.ZERO_RETURN);
      assertThat(pair.client.isPeerClosed()).isTrue();
    }
  }
}
