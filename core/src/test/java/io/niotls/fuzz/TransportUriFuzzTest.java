package io.niotls.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.niotls.uri.TransportUri;
import java.nio.charset.StandardCharsets;

/**
 * {@link TransportUri#parse} on any text: a URI whose canonical form parses back to itself (its
 * documented round trip), or an IllegalArgumentException with a message, nothing else.
 */
class TransportUriFuzzTest {

  @FuzzTest
  void parseReturnsACanonicalUriOrRefusesWithAMessage(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    TransportUri uri;
    try {
      uri = TransportUri.parse(text);
    } catch (IllegalArgumentException e) {
      Invariants.onlyDocumented(e);
      return;
    }
    assertThat(TransportUri.parse(uri.toString())).isEqualTo(uri);
    assertThat(uri.port()).isBetween(0, 65535);
  }
}
