package io.niotls.bench.vthreads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server JVM's binary: named, or the newest JDK 21+ by its release file. */
class JavaBinaryTest {
  @TempDir Path jvms;

  @Test
  void theNewestJdkOfRelease21OrLaterIsChosenByItsReleaseFile() throws IOException {
    jdk("java-17-openjdk", "17.0.15");
    jdk("jdk-21", "21.0.4");
    Path newest = jdk("temurin-25-jdk", "25.0.3");
    jdk("zulu-11", "11.0.2"); // sorts last by name, but is old
    Files.createDirectories(jvms.resolve("not-a-jdk")); // no release file, no bin/java

    assertThat(JavaBinary.newest(jvms)).contains(newest.resolve("bin/java"));
  }

  @Test
  void onlyOlderJdksMeansNone() throws IOException {
    jdk("java-17-openjdk", "17.0.15");
    assertThat(JavaBinary.newest(jvms)).isEmpty();
    assertThat(JavaBinary.newest(jvms.resolve("absent"))).isEmpty();
  }

  @Test
  void aNamedBinaryThatIsNoExecutableIsRefusedWithWhatToDo() {
    String missing = jvms.resolve("nowhere/bin/java").toString();
    assertThatThrownBy(() -> JavaBinary.resolve(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing)
        .hasMessageContaining("-D" + JavaBinary.PROPERTY);
  }

  @Test
  void aNamedExecutableIsTakenAsItIs() throws IOException {
    Path java = jdk("jdk-22", "22").resolve("bin/java");
    assertThat(JavaBinary.resolve(java.toString())).isEqualTo(java.toString());
  }

  /** A fake JDK: a release file saying {@code version} and an executable bin/java. */
  private Path jdk(String name, String version) throws IOException {
    Path home = Files.createDirectories(jvms.resolve(name));
    Files.writeString(
        home.resolve("release"),
        "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\nOS_NAME=\"Linux\"\n");
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }
}
