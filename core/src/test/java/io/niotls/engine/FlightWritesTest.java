package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.transport.ForwardingTransport;
import io.niotls.transport.MemoryTransport;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A handshake flight leaves in one transport write: over a socket each write is a system call (and,
 * on loopback, the peer's receive path too), so a flight cut in pieces costs CPU per piece. The
 * BORINGSSL driver wrote one per 256 bytes its BIO holds: 7 writes per connection of a server that
 * only handshakes, against Netty's 2. The SSLEngine driver wrote one per wrap: SunJSSE's TLS 1.3
 * server flight (ServerHello, ChangeCipherSpec, the encrypted rest) in 3.
 */
class FlightWritesTest {

  /** Counts the calls that hand the transport bytes to send, in place or copied. */
  static final class CountingTransport extends ForwardingTransport {
    int writes;

    CountingTransport(MemoryTransport inner) {
      super(inner);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      int n = super.write(src);
      writes += n > 0 ? 1 : 0;
      return n;
    }

    @Override
    public void commitOutbound(ByteBuffer lent) {
      writes += lent.position() > 0 ? 1 : 0;
      super.commitOutbound(lent);
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource({
    "BORINGSSL, TLSv1.3, EC_P256",
    "BORINGSSL, TLSv1.3, RSA_2048",
    "BORINGSSL, TLSv1.2, RSA_2048",
    "OPENSSL, TLSv1.3, RSA_2048",
    "OPENSSL, TLSv1.2, RSA_2048",
    "JDK, TLSv1.3, EC_P256",
    "JDK, TLSv1.3, RSA_2048",
    "JDK, TLSv1.2, EC_P256",
    "JDK, TLSv1.2, RSA_2048",
  })
  void eachFlightOfAFullHandshakeLeavesInOneWrite(Provider provider, String protocol, KeyType key)
      throws IOException {
    TlsContext clientContext = Contexts.client(provider, key).protocols(protocol).build();
    TlsContext serverContext = Contexts.server(provider, key).protocols(protocol).build();
    MemoryTransport clientWire = new MemoryTransport();
    MemoryTransport serverWire = new MemoryTransport();
    CountingTransport clientCount = new CountingTransport(clientWire);
    CountingTransport serverCount = new CountingTransport(serverWire);
    TlsEngine client = TlsEngine.client(clientContext, clientCount, "localhost", 443);
    TlsEngine server = TlsEngine.server(serverContext, serverCount);
    try {
      int clientFlights = 0;
      int serverFlights = 0;
      for (int step = 0;
          step < 20 && !(client.isHandshakeComplete() && server.isHandshakeComplete());
          step++) {
        int before = clientCount.writes;
        client.handshake();
        clientFlights += clientCount.writes > before ? 1 : 0;
        serverWire.feed(clientWire.drainAll());
        before = serverCount.writes;
        server.handshake();
        serverFlights += serverCount.writes > before ? 1 : 0;
        clientWire.feed(serverWire.drainAll());
      }

      assertThat(client.isHandshakeComplete() && server.isHandshakeComplete())
          .as("handshake done")
          .isTrue();
      assertThat(clientCount.writes).as("client writes").isEqualTo(clientFlights);
      // a TLS 1.3 server's tickets (after the client's Finished) are a flight of their own
      assertThat(serverCount.writes).as("server writes").isEqualTo(serverFlights);
    } finally {
      client.close();
      server.close();
    }
  }
}
