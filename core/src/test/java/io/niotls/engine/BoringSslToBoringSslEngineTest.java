package io.niotls.engine;

import io.niotls.context.Provider;
import io.niotls.testing.Peers;

/** The engine contract with BoringSSL driven directly on both sides. */
class BoringSslToBoringSslEngineTest extends EngineContractTest {
  @Override
  public Peers peers() {
    return new Peers(Provider.BORINGSSL, Provider.BORINGSSL);
  }
}
