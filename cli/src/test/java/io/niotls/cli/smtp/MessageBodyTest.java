package io.niotls.cli.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MessageBodyTest {

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Reads {@code wire} whole; returns the count, or -1 if the end was not found. */
  private static long count(String wire) {
    MessageBody body = new MessageBody();
    return body.read(bytes(wire)) ? body.bytes() : -1;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // what the client sent (\r \n written out) | bytes of the message it carries
        "'.\\r\\n' | 0",
        "'hello\\r\\n.\\r\\n' | 7",
        "'..\\r\\n.\\r\\n' | 3",
        "'..leading dot\\r\\n.\\r\\n' | 14",
        "'a\\r\\n.. \\r\\n.\\r\\n' | 7",
        "'. x\\r\\n.\\r\\n' | 4",
        "'.\\rx\\r\\n.\\r\\n' | 4",
        "'no dot here.\\r\\n.\\r\\n' | 14",
        "'a\\nb\\r\\n.\\r\\n' | 5",
        "'a\\rb\\r\\n.\\r\\n' | 5",
        "'a\\r\\r\\n.\\r\\n' | 4",
      })
  void dotsAreUnstuffedAndTheEndLineIsNotCounted(String wire, long expected) {
    assertThat(count(wire.replace("\\r", "\r").replace("\\n", "\n"))).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"a\n.\n", "a\r\n.\n", "a\n.\r\n", "a\r.\r\n", "a\r\n. \r\n", "a\r\n.\r\r\n"})
  void nothingButCrlfDotCrlfEndsTheMessage(String wire) {
    assertThat(count(wire)).isEqualTo(-1);
  }

  @Test
  void theEndIsFoundAcrossReadsAndWhatFollowsItIsLeft() {
    MessageBody body = new MessageBody();
    assertThat(body.read(bytes("one\r"))).isFalse();
    assertThat(body.read(bytes("\n."))).isFalse();
    assertThat(body.read(bytes("\r"))).isFalse();
    ByteBuffer last = bytes("\nQUIT\r\n");
    assertThat(body.read(last)).isTrue();
    assertThat(body.bytes()).isEqualTo(5);
    assertThat(StandardCharsets.ISO_8859_1.decode(last).toString()).isEqualTo("QUIT\r\n");
  }

  @Test
  void aLargeMessageIsCountedWithoutBeingKept() {
    MessageBody body = new MessageBody();
    ByteBuffer line = bytes("x".repeat(998) + "\r\n");
    for (int i = 0; i < 10_000; i++) {
      assertThat(body.read(line.rewind())).isFalse();
    }
    assertThat(body.read(bytes(".\r\n"))).isTrue();
    assertThat(body.bytes()).isEqualTo(10_000L * 1000);
  }
}
