package io.niotls.engine;

import io.niotls.context.Provider;
import io.niotls.testing.Peers;

/** The engine contract with a direct BoringSSL client and a JDK server. */
class BoringSslClientJdkServerEngineTest extends EngineContractTest {
  @Override
  public Peers peers() {
    return new Peers(Provider.BORINGSSL, Provider.JDK);
  }
}
