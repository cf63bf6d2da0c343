package io.niotls.loop;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/** The live sessions of one server or client, and how to close them all. Thread-safe. */
final class SessionSet {
  private final Set<Connection> sessions = ConcurrentHashMap.newKeySet();

  void add(Connection c) {
    sessions.add(c);
  }

  void remove(Connection c) {
    sessions.remove(c);
  }

  int size() {
    return sessions.size();
  }

  /**
   * Closes every session gracefully (close_notify) and, those still open after {@code timeout}, at
   * once.
   *
   * @return completes when every session has closed
   */
  CompletableFuture<Void> closeAll(Duration timeout) {
    List<Connection> all = List.copyOf(sessions);
    CompletableFuture<?>[] closing = new CompletableFuture<?>[all.size()];
    for (int i = 0; i < closing.length; i++) {
      closing[i] = all.get(i).close();
    }
    CompletableFuture<Void> graceful = CompletableFuture.allOf(closing);
    return graceful
        .copy() // completeOnTimeout completes its receiver: keep graceful for the check below
        .completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenCompose(
            ignored -> {
              if (graceful.isDone()) {
                return graceful;
              }
              for (Connection c : all) {
                try {
                  c.eventLoop().execute(c::forceClose);
                } catch (RejectedExecutionException gone) {
                  // that loop has terminated, closing its sessions itself
                }
              }
              return CompletableFuture.allOf(closing);
            });
  }
}
