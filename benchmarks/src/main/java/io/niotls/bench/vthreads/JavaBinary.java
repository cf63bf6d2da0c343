package io.niotls.bench.vthreads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code java} binary that runs a server JVM needing virtual threads: the one named by {@value
 * #PROPERTY} (or a {@code --java} option), else the newest JDK of release 21 or later under {@value
 * #JVM_DIR} (read from each JDK's {@code release} file), else this JVM if it is 21 or later.
 */
public final class JavaBinary {
  /** The system property that names the server JVM's {@code java} binary. */
  public static final String PROPERTY = "niotls.bench.java";

  /** Where Debian and Ubuntu (and the Temurin packages) install JDKs. */
  static final String JVM_DIR = "/usr/lib/jvm";

  /** The oldest release with virtual threads. */
  static final int VIRTUAL_THREADS = 21;

  private static final Pattern VERSION = Pattern.compile("^JAVA_VERSION=\"(\\d+)[^\"]*\"");

  private JavaBinary() {}

  /**
   * The binary to run: {@code named} when not null or empty, else {@link #PROPERTY}, else the
   * newest JDK 21+ found.
   *
   * @throws IllegalArgumentException when the named binary is not an executable file
   * @throws IllegalStateException when nothing is named and no JDK 21+ is found
   */
  public static String resolve(String named) {
    String chosen = named == null || named.isEmpty() ? System.getProperty(PROPERTY, "") : named;
    if (!chosen.isEmpty()) {
      Path path = Path.of(chosen);
      if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
        throw new IllegalArgumentException(
            "the server JVM's java binary "
                + chosen
                + " is not an executable file: name a JDK 21+'s bin/java (-D"
                + PROPERTY
                + " or --java)");
      }
      return path.toString();
    }
    Optional<Path> found = newest(Path.of(JVM_DIR));
    if (found.isPresent()) {
      return found.get().toString();
    }
    if (Runtime.version().feature() >= VIRTUAL_THREADS) {
      return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
    throw new IllegalStateException(
        "no JDK "
            + VIRTUAL_THREADS
            + "+ under "
            + JVM_DIR
            + " and this JVM is Java "
            + Runtime.version().feature()
            + ": name a JDK 21+'s bin/java with -D"
            + PROPERTY
            + " or --java");
  }

  /** The {@code bin/java} of the newest JDK 21+ directly under {@code dir}, if any. */
  static Optional<Path> newest(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> jdks = Files.list(dir)) {
      return jdks.filter(jdk -> Files.isExecutable(jdk.resolve("bin/java")))
          .filter(jdk -> feature(jdk) >= VIRTUAL_THREADS)
          .max(Comparator.comparingInt(JavaBinary::feature).thenComparing(Path::toString))
          .map(jdk -> jdk.resolve("bin/java"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** The feature release in {@code jdk}'s {@code release} file (25 for "25.0.1"), or -1. */
  public static int feature(Path jdk) {
    Path release = jdk.resolve("release");
    if (!Files.isRegularFile(release)) {
      return -1;
    }
    try {
      List<String> lines = Files.readAllLines(release);
      for (String line : lines) {
        Matcher m = VERSION.matcher(line);
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      return -1;
    } catch (IOException e) {
      return -1;
    }
  }
}
