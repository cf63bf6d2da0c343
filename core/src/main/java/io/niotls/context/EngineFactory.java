package io.niotls.context;

import javax.net.ssl.SSLEngine;

/** Makes and frees the SSLEngines of one provider. Thread-safe. */
interface EngineFactory {
  /** A new engine in the context's role; {@code host} null for servers. */
  SSLEngine newEngine(String host, int port);

  /** Frees native state held by the engine, if any. */
  void release(SSLEngine engine);

  /** Whether the engine's finished handshake resumed a session. */
  boolean wasResumed(SSLEngine engine);
}
