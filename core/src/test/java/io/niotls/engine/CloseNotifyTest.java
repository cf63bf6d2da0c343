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

/** shutdown() is SENT until the peer's close_notify has arrived, then DONE. */
class CloseNotifyTest {

  @ParameterizedTest
  @CsvSource({"JDK,TLSv1.3", "JDK,TLSv1.2", "OPENSSL,TLSv1.3", "OPENSSL,TLSv1.2"})
  void shutdownWaitsForThePeersCloseNotify(Provider provider, String protocol) {
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    try (MemoryPair pair = MemoryPair.wholeRecords(client, server)) {
      pair.handshake();
      pair.send(pair.client, pair.server, new byte[] {1});

      assertThat(pair.server.shutdown())
          .as("close_notify sent, none received")
          .isEqualTo(Status.SENT);
      assertThat(pair.server.shutdown()).as("still none received").isEqualTo(Status.SENT);
      while (pair.pump()) {
        // delivers the server's close_notify to the client
      }
      assertThat(pair.client.read(ByteBuffer.allocate(16))).isEqualTo(Status.ZERO_RETURN.code());
      assertThat(pair.client.shutdown()).isEqualTo(Status.DONE);
      while (pair.pump()) {
        // and the client's to the server
      }
      assertThat(pair.server.shutdown()).isEqualTo(Status.DONE);
    }
  }
}
