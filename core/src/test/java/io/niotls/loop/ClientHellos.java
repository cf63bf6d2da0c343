package io.niotls.loop;

import io.niotls.context.TlsContext;
import io.niotls.engine.TlsEngine;
import io.niotls.transport.MemoryTransport;

/** Real ClientHellos for raw-socket peers: a client engine's first flight. */
final class ClientHellos {
  private ClientHellos() {}

  /** The first flight of a client made from {@code context}, for host localhost. */
  static byte[] of(TlsContext context) {
    MemoryTransport transport = new MemoryTransport();
    TlsEngine engine = TlsEngine.client(context, transport, "localhost", 443);
    try {
      engine.handshake();
      return transport.drainAll();
    } finally {
      engine.close();
    }
  }
}
