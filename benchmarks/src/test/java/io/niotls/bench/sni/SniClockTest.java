package io.niotls.bench.sni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SniClockTest {
  @Test
  void theRatioIsTheMedianOfEachOperationsTwoHandshakesSoOneHeldUpOperationDoesNotMoveIt() {
    SniClock clock = new SniClock();
    clock.reset();
    for (int i = 0; i < 4; i++) {
      clock.book(false, 1_000, 2_000, 300);
      clock.book(true, 1_030, 2_100, 303);
      clock.next();
    }
    clock.book(true, 9_000, 90_000, 3_000); // many first, and preempted
    clock.book(false, 1_000, 2_000, 300);
    clock.next();

    assertThat(clock.oneOps()).isEqualTo(5);
    assertThat(clock.manyOps()).isEqualTo(5);
    assertThat(clock.ratioPpm()).isEqualTo(1_030_000);
    assertThat(clock.wallRatioPpm()).isEqualTo(1_050_000);
    assertThat(clock.serverRatioPpm()).isEqualTo(1_010_000);
    assertThat(clock.oneCpuMedianNs()).isEqualTo(1_000);
    assertThat(clock.manyCpuMedianNs()).isEqualTo(1_030);
    assertThat(clock.manyMedianNs()).isEqualTo(2_100);
    assertThat(clock.manyServerMedianNs()).isEqualTo(303);
    assertThat(clock.manyCpuNs()).isEqualTo(4 * 1_030 + 9_000);
    assertThat(clock.oneWallNs()).isEqualTo(5 * 2_000);
  }

  @Test
  void aNewIterationStartsFromNothing() {
    SniClock clock = new SniClock();
    clock.reset();
    clock.start();
    clock.stop(false, 10);
    clock.start();
    clock.stop(true, 10);
    clock.next();
    assertThat(clock.oneCpuNs()).isNotNegative();
    assertThat(clock.oneWallNs()).isPositive();

    clock.reset();
    assertThat(clock.oneOps()).isZero();
    assertThat(clock.oneWallNs()).isZero();
    assertThat(clock.ratioPpm()).as("no operation: no ratio").isZero();
    assertThat(clock.oneMedianNs()).isZero();
  }

  @Test
  void theIntervalIsStudentsTOverTheIterations() {
    SniRatios.Interval i = SniRatios.Interval.of(List.of(1e6, 2e6, 3e6), 1e-6);
    assertThat(i.mean()).isCloseTo(2.0, within(1e-9));
    assertThat(i.halfWidth()).isCloseTo(4.303 / Math.sqrt(3), within(1e-9)); // sd 1, 2 df
    assertThat(i.high()).isCloseTo(2.0 + 4.303 / Math.sqrt(3), within(1e-9));
    assertThat(SniRatios.Interval.of(List.of(1.02), 1).high())
        .as("one iteration says nothing about its spread")
        .isInfinite();
  }
}
