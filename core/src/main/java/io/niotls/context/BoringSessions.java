package io.niotls.context;

import io.netty.internal.tcnative.SSL;
import io.netty.internal.tcnative.SSLSession;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BORINGSSL client context's sessions, keyed by the server's host and port: what BoringSSL hands
 * over after each handshake (a TLS 1.2 session, or each TLS 1.3 NewSessionTicket, read whenever it
 * arrives) and what the next connection to that server offers. Holds one reference on each native
 * {@code SSL_SESSION} and gives it back when the session is replaced, evicted, refused by BoringSSL
 * or the context freed. Thread-safe.
 *
 * <p>A TLS 1.3 ticket is offered once while an unused one is kept (RFC 8446 C.4 asks clients not to
 * reuse tickets, which lets an observer link connections); when every kept ticket has been offered,
 * the newest is offered again rather than a full handshake made: many connections opened at once to
 * one server then all resume, and the server answers each with new tickets.
 *
 * <p>Each session is kept with the server's certificate chain as the handshake that made it had
 * verified it, so that a connection resuming it knows its peer's chain without asking BoringSSL to
 * copy the certificates out again: that copy was the largest part of a resumed handshake's garbage.
 */
final class BoringSessions {
  /** Servers remembered by default; the least recently used is forgotten beyond this. */
  static final int MAX_SERVERS = 1024;

  /** Sessions kept per server (BoringSSL servers send two TLS 1.3 tickets per handshake). */
  static final int MAX_PER_SERVER = 4;

  private final int maxServers;

  private final Map<String, Kept> byServer =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Kept> eldest) {
          if (size() <= maxServers) {
            return false;
          }
          eldest.getValue().freeAll();
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

  /**
   * Keeps {@code session} (whose reference is now ours) under {@code key} ({@link #key}), with the
   * chain of the handshake that made it (null: not known).
   */
  synchronized void add(String key, long session, List<X509Certificate> chain) {
    byServer.computeIfAbsent(key, k -> new Kept()).addFirst(session, chain);
  }

  /**
   * Offers the newest session kept under {@code key} ({@link #key}) to {@code ssl}, if any, and
   * returns the server chain kept with it; null when none was offered or its chain is not known.
   */
  synchronized List<X509Certificate> offer(long ssl, String key) {
    Kept kept = byServer.get(key);
    while (kept != null && kept.size > 0) {
      int i = kept.next();
      long session = kept.sessions[i];
      if (SSL.setSession(ssl, session)) { // the SSL takes a reference of its own
        kept.used[i] = SSLSession.shouldBeSingleUse(session);
        return kept.chains[i];
      }
      kept.remove(i); // BoringSSL refused it (expired, or for another version): forget it
      SSLSession.free(session);
    }
    return null;
  }

  /** Frees every session kept: the native context is being freed. */
  synchronized void freeAll() {
    byServer.values().forEach(Kept::freeAll);
    byServer.clear();
  }

  synchronized int size() {
    return byServer.values().stream().mapToInt(kept -> kept.size).sum();
  }

  /** One server's sessions, newest first, in arrays: adding one allocates nothing. */
  private static final class Kept {
    final long[] sessions = new long[MAX_PER_SERVER];

    @SuppressWarnings("unchecked")
    final List<X509Certificate>[] chains = new List[MAX_PER_SERVER];

    final boolean[] used = new boolean[MAX_PER_SERVER]; // a single-use ticket already offered

    int size;

    /** The newest session not used up; the newest of all when every one is. */
    int next() {
      for (int i = 0; i < size; i++) {
        if (!used[i]) {
          return i;
        }
      }
      return 0;
    }

    void addFirst(long session, List<X509Certificate> chain) {
      if (size == MAX_PER_SERVER) {
        SSLSession.free(sessions[--size]); // the oldest goes
      }
      System.arraycopy(sessions, 0, sessions, 1, size);
      System.arraycopy(chains, 0, chains, 1, size);
      System.arraycopy(used, 0, used, 1, size);
      sessions[0] = session;
      chains[0] = chain;
      used[0] = false;
      size++;
    }

    void remove(int i) {
      size--;
      System.arraycopy(sessions, i + 1, sessions, i, size - i);
      System.arraycopy(chains, i + 1, chains, i, size - i);
      System.arraycopy(used, i + 1, used, i, size - i);
      chains[size] = null;
    }

    void freeAll() {
      for (int i = 0; i < size; i++) {
        SSLSession.free(sessions[i]);
      }
      size = 0;
    }
  }
}
