package io.niotls.testing;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The smallest selector loop: drives {@link Actor}s, one per non-blocking channel, until each says
 * it is done, calling an actor again only when its channel is ready for what it asked. Bounded in
 * time: a conversation that stalls fails the test with every actor's state. Single-threaded.
 */
public final class SelectorDriver {
  /** Interest value an actor returns when it has nothing left to do. */
  public static final int DONE = 0;

  private static final long SELECT_MILLIS = 100;

  /** One side of a conversation. */
  public interface Actor {
    /**
     * Does all it can now without blocking.
     *
     * @return {@link #DONE}, or the {@link SelectionKey} interest bits (OP_READ, OP_WRITE) to wait
     *     for before the next call
     * @throws AssertionError when the conversation went wrong
     */
    int step() throws IOException;
  }

  /** An actor and the channel whose readiness wakes it. */
  public record Party(SelectableChannel channel, Actor actor) {}

  private SelectorDriver() {}

  /** Runs {@code parties} until all are done; fails after {@code limit}. */
  public static void run(Duration limit, Party... parties) throws IOException {
    long deadline = System.nanoTime() + limit.toNanos();
    try (Selector selector = Selector.open()) {
      List<SelectionKey> keys = new ArrayList<>();
      for (Party party : parties) {
        keys.add(party.channel().register(selector, 0, party));
      }
      Set<SelectionKey> ready = new HashSet<>(keys);
      Set<SelectionKey> done = new HashSet<>();
      while (true) {
        for (SelectionKey key : keys) {
          if (ready.contains(key) && !done.contains(key)) {
            int interest = ((Party) key.attachment()).actor().step();
            if (interest == DONE) {
              done.add(key);
              key.interestOps(0);
            } else {
              key.interestOps(interest);
            }
          }
        }
        if (done.size() == keys.size()) {
          return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "the conversation did not finish within "
                  + limit
                  + ": "
                  + keys.stream()
                      .map(k -> k.attachment() + (done.contains(k) ? " (done)" : ""))
                      .collect(Collectors.joining("; ")));
        }
        ready.clear();
        selector.selectedKeys().clear();
        selector.select(Math.max(1, Math.min(SELECT_MILLIS, left / 1_000_000)));
        ready.addAll(selector.selectedKeys());
      }
    }
  }
}
