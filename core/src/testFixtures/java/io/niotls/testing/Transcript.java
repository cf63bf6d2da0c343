package io.niotls.testing;

import io.niotls.engine.Status;
import java.util.ArrayList;
import java.util.List;

/** Status transcripts: the statuses an engine reported, call after call. */
public final class Transcript {
  private Transcript() {}

  /**
   * The transcript with consecutive repeats collapsed: {@code [WANT_READ, WANT_READ, OK]} becomes
   * {@code [WANT_READ, OK]}. How many times a status repeats depends on chunk sizes; the order of
   * different statuses is what the contract fixes.
   */
  public static List<Status> collapse(List<Status> statuses) {
    List<Status> collapsed = new ArrayList<>();
    for (Status status : statuses) {
      if (collapsed.isEmpty() || collapsed.get(collapsed.size() - 1) != status) {
        collapsed.add(status);
      }
    }
    return List.copyOf(collapsed);
  }
}
