package io.niotls.datagram;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where a {@link DtlsEngine}'s datagrams go and come from: one peer's datagrams, whole. A datagram
 * is never split or merged: each {@link #send} is one datagram on the wire, each {@link #receive}
 * returns one datagram the peer sent (or nothing). Non-blocking; loop-confined like the engine.
 */
public interface DatagramTransport {
  /**
   * Moves the next waiting datagram into {@code dst} (which must hold any datagram the engine
   * accepts; a longer one is dropped, not truncated).
   *
   * @return the datagram's length, or 0 when none is waiting (an empty datagram is skipped)
   * @throws IOException if the transport failed or is closed
   */
  int receive(ByteBuffer dst) throws IOException;

  /**
   * Sends {@code datagram}'s remaining bytes as one datagram, or nothing. The buffer is the
   * caller's again when this returns (engines reuse it for their next datagram): a transport that
   * keeps the bytes copies them.
   *
   * @return true when sent (its position is then at its limit); false when the transport cannot
   *     take it now (a full socket buffer): call again once it is writable
   * @throws IOException if the transport failed or is closed
   */
  boolean send(ByteBuffer datagram) throws IOException;
}
