package io.niotls.hostile;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.internal.tcnative.SSLContext;
import io.netty.util.ReferenceCountUtil;
import io.niotls.context.KeyMaterial;
import io.niotls.engine.Status;
import io.niotls.testing.TestPki;
import io.niotls.wire.TlsRecords;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * A real, independent TLS stack (BoringSSL through netty-tcnative, not niotls) that completes an
 * honest handshake with a {@link Victim} and then turns hostile: with the keys from its own key log
 * it forges well-encrypted records no TLS stack sends on its own (empty records, floods of warning
 * alerts and KeyUpdates, a ClientHello after the handshake) and feeds them to the victim, which
 * cannot tell them from the peer's own.
 *
 * <p>Negotiates AES-128-GCM only (the victim's context must allow it), the one suite {@link
 * RecordSealer} speaks.
 */
final class ForgingPeer implements AutoCloseable {
  private static final int MAX_STEPS = 10_000;
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final Victim victim;
  private final boolean asClient;
  private final SslContext sslContext;
  private final SSLEngine engine;
  private final List<String> keyLog = new ArrayList<>();
  private final ByteArrayOutputStream peerStream = new ByteArrayOutputStream();
  private final ByteArrayOutputStream victimStream = new ByteArrayOutputStream();
  private ByteBuffer toPeer = ByteBuffer.allocate(0);
  private RecordSealer sealer;

  /** A peer of {@code victim}'s opposite role speaking {@code protocol}. */
  ForgingPeer(Victim victim, String protocol) throws SSLException {
    this.victim = victim;
    this.asClient = !victim.engine.isClient();
    KeyMaterial key = TestPki.ec().server().keyMaterial();
    SslContextBuilder builder =
        asClient
            ? SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
            : SslContextBuilder.forServer(key.privateKey(), key.chain());
    sslContext =
        builder
            .sslProvider(SslProvider.OPENSSL)
            .protocols(protocol)
            .ciphers(List.of("TLS_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"))
            .build();
    SSLContext.setKeyLogCallback(
        tcnativeContext(sslContext),
        (ssl, line) -> keyLog.add(new String(line, StandardCharsets.US_ASCII)));
    engine =
        asClient
            ? sslContext.newEngine(ByteBufAllocator.DEFAULT, "localhost", 443)
            : sslContext.newEngine(ByteBufAllocator.DEFAULT);
  }

  /**
   * tcnative's handle of the context: Netty keeps it in a protected field ({@code sslCtxPointer()}
   * is the raw SSL_CTX, which tcnative's setters must not be given).
   */
  private static long tcnativeContext(SslContext context) {
    try {
      Field field = ReferenceCountedOpenSslContext.class.getDeclaredField("ctx");
      field.setAccessible(true);
      return field.getLong(context);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot reach Netty's tcnative context handle", e);
    }
  }

  /** The peer's own SSLEngine. */
  SSLEngine engine() {
    return engine;
  }

  /**
   * Runs an honest handshake with the victim until both sides are done, then derives the keys the
   * peer writes with and the sequence number its next record gets.
   */
  void handshake() throws SSLException {
    engine.beginHandshake();
    Status status = Status.WANT_READ;
    for (int step = 0; step < MAX_STEPS; step++) {
      if (status != Status.OK) {
        status = victim.engine.handshake();
        if (status.isFatal()) {
          throw new AssertionError("victim failed the handshake: " + victim.engine.failure());
        }
      }
      boolean moved = toPeer(victim.output());
      moved |= drivePeer();
      if (status == Status.OK && !moved && !handshaking()) {
        sealer = deriveSealer();
        return;
      }
    }
    throw new AssertionError("handshake did not finish in " + MAX_STEPS + " steps");
  }

  /**
   * TLS 1.3, the peer being the server: runs the handshake, and as soon as the peer has sent its
   * Finished (and so has its application keys) feeds the victim {@code records} forged empty
   * application-data records right behind that flight, before the victim has finished. Returns the
   * victim's status once it has finished or failed.
   */
  Status handshakeFloodingAfterServerFinished(int records) throws SSLException {
    if (asClient) {
      throw new IllegalStateException("the peer must be the server");
    }
    engine.beginHandshake();
    boolean flooded = false;
    Status status = Status.WANT_READ;
    for (int step = 0; step < MAX_STEPS; step++) {
      status = victim.engine.handshake();
      if (status == Status.OK || status.isFatal()) {
        return status;
      }
      toPeer(victim.output());
      drivePeer();
      if (!flooded && keyLog.stream().anyMatch(l -> l.startsWith("SERVER_TRAFFIC_SECRET_0"))) {
        RecordSealer early = RecordSealer.tls13(secret("SERVER"));
        for (int i = 0; i < records; i++) {
          victim.feed(early.seal(TlsRecords.APPLICATION_DATA, new byte[0]));
        }
        flooded = true;
      }
    }
    throw new AssertionError("the victim neither finished nor failed: " + status);
  }

