package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import org.junit.jupiter.api.Test;

/** Protocols older than TLS 1.2 never reach an engine: the context refuses them when built. */
class InsecureProtocolTest {

  @Test
  void askingForTls11FailsAtBuildTimeSayingItIsInsecure() {
    assertThatThrownBy(() -> TlsContext.forClient().protocols("TLSv1.3", "TLSv1.1").build())
        .isInstanceOf(TlsConfigException.class)
        .hasMessage(
            "TLSv1.1 is insecure and unsupported: niotls speaks TLSv1.3 and TLSv1.2 only"
                + " (RFC 8996 deprecates TLS 1.0/1.1; SSL is broken)");
  }
}
