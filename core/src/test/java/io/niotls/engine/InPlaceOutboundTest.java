package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.transport.MemoryTransport;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A transport that lends its own outbound buffer ({@link MemoryTransport.Sink#reserve}) gets the
 * records encrypted straight into it, with no copy out of the engine's buffer, with either
 * provider; a lent buffer too small for the provider's wrap (the JDK's wants a whole packet buffer)
 * makes the engine encrypt into its own and hand the record to {@code accept} instead. Either way
 * the peer reads every byte.
 */
class InPlaceOutboundTest {
  /** A sink that lends buffers of the kind asked for and counts what came each way. */
  private static final class LendingSink implements MemoryTransport.Sink {
    final ByteBuffer heap = ByteBuffer.allocate(64 * 1024);
    final ByteBuffer direct = ByteBuffer.allocateDirect(64 * 1024);
    final int room; // what a lent buffer offers, whatever was asked for
    ByteBuffer written; // whichever was used, in write mode
    int accepted;
    int committed;
    private int lentAt;

    LendingSink(int room) {
      this.room = room;
    }

    @Override
    public int accept(ByteBuffer ciphertext) {
      accepted++;
      int n = ciphertext.remaining();
      target(ciphertext.isDirect()).put(ciphertext);
      return n;
    }

    @Override
    public ByteBuffer reserve(int size, boolean isDirect) {
      ByteBuffer b = target(isDirect);
      lentAt = b.position();
      return b.limit(Math.min(b.capacity(), lentAt + room));
    }

    @Override
    public void commit(ByteBuffer reserved) {
      reserved.limit(reserved.capacity());
      if (reserved.position() > lentAt) {
        committed++;
      }
    }

    private ByteBuffer target(boolean isDirect) {
      if (written == null) {
        written = isDirect ? direct : heap;
      }
      return written;
    }

    byte[] take() {
      ByteBuffer b = written.flip();
      byte[] out = new byte[b.remaining()];
      b.get(out);
      written.clear();
      written = null;
      return out;
    }
  }

  @ParameterizedTest
  @CsvSource({
    "OPENSSL, TLSv1.3, 65536, 0",
    "OPENSSL, TLSv1.2, 65536, 0",
    "JDK, TLSv1.3, 65536, 0",
    "JDK, TLSv1.2, 65536, 0",
    "OPENSSL, TLSv1.3, 1024, 1",
    "JDK, TLSv1.3, 4096, 1",
    "JDK, TLSv1.2, 4096, 1"
  })
  void aRecordIsEncryptedIntoTheLentBufferWhenItHasRoom(
      Provider provider, String protocol, int room, int copies) {
    TlsContext clientContext =
        Contexts.client(provider, KeyType.EC_P256).protocols(protocol).build();
    TlsContext serverContext =
        Contexts.server(provider, KeyType.EC_P256).protocols(protocol).build();
    MemoryTransport clientNet = new MemoryTransport();
    MemoryTransport serverNet = new MemoryTransport();
    try (TlsEngine client = TlsEngine.client(clientContext, clientNet, "localhost", 443);
        TlsEngine server = TlsEngine.server(serverContext, serverNet)) {
      Status c = Status.WANT_READ;
      Status s = Status.WANT_READ;
      for (int i = 0; i < 16 && (c != Status.OK || s != Status.OK); i++) {
        c = client.handshake();
        serverNet.feed(clientNet.drainAll());
        s = server.handshake();
        clientNet.feed(serverNet.drainAll());
      }
      assertThat(c).isEqualTo(Status.OK);
      assertThat(s).isEqualTo(Status.OK);
      ByteBuffer plain = ByteBuffer.allocate(clientContext.bufferPool().bufferSize());
      while (clientNet.pendingInbound() > 0) { // session tickets, if any
        client.read(plain.clear());
      }
      // BoringSSL's TLS 1.3 server sends its tickets with its first write: get past that first
      assertThat(server.write(ByteBuffer.wrap(new byte[1]))).isEqualTo(1);
      clientNet.feed(serverNet.drainAll());
      assertThat(client.read(plain.clear())).isEqualTo(1);

      LendingSink sink = new LendingSink(room);
      serverNet.sink(sink);
      byte[] message = new byte[3000];
      for (int i = 0; i < message.length; i++) {
        message[i] = (byte) i;
      }
      assertThat(server.write(ByteBuffer.wrap(message))).isEqualTo(message.length);

      assertThat(sink.accepted).as("records copied out of the engine's buffer").isEqualTo(copies);
      assertThat(sink.committed).as("records encrypted in place").isEqualTo(1 - copies);
      assertThat(server.holdsBuffers()).isFalse();
      clientNet.feed(sink.take());
      assertThat(client.read(plain.clear())).isEqualTo(message.length);
      byte[] got = new byte[message.length];
      plain.flip().get(got);
      assertThat(got).isEqualTo(message);
    }
  }
}
