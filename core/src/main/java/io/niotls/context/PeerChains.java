package io.niotls.context;

import io.netty.internal.tcnative.SSL;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The peer chains a BORINGSSL context has decoded, so that a handshake does not decode again what
 * an earlier one did: every resumed handshake of a client meets the chain of the full handshake it
 * resumes, and parsing X.509 certificates was most of the garbage a resumed handshake made.
 *
 * <p>Entries are found by the certificates' bytes, compared whole, never by a hash or a native
 * pointer alone, so a chain is only ever the one the peer presented. A few slots, overwritten on a
 * miss: a context talks to few distinct peers, and a miss only costs a decode. Thread-safe.
 */
final class PeerChains {
  private static final int SLOTS = 16; // a power of two

  private static final ThreadLocal<CertificateFactory> X509 =
      ThreadLocal.withInitial(PeerChains::x509);

  private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);

  private record Entry(byte[][] der, List<X509Certificate> chain) {}

  /**
   * The chain BoringSSL holds for {@code ssl}'s peer, leaf first: tcnative leaves a server's peer
   * leaf out of the chain, so it is asked for apart. Empty when the peer sent none.
   */
  List<X509Certificate> of(long ssl, boolean client) {
    byte[][] der = SSL.getPeerCertChain(ssl);
    if (!client) {
      byte[] leaf = SSL.getPeerCertificate(ssl);
      if (leaf == null) {
        return List.of();
      }
      byte[][] whole = new byte[der == null ? 1 : der.length + 1][];
      whole[0] = leaf;
      if (der != null) {
        System.arraycopy(der, 0, whole, 1, der.length);
      }
      der = whole;
    }
    if (der == null || der.length == 0) {
      return List.of();
    }
    int slot = Arrays.hashCode(der[0]) & (SLOTS - 1);
    Entry known = slots.get(slot);
    if (known != null && Arrays.deepEquals(known.der, der)) {
      return known.chain;
    }
    List<X509Certificate> chain = decode(der);
    if (!chain.isEmpty()) {
      slots.set(slot, new Entry(der, chain));
    }
    return chain;
  }

  /** Keeps a chain decoded elsewhere (the trust check's), for the handshakes that meet it again. */
  void remember(byte[][] der, List<X509Certificate> chain) {
    if (der.length > 0 && !chain.isEmpty()) {
      slots.set(Arrays.hashCode(der[0]) & (SLOTS - 1), new Entry(der, chain));
    }
  }

  /** {@code der} as certificates, leaf first; empty when one cannot be parsed. */
  static List<X509Certificate> decode(byte[][] der) {
    try {
      return List.of(decodeOrThrow(der));
    } catch (CertificateException e) {
      return List.of();
    }
  }

  static X509Certificate[] decodeOrThrow(byte[][] der) throws CertificateException {
    CertificateFactory factory = X509.get();
    X509Certificate[] chain = new X509Certificate[der.length];
    for (int i = 0; i < der.length; i++) {
      chain[i] = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der[i]));
    }
    return chain;
  }

  private static CertificateFactory x509() {
    try {
      return CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
    }
  }
}
