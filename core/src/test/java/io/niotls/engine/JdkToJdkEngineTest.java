package io.niotls.engine;

import io.niotls.testing.Peers;

/** The engine contract with the JDK on both sides. */
class JdkToJdkEngineTest extends EngineContractTest {
  @Override
  public Peers peers() {
    return Peers.JDK_JDK;
  }
}
