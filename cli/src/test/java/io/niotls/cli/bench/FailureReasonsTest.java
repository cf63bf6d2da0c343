package io.niotls.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.engine.TlsException;
import io.niotls.engine.TlsException.Kind;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class FailureReasonsTest {

  @Test
  void aTlsAlertIsNamedByTheAlert() {
    TlsException alert =
        new TlsException(Kind.PROTOCOL, "handshake_failure", "no cipher suite in common", null);
    assertThat(FailureReasons.of(new CompletionException(alert)))
        .isEqualTo("alert: handshake_failure");
  }

  @Test
  void aMissedHandshakeDeadlineIsATimeout() {
    TlsException late =
        new TlsException(
            Kind.TIMEOUT,
            null,
            "the TLS handshake with 127.0.0.1:1 did not finish within 10 ms (handshake deadline)",
            null);
    assertThat(FailureReasons.of(late)).isEqualTo("timeout: handshake");
    assertThat(FailureReasons.of(new SocketTimeoutException("x"))).isEqualTo("timeout: connect");
  }

  @Test
  void aRefusedConnectUsesTheSystemsWords() {
    ConnectException refused = new ConnectException("cannot connect to 127.0.0.1:1: x");
    refused.initCause(new ConnectException("Connection refused"));
    assertThat(FailureReasons.of(refused)).isEqualTo("connect: Connection refused");
  }

  @Test
  void longReasonsAreCut() {
    assertThat(FailureReasons.of(new IllegalStateException("x".repeat(500)))).hasSize(83);
  }
}
