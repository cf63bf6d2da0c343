package io.niotls.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads durations as people write them on a command line: a whole number and a unit, {@code 500ms},
 * {@code 2s}, {@code 1m}, {@code 1h}. A bare number is refused rather than guessed at.
 */
public final class Durations implements ITypeConverter<Duration> {
  private static final Pattern FORM = Pattern.compile("(\\d{1,12})(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /**
   * Parses {@code text}.
   *
   * @throws TypeConversionException quoting the text and showing the accepted forms
   */
  public static Duration parse(String text) {
    String trimmed = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    Matcher m = FORM.matcher(trimmed);
    if (!m.matches()) {
      String hint = trimmed.matches("\\d+") ? " (add a unit)" : "";
      throw new TypeConversionException(
          "'"
              + text
              + "' is not a duration"
              + hint
              + ": write a whole number and a unit, e.g. 500ms, 2s, 1m or 1h");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /** The shortest exact form {@link #parse} reads back: {@code 1500ms}, {@code 2s}, {@code 1m}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
