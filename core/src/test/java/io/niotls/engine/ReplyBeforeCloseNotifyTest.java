package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.testing.MemoryPair;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TLS 1.3 half-close: a peer sends its last request and close_notify at once, and keeps reading.
 * The read that returns the request must not also take the close_notify, so that the reply written
 * after it still goes out (BoringSSL closes both directions the moment it reads close_notify).
 */
class ReplyBeforeCloseNotifyTest {

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aReplyToDataThatArrivedWithCloseNotifyIsStillSent(Provider provider) {
    TlsContext server = Contexts.server(provider, KeyType.EC_P256).protocols("TLSv1.3").build();
    TlsContext client = Contexts.client(provider, KeyType.EC_P256).protocols("TLSv1.3").build();
    try (MemoryPair pair = MemoryPair.wholeRecords(client, server)) {
      pair.handshake();
      assertThat(pair.client.write(ByteBuffer.wrap(bytes("last request")))).isEqualTo(12);
      assertThat(pair.client.shutdown()).isEqualTo(Status.SENT);
      pair.serverTransport.feed(ByteBuffer.wrap(pair.clientTransport.drainAll())); // one read

      ByteBuffer request = ByteBuffer.allocate(64 * 1024);
      assertThat(pair.server.read(request)).isEqualTo(12);
      assertThat(pair.server.write(ByteBuffer.wrap(bytes("the reply")))).isEqualTo(9);
      assertThat(Status.ofCode(pair.server.read(request))).isEqualTo(Status.ZERO_RETURN);
      assertThat(pair.server.shutdown()).isEqualTo(Status.DONE);
      pair.pumpAll();

      ByteBuffer reply = ByteBuffer.allocate(64 * 1024);
      assertThat(pair.client.read(reply)).isEqualTo(9);
      assertThat(new String(reply.array(), 0, 9, StandardCharsets.US_ASCII)).isEqualTo("the reply");
      assertThat(Status.ofCode(pair.client.read(reply))).isEqualTo(Status.ZERO_RETURN);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
