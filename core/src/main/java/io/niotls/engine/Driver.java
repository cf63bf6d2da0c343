package io.niotls.engine;

import io.niotls.wire.TlsRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import javax.net.ssl.SSLEngine;

/**
 * What does the TLS work under one {@link TlsEngine}: the engine keeps the public contract (phase,
 * status, failure, the order of calls) and asks its driver for each step. {@link SslEngineDriver}
 * drives a JDK {@link SSLEngine} (SunJSSE, or BoringSSL through Netty's engine); {@link
 * BoringDriver} drives BoringSSL's own {@code SSL_*} calls through netty-tcnative.
 *
 * <p>A driver reports through the engine: it reads and moves the phase, records statuses, and calls
 * {@link TlsEngine#established()} once its handshake finished. Methods that return a {@link Status}
 * or a byte count return what the engine's call reports; exceptions fail the engine ({@link
 * TlsException} as it is, any other {@link IOException} as a transport or provider failure).
 * Confined, like the engine, to the thread driving it, except {@link #runTasks()}.
 */
interface Driver {

  /** Narrows the protocol versions of this connection, before its handshake starts. */
  void restrictProtocols(List<String> protocols);

  /** Starts the handshake (the engine then moves to HANDSHAKING). */
  void begin() throws IOException;

  /** Drives the handshake as far as it goes now: OK once done and flushed, else a WANT_*. */
  Status handshake() throws IOException;

  /** The handshake finished (the engine is OPEN): what it negotiated. */
  SessionInfo established();

  /** {@link TlsEngine#read}'s contract on an established connection. */
  int read(ByteBuffer dst) throws IOException;

  /** {@link TlsEngine#write}'s contract on an established connection. */
  int write(ByteBuffer src) throws IOException;

  /** Closes our direction and queues our close_notify, writing it as far as the transport takes. */
  void closeNotify() throws IOException;

  /**
   * Before a TLS 1.3 client's close_notify, when its caller asked for the wait: reads what has
   * arrived and says whether to wait on for the server's session tickets ({@code wait} bounds how
   * long). False for a driver whose provider keeps tickets that arrive after our close_notify.
   */
  default boolean awaitsTickets(TicketWait wait) throws IOException {
    return false;
  }

  /** After our close_notify: reads and discards until the peer's arrives (DONE), else SENT. */
  Status awaitPeerClose() throws IOException;

  /** Sends the fatal alert of {@code e}, best effort, never a close_notify. */
  void alert(TlsException e);

  /** Runs the tasks announced by WANT_TASK. Any thread, while no other call is in progress. */
  void runTasks();

  /** Whether the peer's close_notify was read (asked once the engine is CLOSED). */
  boolean inboundDone();

  /** Decrypted bytes buffered and not yet read. */
  int pending();

  /** Frees what the driver holds natively. Called once, by {@link TlsEngine#close()}. */
  void release();

  /** The SSLEngine underneath, for a driver that has one. */
  SSLEngine sslEngine();

  /** Whether there is an SSLEngine underneath ({@link #sslEngine()} answers). */
  default boolean hasSslEngine() {
    return false;
  }

  /** The most plaintext one record of an established {@code protocol} session carries. */
  default int plaintextPerRecord(String protocol) {
    return TlsRecords.MAX_PLAINTEXT_BODY;
  }
}
