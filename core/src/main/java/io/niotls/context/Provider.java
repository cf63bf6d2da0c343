package io.niotls.context;

/** Which SSLEngine does the cryptography. */
public enum Provider {
  /** The JDK's own engine (SunJSSE): always there. */
  JDK,
  /** BoringSSL through netty-tcnative-boringssl-static (netty-handler and tcnative on the path). */
  OPENSSL,
  /** OPENSSL when its native library loads, else JDK; the context says which and why. */
  AUTO
}
