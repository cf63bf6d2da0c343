package io.niotls.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationsTest {

  @Test
  void millisecondsSecondsMinutesAndHoursAreRead() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("2s")).isEqualTo(Duration.ofSeconds(2));
    assertThat(Durations.parse("1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(Durations.parse("3h")).isEqualTo(Duration.ofHours(3));
    assertThat(Durations.parse(" 10S ")).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void aNumberWithoutUnitIsRefusedWithAHint() {
    assertThatThrownBy(() -> Durations.parse("2"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage(
            "'2' is not a duration (add a unit): write a whole number and a unit, e.g. 500ms, 2s,"
                + " 1m or 1h");
  }

  @Test
  void unknownUnitsAndFractionsAreRefused() {
    assertThatThrownBy(() -> Durations.parse("2x"))
        .hasMessageStartingWith("'2x' is not a duration:");
    assertThatThrownBy(() -> Durations.parse("1.5s"))
        .hasMessageStartingWith("'1.5s' is not a duration:");
    assertThatThrownBy(() -> Durations.parse("-1s"))
        .hasMessageStartingWith("'-1s' is not a duration:");
  }

  @Test
  void formatWritesTheShortestFormParseReadsBack() {
    for (String text : new String[] {"1500ms", "2s", "1m", "2h", "0s"}) {
      assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
    }
  }
}
