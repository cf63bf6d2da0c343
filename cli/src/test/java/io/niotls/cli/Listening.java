package io.niotls.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.uri.TransportUri;

/**
 * A server's ready line, {@code listening <uri> [sha256:<hex>] [(on <address>, ...)]}, taken apart.
 */
public record Listening(TransportUri uri, String fingerprint) {

  public static Listening parse(String line) {
    assertThat(line)
        .matches("listening \\S+://\\S+:[0-9]+( sha256:[0-9a-f]{64})?( \\(on [^()]+\\))?");
    String[] parts = line.split(" ");
    TransportUri uri = TransportUri.parse(parts[1]);
    assertThat(uri.port()).isPositive();
    return new Listening(uri, parts.length > 2 && parts[2].startsWith("sha256:") ? parts[2] : null);
  }

  public int port() {
    return uri.port();
  }
}
