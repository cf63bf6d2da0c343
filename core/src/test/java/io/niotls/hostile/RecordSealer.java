package io.niotls.hostile;

import io.niotls.wire.TlsRecords;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts records the way one side of an established AES-128-GCM connection would, so a test can
 * send what a real TLS stack never sends on its own: empty records, floods of warning alerts or
 * KeyUpdates, a ClientHello after the handshake. The keys come from the peer's key log (NSS format,
 * the {@code SSLKEYLOGFILE} lines BoringSSL reports).
 *
 * <p>TLS 1.2 (RFC 5246 section 6.3, RFC 5288): key block from the master secret with the SHA-256
 * PRF; nonce = 4-byte implicit IV || 8-byte explicit nonce. TLS 1.3 (RFC 8446 section 7.3, 5.3):
 * key and IV from the traffic secret with HKDF-Expand-Label; nonce = IV xor sequence number.
 */
final class RecordSealer {
  private final boolean tls13;
  private byte[] secret; // TLS 1.3: current traffic secret (KeyUpdate ratchets it)
  private byte[] key;
  private byte[] iv;
  private long sequence;

  private RecordSealer(boolean tls13, byte[] secret, byte[] key, byte[] iv) {
    this.tls13 = tls13;
    this.secret = secret;
    this.key = key;
    this.iv = iv;
  }

  /** TLS 1.2, TLS_ECDHE_*_WITH_AES_128_GCM_SHA256, writing as the client or the server. */
  static RecordSealer tls12(
      byte[] masterSecret, byte[] clientRandom, byte[] serverRandom, boolean asClient) {
    byte[] block =
        prf(masterSecret, "key expansion", concat(serverRandom, clientRandom), 2 * 16 + 2 * 4);
    byte[] key = slice(block, asClient ? 0 : 16, 16);
    byte[] iv = slice(block, asClient ? 32 : 36, 4);
    return new RecordSealer(false, null, key, iv);
  }

  /** TLS 1.3, TLS_AES_128_GCM_SHA256, from a {@code *_TRAFFIC_SECRET_0}. */
  static RecordSealer tls13(byte[] trafficSecret) {
    RecordSealer sealer = new RecordSealer(true, null, null, null);
    sealer.useSecret(trafficSecret);
    return sealer;
  }

  /** The sequence number the next sealed record gets. */
  long sequence() {
    return sequence;
  }

  /** Skips records the real peer already sent with these keys. */
  void skipTo(long next) {
    sequence = next;
  }

  /** One encrypted record of {@code type} carrying {@code plaintext} (may be empty). */
  byte[] seal(int type, byte[] plaintext) {
    try {
      return tls13 ? seal13(type, plaintext) : seal12(type, plaintext);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } finally {
      sequence++;
    }
  }

  /**
   * TLS 1.3 only: whether {@code record} (a whole type-23 record) decrypts with the current keys at
   * the current sequence number; if so the number advances, as it did for the peer that sent it.
   */
  boolean open(byte[] record) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce13()));
      cipher.updateAAD(record, 0, 5);
      cipher.doFinal(record, 5, record.length - 5);
      sequence++;
      return true;
    } catch (AEADBadTagException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * TLS 1.3 only: the inner plaintext of {@code record} (a whole type-23 record), without its
   * content type and padding, when it decrypts with the current keys at the current sequence number
   * (which then advances, as it did for the peer that sent it); else null.
   */
  byte[] unseal(byte[] record) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce13()));
      cipher.updateAAD(record, 0, 5);
      byte[] inner = cipher.doFinal(record, 5, record.length - 5);
      sequence++;
      int end = inner.length - 1;
      while (end >= 0 && inner[end] == 0) {
        end--; // padding, then the content type
      }
      return end < 0 ? null : java.util.Arrays.copyOf(inner, end);
    } catch (AEADBadTagException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * TLS 1.3 only: after sealing a KeyUpdate, the sender's next records use the next traffic secret
   * (RFC 8446 section 7.2).
   */
  void ratchet() {
    useSecret(expandLabel(secret, "traffic upd", 32));
  }

  private void useSecret(byte[] trafficSecret) {
    secret = trafficSecret;
    key = expandLabel(trafficSecret, "key", 16);
    iv = expandLabel(trafficSecret, "iv", 12);
    sequence = 0;
  }

  private byte[] seal12(int type, byte[] plaintext) throws GeneralSecurityException {
    byte[] explicit = ByteBuffer.allocate(8).putLong(sequence).array();
    byte[] aad =
        ByteBuffer.allocate(13)
            .putLong(sequence)
            .put((byte) type)
            .put((byte) 3)
            .put((byte) 3)
            .putShort((short) plaintext.length)
            .array();
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(
        Cipher.ENCRYPT_MODE,
        new SecretKeySpec(key, "AES"),
        new GCMParameterSpec(128, concat(iv, explicit)));
    cipher.updateAAD(aad);
    byte[] sealed = cipher.doFinal(plaintext);
    return Records.record(type, concat(explicit, sealed));
  }

  private byte[] seal13(int type, byte[] plaintext) throws GeneralSecurityException {
    byte[] inner = concat(plaintext, new byte[] {(byte) type});
    byte[] header = Records.header(TlsRecords.APPLICATION_DATA, inner.length + 16);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(
        Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce13()));
    cipher.updateAAD(header);
    return concat(header, cipher.doFinal(inner));
  }

  private byte[] nonce13() {
    byte[] nonce = iv.clone();
    for (int i = 0; i < 8; i++) {
      nonce[nonce.length - 1 - i] ^= (byte) (sequence >>> (8 * i));
    }
    return nonce;
  }

  /** TLS 1.2 PRF with SHA-256 (RFC 5246 section 5). */
  private static byte[] prf(byte[] secret, String label, byte[] seed, int length) {
    byte[] labelSeed = concat(label.getBytes(StandardCharsets.US_ASCII), seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] a = labelSeed;
    while (out.size() < length) {
      a = hmac(secret, a);
      out.writeBytes(hmac(secret, concat(a, labelSeed)));
    }
    return slice(out.toByteArray(), 0, length);
  }

  /** HKDF-Expand-Label with SHA-256 and an empty context (RFC 8446 section 7.1). */
  private static byte[] expandLabel(byte[] secret, String label, int length) {
    byte[] full = ("tls13 " + label).getBytes(StandardCharsets.US_ASCII);
    byte[] info =
        ByteBuffer.allocate(2 + 1 + full.length + 1)
            .putShort((short) length)
            .put((byte) full.length)
            .put(full)
            .put((byte) 0)
            .array();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] t = new byte[0];
    for (int i = 1; out.size() < length; i++) {
      t = hmac(secret, concat(t, info, new byte[] {(byte) i}));
      out.writeBytes(t);
    }
    return slice(out.toByteArray(), 0, length);
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] concat(byte[]... parts) {
    return Records.concat(parts);
  }

  private static byte[] slice(byte[] bytes, int from, int length) {
    byte[] out = new byte[length];
    System.arraycopy(bytes, from, out, 0, length);
    return out;
  }
}
