package io.niotls.bench.engine;

import io.niotls.engine.SessionInfo;

/** Refuses to benchmark something other than what the benchmark claims to measure. */
final class HandshakeChecks {
  private HandshakeChecks() {}

  static void full(SessionInfo client, SessionInfo server, String protocol) {
    full(client.resumed(), server.resumed(), client.protocol(), protocol);
  }

  static void full(
      boolean clientResumed, boolean serverResumed, String negotiated, String protocol) {
    if (clientResumed || serverResumed) {
      throw new IllegalStateException(
          "a handshake resumed (client " + clientResumed + ", server " + serverResumed + ")");
    }
    if (!protocol.equals(negotiated)) {
      throw new IllegalStateException("negotiated " + negotiated + ", not " + protocol);
    }
  }
}
