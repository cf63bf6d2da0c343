package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Chunks;
import io.niotls.testing.Contexts;
import io.niotls.testing.MemoryPair;
import io.niotls.testing.PatternSource;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS 1.3 half-close on the BORINGSSL provider (RFC 8446 section 6.1): after the client's
 * close_notify the server reads ZERO_RETURN and still writes, and the client, which sent its
 * close_notify but goes on reading, gets every byte before the server's own close_notify. Netty's
 * engine (OPENSSL) closes both directions at the client's close_notify, which lost the tail of
 * echoes; BoringSSL itself only marks its read side shut.
 */
class BoringSslHalfCloseTest {
  private static final int FOUR_MIB = 4 << 20;

  static Stream<Provider> clients() {
    return Stream.of(Provider.BORINGSSL, Provider.JDK, Provider.OPENSSL);
  }

  private static MemoryPair pair(Provider client, String protocol, Chunks chunks) {
    TlsContext clientContext = Contexts.client(client, KeyType.EC_P256).protocols(protocol).build();
    TlsContext serverContext =
        Contexts.server(Provider.BORINGSSL, KeyType.EC_P256).protocols(protocol).build();
    MemoryPair pair = MemoryPair.builder(clientContext, serverContext).chunks(chunks).build();
    pair.handshake();
    pair.pumpAll();
    return pair;
  }

  @ParameterizedTest(name = "{0} client")
  @MethodSource("clients")
  void aTls13ServerWritesFourMebibytesAfterTheClientsCloseNotifyAndTheClientReadsThemAll(
      Provider client) {
    try (MemoryPair pair = pair(client, "TLSv1.3", Chunks.wholeRecords())) {
      assertThat(pair.client.shutdown()).isEqualTo(Status.SENT);
      pair.pumpAll();
      MemoryPair.Received seen = pair.readAll(pair.server);
      assertThat(seen.status()).isEqualTo(Status.ZERO_RETURN);
      assertThat(pair.server.isPeerClosed()).isTrue();

      byte[] tail = PatternSource.bytes(FOUR_MIB, 41);
      ByteBuffer src = ByteBuffer.wrap(tail);
      ByteArrayOutputStream received = new ByteArrayOutputStream(FOUR_MIB);
      ByteBuffer dst = ByteBuffer.allocate(64 * 1024);
      for (int step = 0; step < 1_000_000 && received.size() < tail.length; step++) {
        if (src.hasRemaining()) {
          int n = pair.server.write(src);
          assertThat(n > 0 || n == Status.WANT_WRITE.code())
              .as(
                  "the server's write after the client's close_notify gave %s (%s)",
                  n, pair.server.failure())
              .isTrue();
        }
        pair.pump();
        for (int n = pair.client.read(dst); n > 0; n = pair.client.read(dst)) {
          received.write(dst.array(), 0, n);
          dst.clear();
        }
      }
      assertThat(pair.server.shutdown()).isEqualTo(Status.DONE);
      pair.pumpAll();

      assertThat(received.size()).isEqualTo(tail.length);
      assertThat(received.toByteArray()).isEqualTo(tail);
      assertThat(pair.readAll(pair.client).status()).isEqualTo(Status.ZERO_RETURN);
      assertThat(pair.client.shutdown()).isEqualTo(Status.DONE);
    }
  }

  @Test
  void halfCloseWorksWhenCiphertextMovesOneByteAtATime() {
    try (MemoryPair pair = pair(Provider.BORINGSSL, "TLSv1.3", Chunks.upTo(1, 3))) {
      assertThat(pair.client.shutdown()).isEqualTo(Status.SENT);
      pair.pumpAll();
      assertThat(pair.readAll(pair.server).status()).isEqualTo(Status.ZERO_RETURN);

      byte[] tail = PatternSource.bytes(40_000, 42);
      assertThat(pair.send(pair.server, pair.client, tail)).isEqualTo(tail);
      assertThat(pair.server.shutdown()).isEqualTo(Status.DONE);
      pair.pumpAll();
      assertThat(pair.readAll(pair.client).status()).isEqualTo(Status.ZERO_RETURN);
    }
  }

  /** RFC 5246 section 7.2.1: in TLS 1.2 close_notify ends both directions; writes are refused. */
  @Test
  void aTls12ServerStopsWritingAtTheClientsCloseNotifyAsRfc5246Says() {
    try (MemoryPair pair = pair(Provider.BORINGSSL, "TLSv1.2", Chunks.wholeRecords())) {
      assertThat(pair.client.shutdown()).isEqualTo(Status.SENT);
      pair.pumpAll();
      assertThat(pair.readAll(pair.server).status()).isEqualTo(Status.ZERO_RETURN);

      assertThat(pair.server.write(ByteBuffer.wrap(new byte[100])))
          .isEqualTo(Status.ZERO_RETURN.code());
      assertThat(pair.server.shutdown()).isEqualTo(Status.DONE);
      pair.pumpAll();
      assertThat(pair.client.shutdown()).isEqualTo(Status.DONE);
    }
  }
}
