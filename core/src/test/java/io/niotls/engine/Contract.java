package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.testing.MemoryPair;
import io.niotls.testing.Peers;

/**
 * What every part of the engine contract needs: the provider combination under test, given by each
 * {@link EngineContractTest} subclass, and a few shared steps.
 */
interface Contract {
  /** The client and server providers this run of the contract is for. */
  Peers peers();

  /** A pair pumped in whole records for contexts speaking {@code protocol}, EC certificates. */
  default MemoryPair pair(String protocol) {
    return MemoryPair.builder(
            peers().clientContext(protocol).build(), peers().serverContext(protocol).build())
        .build();
  }

  /**
   * Runs a handshake that must fail and returns the failure of {@code failing}; the other engine is
   * left as it ended (usually failed too, having read the alert).
   */
  default TlsException handshakeFailure(MemoryPair pair, TlsEngine failing) {
    Status[] last = pair.handshakeUntilFailure();
    Status status = failing == pair.client ? last[0] : last[1];
    assertThat(status)
        .as("%s with %s: client %s, server %s", peers(), pair, pair.client, pair.server)
        .isEqualTo(Status.SSL);
    assertThat(failing.failure()).isNotNull();
    assertThat(failing.failure().status()).isEqualTo(Status.SSL);
    return failing.failure();
  }
}
