package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.transport.MemoryTransport;
import io.niotls.transport.Transport;
import io.niotls.wire.TlsRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
    return establishAndEncrypt(serverContext, client, clientIn, MESSAGE);
  }

  /**
   * Establishes {@code client} (over {@code clientIn}) with a new server engine and returns the
   * server's encryption of {@code message}.
   */
  private static byte[] establishAndEncrypt(
      TlsContext serverContext, TlsEngine client, MemoryTransport clientIn, byte[] message) {
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
      assertThat(server.write(ByteBuffer.wrap(message))).isEqualTo(message.length);
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

  /**
   * A record as full as its sender makes them, read into a buffer exactly as big as its plaintext
   * (a 16 KiB reader's buffer and a 16 KiB record): the body also holds the tag and the content
   * type, and the JDK's engine asks for 16 bytes of room more than the plaintext, Netty's for the
   * whole body; lent a few spare bytes behind the reader's buffer, both decrypt into it, without
   * the engine's appIn and a copy of the record.
   */
  @ParameterizedTest(name = "{0} reads what {1} sealed")
  @CsvSource({
    "JDK, BORINGSSL",
    "JDK, OPENSSL",
    "JDK, JDK",
    "OPENSSL, BORINGSSL",
    "OPENSSL, JDK",
  })
  void aFullRecordIsDecryptedIntoAReadersBufferAsBigAsItsPlaintext(
      Provider reader, Provider sender) {
    TlsContext clientContext = Contexts.client(reader, KeyType.EC_P256).build();
    TlsContext serverContext = Contexts.server(sender, KeyType.EC_P256).build();
    MemoryTransport clientIn = new MemoryTransport();
    try (TlsEngine client = TlsEngine.client(clientContext, clientIn, "localhost", 443)) {
      byte[] message = fullRecordOf(sender);
      byte[] record = establishAndEncrypt(serverContext, client, clientIn, message);
      assertThat(TlsRecords.bodyLength(ByteBuffer.wrap(record)))
          .as("one record, its body longer than its plaintext")
          .isEqualTo(record.length - TlsRecords.HEADER_LENGTH)
          .isGreaterThan(message.length);
      clientIn.feed(record);
      ByteBuffer plain = ByteBuffer.allocate(message.length);
      long acquiredBefore = clientContext.bufferPool().acquired();

      assertThat(client.read(plain)).isEqualTo(message.length);

      assertThat(clientContext.bufferPool().acquired() - acquiredBefore)
          .as("netIn only, no appIn")
          .isEqualTo(1);
      assertThat(plain.flip()).isEqualTo(ByteBuffer.wrap(message));
      assertThat(client.holdsBuffers()).isFalse();
    }
  }

  /**
   * A reader's buffer a byte shorter than a full record's plaintext: the spare bytes lent behind it
   * take the last byte, which the next read delivers, in order.
   */
  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void aPlaintextOneByteLongerThanTheReadersBufferArrivesWholeInTwoReads(Provider provider) {
    TlsContext clientContext = Contexts.client(provider, KeyType.EC_P256).build();
    TlsContext serverContext = Contexts.server(Provider.BORINGSSL, KeyType.EC_P256).build();
    MemoryTransport clientIn = new MemoryTransport();
    try (TlsEngine client = TlsEngine.client(clientContext, clientIn, "localhost", 443)) {
      byte[] message = fullRecordOf(Provider.BORINGSSL);
      clientIn.feed(establishAndEncrypt(serverContext, client, clientIn, message));
      ByteBuffer plain = ByteBuffer.allocate(message.length);

      assertThat(client.read(plain.limit(message.length - 1))).isEqualTo(message.length - 1);
      assertThat(client.pending()).isEqualTo(1);
      assertThat(client.read(plain.limit(message.length))).isEqualTo(1);

      assertThat(plain.flip()).isEqualTo(ByteBuffer.wrap(message));
      assertThat(client.holdsBuffers()).isFalse();
    }
  }

  /** As many bytes as {@code sender} seals in one TLS 1.3 record, each its index's low byte. */
  private static byte[] fullRecordOf(Provider sender) {
    int size = sender == Provider.JDK ? JdkQuirks.INSTANCE.plaintextPerRecord("TLSv1.3") : 16384;
    byte[] message = new byte[size];
    for (int i = 0; i < size; i++) {
      message[i] = (byte) i;
    }
    return message;
  }
}