  /** One forged record of {@code type} with {@code body}, encrypted as the peer would. */
  byte[] seal(int type, byte[] body) {
    return sealer.seal(type, body);
  }

  /** A forged TLS 1.3 KeyUpdate; the peer's later records use the next keys, as RFC 8446 says. */
  byte[] keyUpdate(boolean updateRequested) {
    byte[] record =
        sealer.seal(
            TlsRecords.HANDSHAKE, new byte[] {24, 0, 0, 1, (byte) (updateRequested ? 1 : 0)});
    sealer.ratchet();
    return record;
  }

  /** Encrypts {@code data} with the peer's own engine: an honest application-data record. */
  byte[] wrap(byte[] data) throws SSLException {
    ByteBuffer out = ByteBuffer.allocate(64 * 1024);
    SSLEngineResult r = engine.wrap(ByteBuffer.wrap(data), out);
    if (r.getStatus() != SSLEngineResult.Status.OK) {
      throw new IllegalStateException("peer wrap: " + r);
    }
    return java.util.Arrays.copyOf(out.array(), out.position());
  }

  private boolean handshaking() {
    HandshakeStatus hs = engine.getHandshakeStatus();
    return hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED;
  }

  private boolean toPeer(byte[] bytes) {
    if (bytes.length == 0) {
      return false;
    }
    victimStream.writeBytes(bytes);
    ByteBuffer joined = ByteBuffer.allocate(toPeer.remaining() + bytes.length);
    toPeer = joined.put(toPeer).put(bytes).flip();
    return true;
  }

  /** Moves the peer's handshake as far as it goes; true if it consumed or produced bytes. */
  private boolean drivePeer() throws SSLException {
    boolean moved = false;
    ByteBuffer out = ByteBuffer.allocate(64 * 1024);
    ByteBuffer app = ByteBuffer.allocate(64 * 1024);
    for (int i = 0; i < 100; i++) {
      switch (engine.getHandshakeStatus()) {
        case NEED_TASK -> {
          for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
            t.run();
          }
        }
        case NEED_WRAP -> {
          out.clear();
          engine.wrap(EMPTY, out);
          byte[] bytes = java.util.Arrays.copyOf(out.array(), out.position());
          peerStream.writeBytes(bytes);
          victim.feed(bytes);
          moved |= bytes.length > 0;
        }
        case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
          SSLEngineResult r = engine.unwrap(toPeer, app.clear());
          if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
            return moved;
          }
          moved = true;
        }
        default -> {
          return moved;
        }
      }
    }
    return moved;
  }

  private RecordSealer deriveSealer() {
    List<Records.Parsed> mine = Records.parse(peerStream.toByteArray());
    if ("TLSv1.3".equals(engine.getSession().getProtocol())) {
      RecordSealer tls13 = RecordSealer.tls13(secret(asClient ? "CLIENT" : "SERVER"));
      for (Records.Parsed record : mine) {
        if (record.type() == TlsRecords.APPLICATION_DATA) {
          tls13.open(Records.record(record.type(), record.body())); // advances on our own records
        }
      }
      return tls13;
    }
    List<Records.Parsed> victims = Records.parse(victimStream.toByteArray());
    byte[] clientHello = (asClient ? mine : victims).get(0).body();
    byte[] serverHello = (asClient ? victims : mine).get(0).body();
    RecordSealer tls12 =
        RecordSealer.tls12(
            logged("CLIENT_RANDOM"), random(clientHello), random(serverHello), asClient);
    int afterCcs = -1;
    for (Records.Parsed record : mine) {
      afterCcs = record.type() == TlsRecords.CHANGE_CIPHER_SPEC ? 0 : afterCcs + 1;
    }
    tls12.skipTo(afterCcs);
    return tls12;
  }

  private byte[] secret(String side) {
    return logged(side + "_TRAFFIC_SECRET_0");
  }

  /** The secret of the key-log line with {@code label}: {@code LABEL <client random> <secret>}. */
  private byte[] logged(String label) {
    for (String line : keyLog) {
      String[] parts = line.trim().split(" ");
      if (parts[0].equals(label)) {
        return HexFormat.of().parseHex(parts[2]);
      }
    }
    throw new IllegalStateException("no " + label + " in the key log " + keyLog);
  }

  /** The 32-byte random of a ClientHello or ServerHello record body (RFC 5246 section 7.4.1). */
  private static byte[] random(byte[] helloRecordBody) {
    byte[] random = new byte[32];
    System.arraycopy(helloRecordBody, 4 + 2, random, 0, 32);
    return random;
  }

  @Override
  public void close() {
    ReferenceCountUtil.release(engine);
    ReferenceCountUtil.release(sslContext);
  }
}
