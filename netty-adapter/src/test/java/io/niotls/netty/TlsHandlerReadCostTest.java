package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What reading costs the handler in pooled network buffers: a read that brings whole records is
 * decrypted from the channel's buffer in place when the provider reads that kind of buffer fastest
 * (BoringSSL and direct buffers), and the handler stops asking the engine once every byte is
 * decrypted.
 */
class TlsHandlerReadCostTest {

  @ParameterizedTest
  @CsvSource({
    "OPENSSL, TLSv1.3, 0",
    "OPENSSL, TLSv1.2, 0",
    "BORINGSSL, TLSv1.3, 0",
    "BORINGSSL, TLSv1.2, 0",
    "JDK, TLSv1.3, 1",
    "JDK, TLSv1.2, 1"
  })
  void aReadOfWholeRecordsTakesNoNetworkBufferWhereItCanBeReadInPlace(
      Provider provider, String protocol, long expected) {
    TlsContext clientContext =
        Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    try (EmbeddedPair pair =
        EmbeddedPair.of(
            TlsHandler.client(clientContext, "localhost", 443), TlsHandler.server(serverContext))) {
      pair.pumpUntilQuiet();
      // BoringSSL's TLS 1.3 server sends its session tickets with its first write
      pair.server.writeAndFlush(ByteBufAllocator.DEFAULT.directBuffer(1).writeZero(1));
      pair.pumpUntilQuiet();
      EmbeddedPair.discardInbound(pair.client);

      long before = clientContext.bufferPool().acquired();
      pair.server.writeAndFlush(ByteBufAllocator.DEFAULT.directBuffer(3000).writeZero(3000));
      pair.pumpUntilQuiet();

      assertThat(EmbeddedPair.discardInbound(pair.client)).isEqualTo(3000);
      assertThat(clientContext.bufferPool().acquired() - before)
          .as("network buffers the client took to read one record")
          .isEqualTo(expected);
    }
  }
}
