package io.niotls.context;

/** Where an engine's delegated tasks (certificate checks, key generation) run. */
public enum DelegatedTasks {
  /** On the calling thread, inside handshake()/read()/write(): never reports WANT_TASK. */
  INLINE,
  /** Reported as WANT_TASK; the caller runs TlsEngine.runTasks() where it likes, then retries. */
  CALLER
}
