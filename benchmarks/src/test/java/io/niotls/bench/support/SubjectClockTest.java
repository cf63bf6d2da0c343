package io.niotls.bench.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

class SubjectClockTest {
  @Test
  void eachSubjectsTurnsAreBookedToCountersNamedAfterIt() throws Exception {
    SubjectClock clock = new SubjectClock();
    clock.reset();
    for (Subject subject : Subject.values()) {
      clock.start();
      byte[][] garbage = new byte[subject.ordinal() + 1][];
      for (int i = 0; i < garbage.length; i++) {
        garbage[i] = new byte[100_000];
      }
      clock.stop(subject, subject.ordinal() + 1);
    }
    for (Subject subject : Subject.values()) {
      String prefix =
          Character.toLowerCase(subject.label().charAt(0)) + subject.label().substring(1);
      assertThat(counter(clock, prefix + "Ops")).isEqualTo(subject.ordinal() + 1);
      assertThat(counter(clock, prefix + "WallNs")).isPositive();
      assertThat(counter(clock, prefix + "CpuNs")).isNotNegative();
      assertThat(counter(clock, prefix + "AllocBytes"))
          .isGreaterThanOrEqualTo(100_000L * (subject.ordinal() + 1));
    }
  }

  private static long counter(SubjectClock clock, String name) throws Exception {
    Method m = SubjectClock.class.getMethod(name);
    return (long) m.invoke(clock);
  }

  @Test
  void theMedianTurnIgnoresATurnThatWasHeldUp() throws Exception {
    SubjectClock clock = new SubjectClock();
    clock.reset();
    for (int i = 0; i < 5; i++) {
      clock.start();
      if (i == 2) {
        Thread.sleep(50); // as if another process had the CPU
      }
      clock.stop(Subject.SSL_HANDLER, 1);
    }

    assertThat(counter(clock, "sslHandlerTurns")).isEqualTo(5);
    assertThat(counter(clock, "sslHandlerWallNs")).isGreaterThanOrEqualTo(50_000_000L);
    assertThat(counter(clock, "sslHandlerMedianNs")).isLessThan(10_000_000L);
    assertThat(counter(clock, "tlsEngineMedianNs")).as("no turns").isZero();
  }
}
