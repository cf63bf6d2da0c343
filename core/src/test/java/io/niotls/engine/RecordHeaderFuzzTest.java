package io.niotls.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.niotls.wire.TlsRecords;
import java.nio.ByteBuffer;

/**
 * The record-header check on any 5 bytes at any position: it never throws, never moves the buffer,
 * and accepts exactly the headers an independent reading of RFC 8446 section 5.1 accepts (a known
 * content type, major version 3, a body of 1 byte up to the limit), with {@code record_overflow}
 * for a too-long record and {@code unexpected_message} for everything else it refuses.
 */
class RecordHeaderFuzzTest {

  @FuzzTest
  void problemAndAlertAgreeWithTheRfc(FuzzedDataProvider data) {
    int maxBody = data.pickValue(new int[] {TlsRecords.MAX_TLS12_BODY, TlsRecords.MAX_TLS13_BODY});
    int offset = data.consumeInt(0, 16);
    byte[] bytes = data.consumeRemainingAsBytes();
    if (bytes.length < offset + TlsRecords.HEADER_LENGTH) {
      return;
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes).position(offset);

    String problem = RecordHeader.problem(buffer, maxBody);
    String alert = RecordHeader.alert(buffer, maxBody);

    assertThat(buffer.position()).isEqualTo(offset);
    int type = bytes[offset] & 0xff;
    int major = bytes[offset + 1] & 0xff;
    int length = ((bytes[offset + 3] & 0xff) << 8) | (bytes[offset + 4] & 0xff);
    boolean isTls = type >= 20 && type <= 24 && major == 3;
    if (isTls && length >= 1 && length <= maxBody) {
      assertThat(problem).isNull();
      assertThat(alert).isNull();
    } else {
      assertThat(problem).isNotBlank();
      assertThat(alert)
          .isEqualTo(isTls && length > maxBody ? "record_overflow" : "unexpected_message");
    }
  }
}
