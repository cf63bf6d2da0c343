package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.niotls.context.TlsConfigException;
import io.niotls.context.TlsContext;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Loop options are checked as they are set, and say which setting was wrong. */
class LoopOptionsTest {

  @Test
  void aClientConnectsWithinTenSecondsUnlessToldOtherwise() {
    assertThat(ClientOptions.defaults().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(
            ClientOptions.builder().connectTimeout(Duration.ofMillis(250)).build().connectTimeout())
        .isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void aConnectTimeoutOfZeroIsRefusedWhenSet() {
    assertThatThrownBy(() -> ClientOptions.builder().connectTimeout(Duration.ZERO))
        .isInstanceOf(TlsConfigException.class)
        .hasMessage("connectTimeout must be positive, got PT0S");
  }

  @Test
  void aNegativeCloseTimeoutIsRefusedWhereItIsSetInTheContext() {
    assertThatThrownBy(() -> TlsContext.forClient().closeTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(TlsConfigException.class)
        .hasMessage("the close timeout must be positive, got PT-1S");
  }
}
