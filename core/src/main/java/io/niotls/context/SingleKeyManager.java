package io.niotls.context;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Offers exactly one key and chain. The JDK only asks a key manager for a server alias to run a
 * full handshake (or, see {@link #restoringSession()}, to rebuild a resumed session), so the call
 * also marks the engine as not resumed.
 */
final class SingleKeyManager extends X509ExtendedKeyManager {
  private static final String ALIAS = "niotls";

  private final KeyMaterial material;
  private final String algorithm;
  private final Consumer<SSLEngine> onFullHandshake;

  SingleKeyManager(KeyMaterial material, Consumer<SSLEngine> onFullHandshake) {
    this.material = material;
    this.algorithm = material.privateKey().getAlgorithm();
    this.onFullHandshake = onFullHandshake;
  }

  private boolean fits(String keyType) {
    return keyType.equals(algorithm)
        || ("RSA".equals(algorithm) && "RSASSA-PSS".equals(keyType))
        || ("EC".equals(algorithm) && keyType.startsWith("EC"));
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    if (!restoringSession()) {
      onFullHandshake.accept(engine);
    }
    return fits(keyType) ? ALIAS : null;
  }

  /**
   * Newer JDKs (seen on 25, not on 17) also ask for the server alias while rebuilding a resumed
   * session from its ticket, inside SSLSessionImpl's constructor: that call is no full handshake.
   */
  private static boolean restoringSession() {
    return StackWalker.getInstance()
        .walk(
            frames ->
                frames
                    .limit(8)
                    .anyMatch(
                        f ->
                            f.getMethodName().equals("<init>")
                                && f.getClassName().equals("sun.security.ssl.SSLSessionImpl")));
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return chooseClientAlias(keyTypes, issuers, null);
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    for (String keyType : keyTypes) {
      if (fits(keyType)) {
        return ALIAS;
      }
    }
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return fits(keyType) ? ALIAS : null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return fits(keyType) ? new String[] {ALIAS} : null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return getClientAliases(keyType, issuers);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? material.chain().toArray(new X509Certificate[0]) : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? material.privateKey() : null;
  }
}
