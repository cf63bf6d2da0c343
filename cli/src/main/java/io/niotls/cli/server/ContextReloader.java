package io.niotls.cli.server;

import io.niotls.context.TlsContext;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Reloads a running server's TLS context from its files: on SIGHUP, and (when asked) when the files
 * change on disk. A good reload prints one line on stdout, {@code reloaded sha256:<fingerprint>
 * (why)}; a bad one (a missing file, a key that does not match its certificate, a wrong password)
 * leaves the server on its old context and says so on stderr, with what was wrong.
 *
 * <p>A change on disk is acted on once the files have stayed the same for one poll: a certificate
 * and key replaced one after the other are read together, not half-way.
 */
public final class ContextReloader implements AutoCloseable {
  /** How often the files are looked at with {@code --reload-on-change}. */
  public static final Duration POLL = Duration.ofSeconds(1);

  private final Supplier<TlsContext> rebuild;
  private final Consumer<TlsContext> install;
  private final List<Path> files;
  private final PrintStream out;
  private final PrintStream err;
  private TlsContext serving; // guarded by this
  private ScheduledExecutorService watcher;
  private List<String> seen; // the watcher's thread only: the files' stamps at the last poll
  private boolean changed; // the watcher's thread only: stamps moved, waiting to settle

  /**
   * @param rebuild reads the files again and builds the context; throws, saying what is wrong
   * @param install hands a new context to the server (new connections use it)
   * @param serving the context the server started with
   * @param files what {@code rebuild} reads, watched for changes
   */
  public ContextReloader(
      Supplier<TlsContext> rebuild,
      Consumer<TlsContext> install,
      TlsContext serving,
      List<Path> files,
      PrintStream out,
      PrintStream err) {
    this.rebuild = Objects.requireNonNull(rebuild, "rebuild");
    this.install = Objects.requireNonNull(install, "install");
    this.serving = Objects.requireNonNull(serving, "serving");
    this.files = List.copyOf(files);
    this.out = out;
    this.err = err;
  }

  /** Reloads now; {@code why} ends the line printed ("SIGHUP", "files changed"). */
  public synchronized boolean reload(String why) {
    TlsContext next;
    try {
      next = rebuild.get();
      install.accept(next);
    } catch (RuntimeException e) {
      err.println(
          "reload failed ("
              + why
              + "): "
              + e.getMessage()
              + "; still serving "
              + serving.keyMaterial().fingerprint());
      err.flush();
      return false;
    }
    serving = next;
    out.println("reloaded " + next.keyMaterial().fingerprint() + " (" + why + ")");
    out.flush();
    return true;
  }

  /** Polls the files every {@link #POLL} and reloads once a change has settled. */
  public void watchFiles() {
    seen = stamps();
    watcher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "niotls-server-reload-watch");
              t.setDaemon(true);
              return t;
            });
    watcher.scheduleWithFixedDelay(
        this::poll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void poll() {
    List<String> now = stamps();
    if (!now.equals(seen)) {
      seen = now;
      changed = true; // wait one more poll: the other files may be on their way
    } else if (changed) {
      changed = false;
      reload("files changed");
    }
  }

  /** Size and modification time of each file; "missing" for one that is not there now. */
  private List<String> stamps() {
    List<String> stamps = new ArrayList<>();
    for (Path file : files) {
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        stamps.add(a.size() + "@" + a.lastModifiedTime().toMillis() + "#" + a.fileKey());
      } catch (NoSuchFileException e) {
        stamps.add("missing");
      } catch (IOException e) {
        stamps.add("unreadable: " + e.getMessage());
      }
    }
    return stamps;
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.shutdownNow();
    }
  }
}
