package io.niotls.context;

import io.netty.internal.tcnative.SSL;
import io.netty.internal.tcnative.SSLSession;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A BORINGSSL client context's sessions, keyed by the server's host and port: what BoringSSL hands
 * over after each handshake (a TLS 1.2 session, or each TLS 1.3 NewSessionTicket, read whenever it
 * arrives) and what the next connection to that server offers. Holds one reference on each native
 * {@code SSL_SESSION} and gives it back when the session is used up (TLS 1.3 tickets are used
 * once), replaced, evicted or the context freed. Thread-safe.
 */
final class BoringSessions {
  /** Servers remembered by default; the least recently used is forgotten beyond this. */
  static final int MAX_SERVERS = 1024;

  /** Sessions kept per server (BoringSSL servers send two TLS 1.3 tickets per handshake). */
  static final int MAX_PER_SERVER = 4;

  private final int maxServers;

  private final Map<String, Deque<Long>> byServer =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
          if (size() <= maxServers) {
            return false;
          }
          eldest.getValue().forEach(SSLSession::free);
          return true;
        }
      };

  /** A cache of the sessions of at most {@code maxServers} servers ({@code sessionCacheSize}). */
  BoringSessions(int maxServers) {
    this.maxServers = maxServers;
  }

  /** The key sessions for {@code host:port} are kept under; made once per connection. */
  static String key(String host, int port) {
    return host + ":" + port;
  }

  /** Keeps {@code session} (whose reference is now ours) under {@code key} ({@link #key}). */
  synchronized void add(String key, long session) {
    Deque<Long> kept = byServer.computeIfAbsent(key, k -> new ArrayDeque<>());
    kept.addFirst(session);
    while (kept.size() > MAX_PER_SERVER) {
      SSLSession.free(kept.removeLast());
    }
  }

  /** Offers the newest session kept under {@code key} ({@link #key}) to {@code ssl}, if any. */
  synchronized void offer(long ssl, String key) {
    Deque<Long> kept = byServer.get(key);
    if (kept == null) {
      return;
    }
    for (Iterator<Long> it = kept.iterator(); it.hasNext(); ) {
      long session = it.next();
      if (SSL.setSession(ssl, session)) { // the SSL takes a reference of its own
        return;
      }
      it.remove(); // BoringSSL refused it (expired, or for another version): forget it
      SSLSession.free(session);
    }
  }

  /** Frees every session kept: the native context is being freed. */
  synchronized void freeAll() {
    byServer.values().forEach(kept -> kept.forEach(SSLSession::free));
    byServer.clear();
  }

  synchronized int size() {
    return byServer.values().stream().mapToInt(Deque::size).sum();
  }
}
