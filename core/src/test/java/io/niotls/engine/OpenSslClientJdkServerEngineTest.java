package io.niotls.engine;

import io.niotls.testing.Peers;

/** The engine contract with a BoringSSL client and a JDK server. */
class OpenSslClientJdkServerEngineTest extends EngineContractTest {
  @Override
  public Peers peers() {
    return Peers.OPENSSL_JDK;
  }
}
