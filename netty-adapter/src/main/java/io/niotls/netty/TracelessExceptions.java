package io.niotls.netty;

import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLException;

/**
 * Exceptions for the ordinary ends of a connection (closed, removed, closed for writing) that fail
 * the handler's futures and promises. They say what happened; a stack trace would only show the
 * pipeline's plumbing, and filling one in costs more than a resumed handshake's bookkeeping on
 * every closed channel (Netty's SslHandler skips it for the same reason).
 */
final class TracelessExceptions {
  private TracelessExceptions() {}

  static SSLException sslException(String message) {
    return new SSLException(message) {
      @Override
      public synchronized Throwable fillInStackTrace() {
        return this;
      }
    };
  }

  static ClosedChannelException closedChannel() {
    return new ClosedChannelException() {
      @Override
      public synchronized Throwable fillInStackTrace() {
        return this;
      }
    };
  }
}
