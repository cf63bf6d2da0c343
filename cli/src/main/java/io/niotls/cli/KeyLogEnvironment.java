package io.niotls.cli;

import io.niotls.context.Provider;
import io.niotls.context.TlsContextBuilder;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code SSLKEYLOGFILE} convention of curl, Firefox and Chrome: when the variable names a file,
 * the command (client and server) appends the NSS key log lines of its TLS sessions to it, so
 * Wireshark can decrypt a capture. With the JDK provider, which cannot export secrets, the variable
 * is left alone with a note on stderr, once: a variable set for the whole desktop must not stop the
 * command.
 */
final class KeyLogEnvironment {
  static final String VARIABLE = "SSLKEYLOGFILE";

  private static final AtomicBoolean NOTED = new AtomicBoolean();

  private KeyLogEnvironment() {}

  /** Applies {@code SSLKEYLOGFILE} from the environment, if set and not empty. */
  static void applyTo(TlsContextBuilder builder, Provider provider, PrintStream err) {
    applyTo(builder, provider, System.getenv(VARIABLE), err);
  }

  static void applyTo(TlsContextBuilder builder, Provider provider, String file, PrintStream err) {
    if (file == null || file.isBlank()) {
      return;
    }
    if (provider == Provider.JDK) {
      if (NOTED.compareAndSet(false, true)) {
        err.println(
            "niotls: note: "
                + VARIABLE
                + " is ignored: the JDK provider cannot export TLS secrets; use --provider"
                + " boringssl or openssl to log them");
        err.flush();
      }
      return;
    }
    try {
      builder.keyLog(Path.of(file));
    } catch (java.nio.file.InvalidPathException e) {
      throw CliException.usage(VARIABLE + "=" + file + " is not a file name: " + e.getMessage());
    }
  }
}
