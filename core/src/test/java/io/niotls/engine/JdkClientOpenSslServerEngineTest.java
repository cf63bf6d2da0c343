package io.niotls.engine;

import io.niotls.testing.Peers;

/** The engine contract with a JDK client and a BoringSSL server. */
class JdkClientOpenSslServerEngineTest extends EngineContractTest {
  @Override
  public Peers peers() {
    return Peers.JDK_OPENSSL;
  }
}
