package io.niotls.loop;

import java.time.Duration;

/**
 * The limits on an open session, each null when not set.
 *
 * @param idle no byte read or written for this long: closed with close_notify
 * @param lifetime open for this long: closed with close_notify
 * @param writeStall queued output not a byte of which the socket took for this long: closed at once
 */
record SessionLimits(Duration idle, Duration lifetime, Duration writeStall) {
  /** Whether any limit is set: a session needs its {@link IdleWatch} only then. */
  boolean any() {
    return idle != null || lifetime != null || writeStall != null;
  }
}
