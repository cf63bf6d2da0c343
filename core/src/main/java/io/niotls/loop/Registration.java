package io.niotls.loop;

/**
 * What a loop's selection keys carry: a connection or a listening socket. Every method runs on the
 * loop thread and must not throw; the loop catches anything that does anyway.
 */
interface Registration {
  /** The key is ready for {@code readyOps}. */
  void ready(int readyOps);

  /** The loop group is shutting down: close gracefully (close_notify, bounded wait). */
  void shutdown();

  /** The loop is terminating: close now, with no further I/O. */
  void forceClose();
}
