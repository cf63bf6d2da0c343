package io.niotls.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.context.TlsConfigException;

/** What every parser of outside input promises about its failures. */
final class Invariants {
  private Invariants() {}

  /**
   * A refusal is an {@link IllegalArgumentException} or a {@link TlsConfigException} (exactly: not
   * a NumberFormatException or PatternSyntaxException that leaked from inside) with a message a
   * person can read.
   */
  static void onlyDocumented(IllegalArgumentException e) {
    assertThat(e.getClass())
        .as("exception type (%s)", e)
        .isIn(IllegalArgumentException.class, TlsConfigException.class);
    assertThat(e.getMessage()).as("message of %s", e).isNotBlank();
  }
}
