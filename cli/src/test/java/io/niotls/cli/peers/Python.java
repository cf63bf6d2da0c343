package io.niotls.cli.peers;

import io.niotls.testing.ChildProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The system's Python running one of this package's scripts, copied into a test's directory. */
final class Python {
  private Python() {}

  /** Starts {@code /usr/bin/python3 DIR/SCRIPT ARGS...}, the script copied out of the resources. */
  static ChildProcess run(Path dir, String script, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Peer.PYTHON.command());
    command.add("-u"); // unbuffered: lines reach the test as they are printed
    command.add(write(dir, script).toString());
    command.addAll(List.of(args));
    return ChildProcess.program(command.toArray(new String[0]));
  }

  private static Path write(Path dir, String script) {
    Path file = dir.resolve(script);
    try (InputStream in = Python.class.getResourceAsStream(script)) {
      if (in == null) {
        throw new IllegalStateException("no resource " + script + " next to " + Python.class);
      }
      Files.write(file, in.readAllBytes());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
