package io.niotls.engine;

import io.niotls.context.Provider;
import io.niotls.testing.Peers;

/** The engine contract with a JDK client and a direct BoringSSL server. */
class JdkClientBoringSslServerEngineTest extends EngineContractTest {
  @Override
  public Peers peers() {
    return new Peers(Provider.JDK, Provider.BORINGSSL);
  }
}
