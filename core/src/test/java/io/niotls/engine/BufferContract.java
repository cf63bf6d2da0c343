package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.buffer.BufferPool;
import io.niotls.context.TlsContext;
import io.niotls.testing.MemoryPair;
import io.niotls.testing.PatternSource;
import org.junit.jupiter.api.Test;

/**
 * Network buffers come from the context's pool only while they hold bytes: an idle connection holds
 * none, a closed one has given all back, and a steady stream reuses the same few.
 */
interface BufferContract extends Contract {

  @Test
  default void anIdleConnectionHoldsNoBuffersAndClosingGivesEveryOneBack() {
    TlsContext client = peers().clientContext("TLSv1.3").build();
    TlsContext server = peers().serverContext("TLSv1.3").build();
    BufferPool clientPool = client.bufferPool();
    BufferPool serverPool = server.bufferPool();
    long clientBaseline = clientPool.outstanding();
    long serverBaseline = serverPool.outstanding();

    try (MemoryPair pair = MemoryPair.builder(client, server).build()) {
      pair.handshake();
      byte[] data = PatternSource.bytes(100_000, 13);
      assertThat(pair.send(pair.client, pair.server, data)).isEqualTo(data);
      assertThat(pair.send(pair.server, pair.client, data)).isEqualTo(data);
      pair.pumpAll();
      assertThat(pair.readAll(pair.client).status()).isEqualTo(Status.WANT_READ);
      assertThat(pair.readAll(pair.server).status()).isEqualTo(Status.WANT_READ);

      assertThat(pair.client.holdsBuffers()).as("idle client").isFalse();
      assertThat(pair.server.holdsBuffers()).as("idle server").isFalse();
      assertThat(clientPool.outstanding()).isEqualTo(clientBaseline);
      assertThat(serverPool.outstanding()).isEqualTo(serverBaseline);
    }

    assertThat(clientPool.outstanding()).as("after close").isEqualTo(clientBaseline);
    assertThat(serverPool.outstanding()).as("after close").isEqualTo(serverBaseline);
  }

  @Test
  default void closingAnEngineMidHandshakeGivesItsBuffersBack() {
    TlsContext client = peers().clientContext("TLSv1.2").build();
    TlsContext server = peers().serverContext("TLSv1.2").build();
    try (MemoryPair pair = MemoryPair.builder(client, server).outboundLimit(100).build()) {
      assertThat(pair.client.handshake()).isEqualTo(Status.WANT_WRITE);
      assertThat(pair.client.holdsBuffers()).isTrue();
    }

    assertThat(client.bufferPool().outstanding()).isZero();
    assertThat(server.bufferPool().outstanding()).isZero();
  }

  @Test
  default void aSteadyStreamReusesPooledBuffersInsteadOfAllocating() {
    TlsContext client = peers().clientContext("TLSv1.3").build();
    TlsContext server = peers().serverContext("TLSv1.3").build();
    try (MemoryPair pair = MemoryPair.builder(client, server).build()) {
      pair.handshake();
      byte[] data = PatternSource.bytes(256 * 1024, 17);
      pair.send(pair.client, pair.server, data);
      pair.send(pair.server, pair.client, data);
      long clientAllocated = client.bufferPool().allocated();
      long serverAllocated = server.bufferPool().allocated();

      for (int round = 0; round < 8; round++) {
        assertThat(pair.send(pair.client, pair.server, data)).isEqualTo(data);
        assertThat(pair.send(pair.server, pair.client, data)).isEqualTo(data);
      }

      assertThat(client.bufferPool().allocated()).isEqualTo(clientAllocated);
      assertThat(server.bufferPool().allocated()).isEqualTo(serverAllocated);
    }
  }
}
