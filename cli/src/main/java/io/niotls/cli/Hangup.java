package io.niotls.cli;

import sun.misc.Signal;

/**
 * SIGHUP, the signal servers reload their configuration on. Its default action ends the JVM; once
 * handled here it runs the given action instead, on the JVM's signal thread.
 */
final class Hangup {
  private Hangup() {}

  /**
   * Runs {@code action} on every SIGHUP from now on.
   *
   * @return false where the platform has no SIGHUP (Windows): nothing is installed
   */
  static boolean onSignal(Runnable action) {
    try {
      Signal.handle(new Signal("HUP"), signal -> action.run());
      return true;
    } catch (IllegalArgumentException noSuchSignal) {
      return false;
    }
  }
}
