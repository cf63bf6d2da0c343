package io.niotls.context;

/** Which TLS implementation does the cryptography. */
public enum Provider {
  /** The JDK's own engine (SunJSSE): always there. */
  JDK,
  /** BoringSSL through netty-tcnative-boringssl-static (netty-handler and tcnative on the path). */
  OPENSSL,
  /**
   * BoringSSL driven directly through netty-tcnative's JNI ({@code SSL_do_handshake}, {@code
   * SSL_read}, {@code SSL_write}, {@code SSL_shutdown}), without an SSLEngine: TLS 1.3 half-close
   * and session tickets sent right after the handshake. Needs the same libraries as OPENSSL.
   */
  BORINGSSL,
  /**
   * BORINGSSL (BoringSSL driven directly) when its native library loads, else JDK; the context says
   * which and why.
   */
  AUTO
}
