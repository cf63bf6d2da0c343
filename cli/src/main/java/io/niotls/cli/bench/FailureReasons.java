package io.niotls.cli.bench;

import io.niotls.engine.TlsException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Short, stable phrases for why a bench connection failed, so that failures group by cause: {@code
 * timeout: handshake}, {@code alert: handshake_failure}, {@code connect: Connection refused}.
 */
public final class FailureReasons {
  private static final int MAX_LENGTH = 80;

  private FailureReasons() {}

  /** The phrase for {@code failure} (wrappers such as CompletionException are looked through). */
  public static String of(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    String reason;
    if (t instanceof TlsException tls) {
      String message = String.valueOf(tls.getMessage());
      if (tls.kind() == TlsException.Kind.TIMEOUT) {
        reason = "timeout: handshake";
      } else if (tls.alert() != null) {
        reason = "alert: " + tls.alert();
      } else {
        reason = "tls " + tls.status().name().toLowerCase(java.util.Locale.ROOT) + ": " + message;
      }
    } else if (t instanceof SocketTimeoutException) {
      reason = "timeout: connect";
    } else if (t instanceof ConnectException) {
      reason = "connect: " + root(t).getMessage();
    } else {
      String message = t.getMessage();
      reason = t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
    return reason.length() > MAX_LENGTH ? reason.substring(0, MAX_LENGTH) + "..." : reason;
  }

  private static Throwable root(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
