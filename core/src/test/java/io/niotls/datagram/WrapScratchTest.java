package io.niotls.datagram;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class WrapScratchTest {

  @Test
  void aThreadGetsItsBufferBackClearedForEachWrapAndANestedWrapGetsAnotherOne() {
    ByteBuffer outer = WrapScratch.take(1000);
    outer.put((byte) 1).flip();
    ByteBuffer nested = WrapScratch.take(1000);

    assertThat(nested).isNotSameAs(outer);
    assertThat(outer.remaining()).isEqualTo(1); // the nested wrap left the lent one alone
    WrapScratch.giveBack(nested);
    WrapScratch.giveBack(outer);
    ByteBuffer again = WrapScratch.take(1000);
    assertThat(again).isSameAs(outer);
    assertThat(again.position()).isZero();
    assertThat(again.remaining()).isGreaterThanOrEqualTo(1000);
    WrapScratch.giveBack(again);
  }

  @Test
  void aLargerWrapGrowsTheBufferAndAnotherThreadHasItsOwn() throws Exception {
    ByteBuffer small = WrapScratch.take(100);
    WrapScratch.giveBack(small);
    ByteBuffer large = WrapScratch.take(small.capacity() + 1);
    assertThat(large.capacity()).isGreaterThan(small.capacity());
    WrapScratch.giveBack(large);

    ByteBuffer[] other = new ByteBuffer[1];
    Thread thread = new Thread(() -> other[0] = WrapScratch.take(100));
    thread.start();
    thread.join(5000);
    assertThat(other[0]).isNotNull().isNotSameAs(large);
  }

  @Test
  void twoEnginesSharingTheirThreadsBufferExchangeFullSizeDatagramsIntact() {
    LossyNetwork net = new LossyNetwork(8, 0, 0, 0);
    DtlsPair pair = new DtlsPair(net, 1400, true);
    pair.handshake(1000);
    ByteBuffer datagram = ByteBuffer.allocate(1363);
    for (int i = 0; i < datagram.capacity(); i++) {
      datagram.put(i, (byte) i);
    }

    assertThat(pair.client.write(datagram.duplicate())).isEqualTo(1363);
    assertThat(pair.server.write(datagram.duplicate())).isEqualTo(1363);
    ByteBuffer got = ByteBuffer.allocate(17 * 1024);
    assertThat(pair.server.read(got)).isEqualTo(1363);
    assertThat(got.flip()).isEqualTo(datagram);
    got.clear();
    assertThat(pair.client.read(got)).isEqualTo(1363);
    assertThat(got.flip()).isEqualTo(datagram);
  }
}
