package io.niotls.context;

import io.netty.internal.tcnative.Buffer;
import io.netty.internal.tcnative.CertificateCallback;
import io.netty.internal.tcnative.SSL;
import io.netty.internal.tcnative.SSLContext;
import io.netty.internal.tcnative.SSLCredential;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * A BORINGSSL context's own certificate chain and private key, parsed once into native form and
 * shared by every connection by reference. Normally they become a credential of the {@code SSL_CTX}
 * and nothing is done per connection. With CALLER tasks they are set on each connection by the
 * certificate callback instead, which BoringSSL then runs as a task (WANT_TASK): the parsed chain
 * and key stay here until the native context is freed.
 */
final class BoringKeys {
  private final long chain;
  private final long key;

  private BoringKeys(long chain, long key) {
    this.chain = chain;
    this.key = key;
  }

  /** Installs {@code material} in {@code ctx}; returns what must be freed with it, or null. */
  static BoringKeys install(long ctx, KeyMaterial material, boolean perConnection) {
    return install(ctx, material, perConnection, null);
  }

  /**
   * Installs {@code material}, and the OCSP response to staple with it ({@code ocspResponse}, or
   * null): on the credential, where BoringSSL looks for it; with per-connection keys the connection
   * sets it ({@code SSL_set_ocsp_response}).
   */
  static BoringKeys install(
      long ctx, KeyMaterial material, boolean perConnection, byte[] ocspResponse) {
    long chainBio = 0;
    long keyBio = 0;
    long chain = 0;
    long key = 0;
    long credential = 0;
    boolean kept = false;
    try {
      SSL.clearError(); // what another connection left on this thread is not about these keys
      chainBio = memoryBio(chainPem(material));
      keyBio = memoryBio(pem("PRIVATE KEY", material.privateKey().getEncoded()));
      chain = SSL.parseX509Chain(chainBio);
      key = SSL.parsePrivateKey(keyBio, null);
      if (perConnection) {
        long sharedChain = chain;
        long sharedKey = key;
        CertificateCallback callback =
            (ssl, keyTypes, issuers) -> SSL.setKeyMaterial(ssl, sharedChain, sharedKey);
        SSLContext.setCertificateCallback(ctx, callback);
        kept = true;
        return new BoringKeys(chain, key);
      }
      credential = SSLCredential.newX509();
      SSLCredential.setCertChain(credential, chain);
      SSLCredential.setPrivateKey(credential, key);
      if (ocspResponse != null) {
        SSLCredential.setOcspResponse(credential, ocspResponse);
      }
      SSLContext.addCredential(ctx, credential);
      return null;
    } catch (Exception e) {
      throw new TlsConfigException(
          "BoringSSL refused the key material (" + material.alias() + "): " + e.getMessage(), e);
    } finally {
      // the context took references of its own on what it keeps
      freeQuietly(credential, SSLCredential::free);
      if (!kept) {
        freeQuietly(chain, SSL::freeX509Chain);
        freeQuietly(key, SSL::freePrivateKey);
      }
      freeQuietly(chainBio, SSL::freeBIO);
      freeQuietly(keyBio, SSL::freeBIO);
    }
  }

  /** Frees the chain and key, after the native context that used them. */
  void free() {
    freeQuietly(chain, SSL::freeX509Chain);
    freeQuietly(key, SSL::freePrivateKey);
  }

  private interface NativeFree {
    void free(long pointer) throws Exception;
  }

  private static void freeQuietly(long pointer, NativeFree free) {
    if (pointer != 0) {
      try {
        free.free(pointer);
      } catch (Exception ignored) {
        // nothing more to free
      }
    }
  }

  private static String chainPem(KeyMaterial material) {
    StringBuilder chain = new StringBuilder();
    try {
      for (X509Certificate certificate : material.chain()) {
        chain.append(pem("CERTIFICATE", certificate.getEncoded()));
      }
    } catch (CertificateEncodingException e) {
      throw new TlsConfigException("the certificate chain could not be encoded: " + e, e);
    }
    return chain.toString();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private static long memoryBio(String text) throws Exception {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    long bio = SSL.newMemBIO();
    try {
      if (SSL.bioWrite(bio, Buffer.address(direct), bytes.length) != bytes.length) {
        throw new IllegalStateException("BoringSSL took only part of the PEM text");
      }
      return bio;
    } catch (Exception | Error e) {
      SSL.freeBIO(bio);
      throw e;
    } finally {
      Reference.reachabilityFence(direct);
    }
  }
}
