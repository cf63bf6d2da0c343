package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.engine.TlsException;
import io.niotls.engine.TlsException.Kind;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The close reason a failure stands for comes from its kind, never from guessing at causes. */
class CloseReasonTest {

  @ParameterizedTest
  @CsvSource({
    "PROTOCOL, ALERT",
    "TRUNCATED, TRUNCATED",
    "TIMEOUT, TIMEOUT",
    "TRANSPORT, ERROR",
    "PLAINTEXT_REFUSED, ERROR"
  })
  void eachKindOfTlsFailureHasItsReason(Kind kind, CloseReason expected) {
    // a cause or none must not change the answer (it once told truncation from error)
    assertThat(CloseReason.of(new TlsException(kind, null, "why", null))).isEqualTo(expected);
    assertThat(CloseReason.of(new TlsException(kind, null, "why", new IOException("under"))))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"PROTOCOL, SSL", "TRUNCATED, SYSCALL", "TIMEOUT, SYSCALL", "TRANSPORT, SYSCALL"})
  void theStatusIsWhatSslGetErrorWouldSay(Kind kind, io.niotls.engine.Status status) {
    assertThat(new TlsException(kind, null, "why", null).status()).isEqualTo(status);
  }
}
