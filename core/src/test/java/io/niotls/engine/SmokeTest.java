package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.testing.MemoryPair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmokeTest {
  @ParameterizedTest
  @CsvSource({
    "JDK,JDK,TLSv1.3,1",
    "JDK,JDK,TLSv1.2,1",
    "OPENSSL,OPENSSL,TLSv1.3,1",
    "OPENSSL,OPENSSL,TLSv1.2,1",
    "JDK,OPENSSL,TLSv1.3,1",
    "OPENSSL,JDK,TLSv1.2,1",
    "JDK,JDK,TLSv1.3,100000",
    "OPENSSL,OPENSSL,TLSv1.3,100000"
  })
  void handshakeAndData(Provider c, Provider s, String protocol, int chunk) {
    TlsContext client = Contexts.client(c, KeyType.EC_P256).protocols(protocol).build();
    TlsContext server = Contexts.server(s, KeyType.EC_P256).protocols(protocol).build();
    try (MemoryPair pair = new MemoryPair(client, server, chunk, 42)) {
      pair.handshake();
      System.out.println(
          protocol
              + " "
              + c
              + "->"
              + s
              + " client "
              + pair.clientTranscript.size()
              + " server "
              + pair.serverTranscript.size());
      assertThat(pair.client.session().protocol()).isEqualTo(protocol);
      byte[] data = new byte[100_000];
      new java.util.Random(1).nextBytes(data);
      assertThat(pair.send(pair.client, pair.server, data)).isEqualTo(data);
      assertThat(pair.send(pair.server, pair.client, data)).isEqualTo(data);
    }
  }
}
