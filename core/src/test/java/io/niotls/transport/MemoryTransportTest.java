package io.niotls.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.engine.TlsEngine;
import io.niotls.testing.Contexts;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MemoryTransportTest {

  @Test
  void fedBytesAreReadInOrderAndEndOfStreamFollows() {
    MemoryTransport t = new MemoryTransport();
    t.feed(bytes("abc"));
    t.feed(bytes("de"));
    t.feedEof();
    ByteBuffer dst = ByteBuffer.allocate(4);
    assertThat(t.read(dst)).isEqualTo(4);
    assertThat(t.read(dst.clear())).isEqualTo(1);
    assertThat(dst.get(0)).isEqualTo((byte) 'e');
    assertThat(t.read(dst.clear())).isEqualTo(-1);
  }

  @Test
  void aViewIsReadInPlaceAfterEarlierBytes() {
    MemoryTransport t = new MemoryTransport();
    t.feed(bytes("ab"));
    ByteBuffer view = ByteBuffer.wrap(bytes("cdef"));
    t.feedView(view);
    assertThat(t.pendingInbound()).isEqualTo(6);
    ByteBuffer dst = ByteBuffer.allocate(3);
    assertThat(t.read(dst)).isEqualTo(3);
    assertThat(new String(dst.array(), StandardCharsets.US_ASCII)).isEqualTo("abc");
    assertThat(view.position()).as("the view is consumed in place").isEqualTo(1);
  }

  @Test
  void theViewIsOfferedInPlaceOnlyOnceEarlierBytesAreRead() {
    MemoryTransport t = new MemoryTransport();
    assertThat(t.inboundInPlace()).isNull();
    t.feed(new byte[0]);
    t.feedView(ByteBuffer.wrap(bytes("z")));
    assertThat(t.inboundInPlace()).as("nothing unread before it").isNotNull();
    t.read(ByteBuffer.allocate(1));
    t.feed(bytes("ab"));
    ByteBuffer view = ByteBuffer.wrap(bytes("cd"));
    t.feedView(view);
    assertThat(t.inboundInPlace()).as("copied bytes come first").isNull();
    t.read(ByteBuffer.allocate(2));
    assertThat(t.inboundInPlace()).isSameAs(view);
    view.position(view.limit());
    assertThat(t.inboundInPlace()).as("a consumed view").isNull();
  }

  @Test
  void detachingAViewKeepsItsUnreadBytesAndFreesTheBuffer() {
    MemoryTransport t = new MemoryTransport();
    byte[] caller = bytes("xyz");
    t.feedView(ByteBuffer.wrap(caller));
    ByteBuffer one = ByteBuffer.allocate(1);
    t.read(one);
    t.detachInbound();
    caller[1] = '!';
    caller[2] = '!';
    ByteBuffer rest = ByteBuffer.allocate(8);
    assertThat(t.read(rest)).isEqualTo(2);
    assertThat(new String(rest.array(), 0, 2, StandardCharsets.US_ASCII)).isEqualTo("yz");
    assertThat(t.read(rest.clear())).isZero();
  }

  @Test
  void feedingAfterAViewKeepsTheOrder() {
    MemoryTransport t = new MemoryTransport();
    t.feedView(ByteBuffer.wrap(bytes("12")));
    t.feed(bytes("34"));
    ByteBuffer dst = ByteBuffer.allocate(8);
    assertThat(t.read(dst)).isEqualTo(4);
    assertThat(new String(dst.array(), 0, 4, StandardCharsets.US_ASCII)).isEqualTo("1234");
  }

  @Test
  void aSinkReceivesKeptBytesFirstThenEveryWrite() {
    MemoryTransport t = new MemoryTransport();
    t.write(ByteBuffer.wrap(bytes("old")));
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    t.sink(
        src -> {
          int n = src.remaining();
          byte[] b = new byte[n];
          src.get(b);
          got.writeBytes(b);
          return n;
        });
    assertThat(t.write(ByteBuffer.wrap(bytes("new")))).isEqualTo(3);
    assertThat(got.toString(StandardCharsets.US_ASCII)).isEqualTo("oldnew");
    assertThat(t.pendingOutbound()).isZero();
  }

  @Test
  void aSinkThatTakesNothingMakesTheEngineWantWrite() {
    TlsContext client = Contexts.client(Provider.JDK, KeyType.EC_P256).build();
    MemoryTransport t = new MemoryTransport();
    t.sink(src -> 0);
    try (TlsEngine engine = TlsEngine.client(client, t, "localhost", 443)) {
      assertThat(engine.handshake()).isEqualTo(Status.WANT_WRITE);
      t.sink(null);
      assertThat(engine.handshake()).isEqualTo(Status.WANT_READ);
      assertThat(t.pendingOutbound()).as("the ClientHello").isGreaterThan(100);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void pooledBuffersGoBackWhenDrainedSoSteadyTrafficAllocatesNothing() {
    io.niotls.buffer.BufferPool pool = new io.niotls.buffer.BufferPool(32 * 1024, false, 8);
    MemoryTransport transport = new MemoryTransport(pool);
    ByteBuffer record = ByteBuffer.allocate(16 * 1024);
    ByteBuffer sink = ByteBuffer.allocate(16 * 1024);
    for (int i = 0; i < 100; i++) {
      transport.feed(record.clear());
      transport.read(sink.clear());
      transport.write(record.clear());
      transport.drain(sink.clear());
    }
    assertThat(pool.allocated()).as("buffers ever allocated").isLessThanOrEqualTo(2);
    assertThat(pool.outstanding()).as("held by an idle transport").isZero();
  }

  @Test
  void closingGivesPooledBuffersBack() {
    io.niotls.buffer.BufferPool pool = new io.niotls.buffer.BufferPool(4096, false, 8);
    MemoryTransport transport = new MemoryTransport(pool);
    transport.feed(new byte[100]);
    transport.write(ByteBuffer.allocate(100));
    assertThat(pool.outstanding()).isEqualTo(2);
    transport.close();
    assertThat(pool.outstanding()).isZero();
  }

  @Test
  void bytesBeyondAPooledBufferStillArriveInOrder() {
    io.niotls.buffer.BufferPool pool = new io.niotls.buffer.BufferPool(1024, false, 8);
    MemoryTransport transport = new MemoryTransport(pool);
    byte[] data = new byte[5000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    transport.feed(java.util.Arrays.copyOfRange(data, 0, 700));
    transport.feed(java.util.Arrays.copyOfRange(data, 700, 5000));
    ByteBuffer out = ByteBuffer.allocate(5000);
    transport.read(out);
    assertThat(out.array()).isEqualTo(data);
    assertThat(pool.outstanding()).isZero();
  }
}
