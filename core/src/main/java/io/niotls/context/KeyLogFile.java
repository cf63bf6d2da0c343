package io.niotls.context;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Appends NSS key log lines ({@code SSLKEYLOGFILE}, what Wireshark, curl and Firefox read) to a
 * file: one line per secret, each written whole in one append, so connections on many threads, and
 * other processes appending to the same file, never interleave inside a line. The file is created
 * owner read/write only (0600) when missing, since whoever reads it decrypts every session it logs;
 * an existing file keeps its permissions.
 *
 * <p>The file is opened for each line and closed again: a key log is for debugging, a context made
 * again on every reload must not leave descriptors behind, and the file may be moved away (rotated)
 * at any time. A line that cannot be written is reported on stderr once per file, not thrown into
 * the handshake.
 */
final class KeyLogFile implements Consumer<String> {
  private static final boolean POSIX =
      FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private final Path file;
  private boolean failed; // guarded by this

  /**
   * @throws TlsConfigException when the file cannot be created or appended to now: the message
   *     names it
   */
  KeyLogFile(Path file) {
    this.file = file;
    try (FileChannel ignored = open()) {
      // created (0600) if missing, and writable: checked where the context is built
    } catch (IOException | UnsupportedOperationException e) {
      throw new TlsConfigException(
          "cannot append to the key log file " + file + ": " + e.getMessage(), e);
    }
  }

  private FileChannel open() throws IOException {
    Set<StandardOpenOption> options =
        Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    FileAttribute<?>[] attributes =
        POSIX
            ? new FileAttribute<?>[] {
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
            }
            : new FileAttribute<?>[0];
    return FileChannel.open(file, options, attributes);
  }

  @Override
  public synchronized void accept(String line) {
    ByteBuffer bytes = ByteBuffer.wrap((line.strip() + "\n").getBytes(StandardCharsets.US_ASCII));
    try (FileChannel channel = open()) {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (IOException | UncheckedIOException e) {
      if (!failed) {
        failed = true;
        System.err.println(
            "niotls: cannot append to the key log file " + file + ": " + e.getMessage());
      }
    }
  }

  Path file() {
    return file;
  }

  @Override
  public String toString() {
    return "key log " + file + (Files.exists(file) ? "" : " (missing)");
  }
}
