package io.niotls.cli.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineBufferTest {

  private static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void aLineIsReturnedWithoutItsCrlfAndOnlyItsBytesAreConsumed() {
    LineBuffer lines = new LineBuffer(100);
    ByteBuffer data = bytes("STARTTLS\r\nMAIL FROM:<a@b>\r\n");
    assertThat(lines.next(data)).isEqualTo("STARTTLS");
    assertThat(data.remaining()).isEqualTo("MAIL FROM:<a@b>\r\n".length());
    assertThat(lines.holdsPartialLine()).isFalse();
  }

  @Test
  void aLineSplitAcrossReadsIsJoined() {
    LineBuffer lines = new LineBuffer(100);
    assertThat(lines.next(bytes("EH"))).isNull();
    assertThat(lines.holdsPartialLine()).isTrue();
    assertThat(lines.next(bytes("LO x\r"))).isNull();
    assertThat(lines.next(bytes("\n"))).isEqualTo("EHLO x");
  }

  @Test
  void aBareLineFeedEndsALine() {
    assertThat(new LineBuffer(100).next(bytes("QUIT\n"))).isEqualTo("QUIT");
  }

  @Test
  void aLineLongerThanTheLimitIsRefused() {
    LineBuffer lines = new LineBuffer(4);
    assertThat(lines.next(bytes("abcd\r\n"))).isEqualTo("abcd");
    assertThatThrownBy(() -> lines.next(bytes("abcdef\r\n")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("line longer than 4 bytes");
  }

  @Test
  void theRestOfAnOverlongLineIsSkippedAndTheNextLineIsReturned() {
    LineBuffer lines = new LineBuffer(4);
    ByteBuffer data = bytes("abcdefgh\r\nNOOP\r\n");
    assertThatThrownBy(() -> lines.next(data)).isInstanceOf(IllegalStateException.class);
    assertThat(lines.holdsPartialLine()).isTrue();
    assertThat(lines.next(bytes("ij"))).isNull();
    assertThat(lines.next(data)).isEqualTo("NOOP");
    assertThat(lines.holdsPartialLine()).isFalse();
  }
}
