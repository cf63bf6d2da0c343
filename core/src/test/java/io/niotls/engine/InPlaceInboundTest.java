package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.transport.MemoryTransport;
import io.niotls.transport.Transport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ciphertext a transport holds in memory ({@link Transport#inboundInPlace()}) is decrypted where it
 * is: a whole record costs no {@code read()} into a network buffer, and a record that is not whole
 * yet falls back to the copying path without losing a byte.
 */
class InPlaceInboundTest {
  private static final byte[] MESSAGE = "in place, please".getBytes(StandardCharsets.US_ASCII);

  /** A client engine over a transport that counts the reads the engine makes. */
  private static final class CountingTransport implements Transport {
    final MemoryTransport inner;
    int reads;

    CountingTransport(MemoryTransport inner) {
      this.inner = inner;
    }

    @Override
    public int read(ByteBuffer dst) {
      reads++;
      return inner.read(dst);
    }

    @Override
    public int write(ByteBuffer src) {
      return inner.write(src);
    }

    @Override
    public ByteBuffer inboundInPlace() {
      return inner.inboundInPlace();
    }

    @Override
    public boolean isOpen() {
      return inner.isOpen();
    }

    @Override
    public void close() throws IOException {
      inner.close();
    }
  }

  /**
   * Establishes {@code client} (over {@code clientIn}) with a new server engine and returns the
   * server's encryption of {@code MESSAGE}.
   */
  private static byte[] establishAndEncrypt(
      TlsContext serverContext, TlsEngine client, MemoryTransport clientIn) {
    MemoryTransport serverIn = new MemoryTransport();
    try (TlsEngine server = TlsEngine.server(serverContext, serverIn)) {
      Status c = Status.WANT_READ;
      Status s = Status.WANT_READ;
      for (int i = 0; i < 16 && (c != Status.OK || s != Status.OK); i++) {
        c = client.handshake();
        serverIn.feed(clientIn.drainAll());
        s = server.handshake();
        clientIn.feed(serverIn.drainAll());
      }
      assertThat(c).isEqualTo(Status.OK);
      assertThat(s).isEqualTo(Status.OK);
      ByteBuffer sink = ByteBuffer.allocate(serverContext.bufferPool().bufferSize());
      while (clientIn.pendingInbound() > 0) { // session tickets, if any
        assertThat(client.read(sink)).isEqualTo(Status.WANT_READ.code());
      }
      assertThat(server.write(ByteBuffer.wrap(MESSAGE))).isEqualTo(MESSAGE.length);
      return serverIn.drainAll();
    }
  }

  private static ByteBuffer view(byte[] bytes, boolean direct) {
    ByteBuffer b =
        direct ? ByteBuffer.allocateDirect(bytes.length) : ByteBuffer.allocate(bytes.length);
    return b.put(bytes).flip();
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aWholeRecordInTheCallersBufferIsDecryptedWithoutARead(Provider provider) {
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).build();
    TlsContext serverContext = Contexts.server(provider, KeyType.EC_P256).build();
    MemoryTransport clientIn = new MemoryTransport(clientContext.bufferPool());
    CountingTransport counting = new CountingTransport(clientIn);
    try (TlsEngine client = TlsEngine.client(clientContext, counting, "localhost", 443)) {
      byte[] record = establishAndEncrypt(serverContext, client, clientIn);
      ByteBuffer caller = view(record, clientContext.bufferPool().isDirect());
      clientIn.feedView(caller);
      int readsBefore = counting.reads;

      ByteBuffer plain = ByteBuffer.allocate(clientContext.bufferPool().bufferSize());
      int n = client.read(plain);

      assertThat(n).isEqualTo(MESSAGE.length);
      assertThat(counting.reads).isEqualTo(readsBefore);
      assertThat(caller.hasRemaining()).isFalse();
      assertThat(plain.flip()).isEqualTo(ByteBuffer.wrap(MESSAGE));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aRecordSplitAcrossTwoViewsIsCopiedAndDecryptedWhenWhole(Provider provider) {
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).build();
    TlsContext serverContext = Contexts.server(provider, KeyType.EC_P256).build();
    MemoryTransport clientIn = new MemoryTransport(clientContext.bufferPool());
    boolean direct = clientContext.bufferPool().isDirect();
    try (TlsEngine client = TlsEngine.client(clientContext, clientIn, "localhost", 443)) {
      byte[] record = establishAndEncrypt(serverContext, client, clientIn);
      int half = record.length / 2;
      ByteBuffer plain = ByteBuffer.allocate(clientContext.bufferPool().bufferSize());

      ByteBuffer first = view(Arrays.copyOfRange(record, 0, half), direct);
      clientIn.feedView(first);
      assertThat(client.read(plain)).isEqualTo(Status.WANT_READ.code());
      clientIn.detachInbound();
      first.clear(); // the caller reuses its buffer: the engine must have kept its own copy
      while (first.hasRemaining()) {
        first.put((byte) 0);
      }
      clientIn.feedView(view(Arrays.copyOfRange(record, half, record.length), direct));

      assertThat(client.read(plain)).isEqualTo(MESSAGE.length);
      assertThat(plain.flip()).isEqualTo(ByteBuffer.wrap(MESSAGE));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL", "BORINGSSL"})
  void aSmallRecordIsDecryptedIntoABufferThatFitsItWithoutTheEnginesOwn(Provider provider) {
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).build();
    TlsContext serverContext = Contexts.server(provider, KeyType.EC_P256).build();
    MemoryTransport clientIn = new MemoryTransport();
    try (TlsEngine client = TlsEngine.client(clientContext, clientIn, "localhost", 443)) {
      byte[] record = establishAndEncrypt(serverContext, client, clientIn);
      clientIn.feed(record); // copied: the engine reads it into its network buffer first
      ByteBuffer plain = ByteBuffer.allocate(record.length); // the body and then some, not 16 KiB
      long acquiredBefore = clientContext.bufferPool().acquired();

      assertThat(client.read(plain)).isEqualTo(MESSAGE.length);

      assertThat(clientContext.bufferPool().acquired() - acquiredBefore)
          .as("netIn only, no appIn")
          .isEqualTo(1);
      assertThat(plain.flip()).isEqualTo(ByteBuffer.wrap(MESSAGE));
    }
  }
}
