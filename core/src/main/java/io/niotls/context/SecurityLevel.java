package io.niotls.context;

import java.security.PublicKey;
import java.security.interfaces.DSAPublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Locale;

/**
 * The minimum strengths of the keys and signatures of a peer's chain, numbered like OpenSSL's
 * security levels ({@code SSL_CTX_set_security_level}): 0 allows anything; 1 wants RSA and DSA keys
 * of at least 1024 bits and EC keys of 160; 2, the default, 2048 and 256 bits and no SHA-1
 * signature; 3, 3072 and 256; 4, 7680 and 384; 5, 15360 and 512. MD5 signatures are refused from
 * level 1 up. (OpenSSL's level 2 lets EC keys of 224 bits pass; niotls asks for 256, the smallest
 * curve TLS clients still offer.)
 */
record SecurityLevel(int level) {
  private static final int[] RSA_BITS = {0, 1024, 2048, 3072, 7680, 15360};
  private static final int[] EC_BITS = {0, 160, 256, 256, 384, 512};

  static final SecurityLevel DEFAULT = new SecurityLevel(2);

  SecurityLevel {
    if (level < 0 || level > 5) {
      throw new TlsConfigException(
          "the security level is 0 to 5 (OpenSSL's numbering; 2 is the default), got " + level);
    }
  }

  /** Why {@code key} is too weak for this level, or null when it is strong enough. */
  String keyTooWeak(PublicKey key) {
    if (key instanceof RSAPublicKey rsa) {
      return below("RSA", rsa.getModulus().bitLength(), RSA_BITS[level]);
    }
    if (key instanceof DSAPublicKey dsa) {
      return below("DSA", dsa.getParams().getP().bitLength(), RSA_BITS[level]);
    }
    if (key instanceof ECPublicKey ec) {
      return below("EC", ec.getParams().getOrder().bitLength(), EC_BITS[level]);
    }
    return null; // EdDSA: 128 bits of security and up, enough at every level but 4 and 5
  }

  /** Why a signature of {@code algorithm} is refused at this level, or null when it is allowed. */
  String signatureTooWeak(String algorithm) {
    String name = algorithm.toUpperCase(Locale.ROOT);
    if (level >= 1 && name.contains("MD5")) {
      return "a signature with MD5 (" + algorithm + ") is refused from security level 1 up";
    }
    if (level >= 2 && (name.startsWith("SHA1") || name.contains("SHA1WITH"))) {
      return "a signature with SHA-1 (" + algorithm + ") is refused from security level 2 up";
    }
    return null;
  }

  private String below(String type, int bits, int minimum) {
    if (bits >= minimum) {
      return null;
    }
    return type
        + " key of "
        + bits
        + " bits is below the minimum "
        + minimum
        + " of security level "
        + level;
  }
}
