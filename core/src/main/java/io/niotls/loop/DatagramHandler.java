package io.niotls.loop;

import java.nio.ByteBuffer;

/**
 * The application's side of datagram sessions ({@code udp://}, {@code dtls://}). Every callback
 * runs on the session's loop thread, one at a time; none may block.
 */
public interface DatagramHandler {
  /**
   * The session is ready: the DTLS handshake finished, or a {@code udp://} peer's first datagram.
   */
  default void onOpen(DatagramSession session) {}

  /**
   * One datagram's plaintext, whole. {@code datagram} is valid only during the call: copy what you
   * keep.
   */
  void onDatagram(DatagramSession session, ByteBuffer datagram);

  /**
   * The session ended: {@code cause} is null for close_notify or a local close, else the failure.
   */
  default void onClose(DatagramSession session, Throwable cause) {}
}
