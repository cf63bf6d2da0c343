package io.niotls.engine;

import io.niotls.context.Provider;
import io.niotls.testing.Peers;

/** The engine contract with a client on Netty's OpenSSL engine and a direct BoringSSL server. */
class OpenSslClientBoringSslServerEngineTest extends EngineContractTest {
  @Override
  public Peers peers() {
    return new Peers(Provider.OPENSSL, Provider.BORINGSSL);
  }
}
