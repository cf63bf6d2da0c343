package io.niotls.engine;

import io.niotls.testing.Peers;

/** The engine contract with BoringSSL on both sides. */
class OpenSslToOpenSslEngineTest extends EngineContractTest {
  @Override
  public Peers peers() {
    return Peers.OPENSSL_OPENSSL;
  }
}
