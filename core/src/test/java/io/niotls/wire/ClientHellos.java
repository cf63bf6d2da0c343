package io.niotls.wire;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.engine.TlsEngine;
import io.niotls.testing.Contexts;
import io.niotls.transport.MemoryTransport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** ClientHellos for parser tests: real ones from both providers, and hand-built ones. */
final class ClientHellos {
  private static final Map<String, TlsContext> CLIENTS = new ConcurrentHashMap<>();

  private ClientHellos() {}

  /** The first flight of a real client engine connecting to {@code host}, offering {@code alpn}. */
  static byte[] real(Provider provider, String protocol, String host, String... alpn) {
    TlsContext context =
        CLIENTS.computeIfAbsent(
            provider + protocol + Arrays.toString(alpn),
            k ->
                Contexts.client(provider, KeyType.EC_P256)
                    .protocols(protocol)
                    .alpn(alpn)
                    .sessionResumption(false)
                    .build());
    MemoryTransport transport = new MemoryTransport();
    try (TlsEngine engine = TlsEngine.client(context, transport, host, 443)) {
      engine.handshake();
      return transport.drainAll();
    }
  }

  /** The same handshake bytes cut into records with bodies of at most {@code size} bytes. */
  static byte[] refragment(byte[] records, int size) {
    ByteArrayOutputStream handshake = new ByteArrayOutputStream();
    for (int at = 0; at < records.length; ) {
      int length = TlsRecords.bodyLength(ByteBuffer.wrap(records), at);
      handshake.write(records, at + TlsRecords.HEADER_LENGTH, length);
      at += TlsRecords.HEADER_LENGTH + length;
    }
    byte[] body = handshake.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int at = 0; at < body.length; at += size) {
      int n = Math.min(size, body.length - at);
      out.writeBytes(header(TlsRecords.HANDSHAKE, n));
      out.write(body, at, n);
    }
    return out.toByteArray();
  }

  /** A one-record TLS 1.2-style ClientHello with the given extensions (none: no block at all). */
  static byte[] build(byte[]... extensions) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(3);
    body.write(3);
    body.writeBytes(new byte[32]); // random
    body.write(0); // session id
    body.writeBytes(new byte[] {0, 2, (byte) 0xc0, 0x2b}); // one suite
    body.writeBytes(new byte[] {1, 0}); // null compression
    if (extensions.length > 0) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (byte[] e : extensions) {
        all.writeBytes(e);
      }
      body.writeBytes(u16(all.size()));
      body.writeBytes(all.toByteArray());
    }
    return record(handshake(body.toByteArray()));
  }

  static byte[] handshake(byte[] body) {
    ByteArrayOutputStream m = new ByteArrayOutputStream();
    m.write(1);
    m.write(body.length >> 16);
    m.write(body.length >> 8);
    m.write(body.length);
    m.writeBytes(body);
    return m.toByteArray();
  }

  /** A handshake record carrying {@code body}. */
  static byte[] record(byte[] body) {
    return record(TlsRecords.HANDSHAKE, body);
  }

  static byte[] record(int type, byte[] body) {
    ByteArrayOutputStream r = new ByteArrayOutputStream();
    r.writeBytes(header(type, body.length));
    r.writeBytes(body);
    return r.toByteArray();
  }

  /** A record header with the legacy version 3.1 clients use in their first flight. */
  static byte[] header(int type, int bodyLength) {
    return new byte[] {(byte) type, 3, 1, (byte) (bodyLength >> 8), (byte) bodyLength};
  }

  static byte[] extension(int type, byte[] data) {
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    e.writeBytes(u16(type));
    e.writeBytes(u16(data.length));
    e.writeBytes(data);
    return e.toByteArray();
  }

  /** A server_name extension listing host names (type 0). */
  static byte[] sni(String... names) {
    ByteArrayOutputStream list = new ByteArrayOutputStream();
    for (String name : names) {
      byte[] b = name.getBytes(StandardCharsets.ISO_8859_1);
      list.write(0);
      list.writeBytes(u16(b.length));
      list.writeBytes(b);
    }
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.writeBytes(u16(list.size()));
    data.writeBytes(list.toByteArray());
    return extension(0, data.toByteArray());
  }

  /** An ALPN extension listing {@code names}. */
  static byte[] alpn(String... names) {
    ByteArrayOutputStream list = new ByteArrayOutputStream();
    for (String name : names) {
      byte[] b = name.getBytes(StandardCharsets.ISO_8859_1);
      list.write(b.length);
      list.writeBytes(b);
    }
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.writeBytes(u16(list.size()));
    data.writeBytes(list.toByteArray());
    return extension(16, data.toByteArray());
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  static byte[] u16(int v) {
    return new byte[] {(byte) (v >> 8), (byte) v};
  }
}
