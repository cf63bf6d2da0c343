package io.niotls.netty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A command line run to its end within a bound (curl, h2load), its output kept. */
record Command(int exit, String stdout, String stderr) {

  /**
   * Runs {@code command}; destroys it and fails when it takes longer than {@code seconds}.
   *
   * @throws AssertionError when the program is not installed (.ci/run installs them)
   */
  static Command run(long seconds, List<String> command) throws InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new AssertionError(command.get(0) + " is needed (.ci/run installs it)", e);
    }
    try {
      p.getOutputStream().close();
      CompletableFuture<byte[]> out = drain(p.getInputStream());
      CompletableFuture<byte[]> err = drain(p.getErrorStream());
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        throw new AssertionError(command + " did not finish in " + seconds + " s");
      }
      return new Command(
          p.exitValue(),
          new String(out.join(), StandardCharsets.UTF_8),
          new String(err.join(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError(e);
    } finally {
      p.destroyForcibly();
    }
  }

  private static CompletableFuture<byte[]> drain(java.io.InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return in.readAllBytes();
          } catch (IOException e) {
            return new byte[0];
          }
        });
  }
}
