package io.niotls.context;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * Several SunJSSE client session caches, so that connections opened together to one server each
 * find a TLS 1.3 ticket to resume with.
 *
 * <p>SunJSSE keeps one session per host:port, and forgets a TLS 1.3 session as soon as a
 * ClientHello offers its ticket (a ticket is for one use, RFC 8446 C.4); the tickets later
 * connections receive replace each other. Of four connections opened at once to a server, one
 * resumed. Each {@code SSLContext} has its own cache, so this keeps up to {@link #LIMIT} contexts
 * made alike and gives each new connection one whose cache should hold an unused session for its
 * server: what BoringSSL's client gets from {@link BoringSessions}, one ticket per connection.
 *
 * <p>What a cache holds is inferred, not read (SunJSSE has no lookup by host:port): a context's
 * slot for a server is taken when an engine is made on it, and holds a session again once that
 * engine read a record after its handshake (the tickets come first) or was released after it. A TLS
 * 1.2 session is used again and again, so its slot is never taken. Thread-safe.
 */
final class JdkClientSessions {
  /** Contexts at most: concurrent connections to one server beyond this may not resume. */
  static final int LIMIT = 16;

  /** Servers remembered at most; the least recently used is forgotten. */
  private static final int SERVERS = 4096;

  private static final byte EMPTY = 0;
  private static final byte HELD = 1; // an unused TLS 1.3 ticket, presumably
  private static final byte TAKEN = 2; // its ticket offered by an engine not yet finished
  private static final byte REUSABLE = 3; // a TLS 1.2 session, for any number of engines
  private static final byte COMING = 4; // handshake finished, its engine open: a ticket on the way

  private final Supplier<SSLContext> maker;
  private final List<SSLContext> contexts = new ArrayList<>();

  @SuppressWarnings("serial")
  private final Map<String, Server> servers =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Server> eldest) {
          return size() > SERVERS;
        }
      };

  /** Engines not released yet whose slot is still theirs, and that slot. */
  private final Map<SSLEngine, Slot> pending = Collections.synchronizedMap(new WeakHashMap<>());

  /** One server's slot in each context: its state, and how often it was taken (whose it is). */
  private static final class Server {
    final byte[] states = new byte[LIMIT];
    final int[] takes = new int[LIMIT];
  }

  /** The slot an engine took: an update counts only while no later engine took it. */
  private record Slot(Server server, int index, int take) {
    boolean current() {
      return server.takes[index] == take;
    }

    byte state() {
      return server.states[index];
    }

    void state(byte state) {
      server.states[index] = state;
    }
  }

  /** {@code first} is the context made already; {@code maker} makes more, configured alike. */
  JdkClientSessions(SSLContext first, Supplier<SSLContext> maker) {
    this.maker = maker;
    contexts.add(first);
  }

  /** A client engine for {@code host:port}, on the context most likely to resume. */
  SSLEngine newEngine(String host, int port) {
    String server = host.toLowerCase(Locale.ROOT) + ':' + port;
    SSLContext chosen;
    Slot slot = null;
    synchronized (this) {
      Server known = servers.computeIfAbsent(server, k -> new Server());
      int index = choose(known.states);
      if (index >= contexts.size()) {
        contexts.add(maker.get());
      }
      chosen = contexts.get(index < 0 ? 0 : index);
      if (index >= 0 && known.states[index] != REUSABLE) {
        known.states[index] = TAKEN;
        slot = new Slot(known, index, ++known.takes[index]);
      }
    }
    SSLEngine engine = chosen.createSSLEngine(host, port);
    if (slot != null) {
      pending.put(engine, slot);
    }
    return engine;
  }

  /**
   * The slot to use: a TLS 1.2 session, else an unused ticket, else a context with nothing for this
   * server (made if needed), else -1 (the first context, all taken: a full handshake).
   */
  private int choose(byte[] states) {
    int empty = -1;
    int held = -1;
    int coming = -1;
    for (int i = 0; i < contexts.size(); i++) {
      switch (states[i]) {
        case REUSABLE:
          return i;
        case HELD:
          held = held < 0 ? i : held;
          break;
        case EMPTY:
          empty = empty < 0 ? i : empty;
          break;
        case COMING:
          coming = coming < 0 ? i : coming;
          break;
        default:
          break;
      }
    }
    if (held >= 0) {
      return held;
    }
    if (empty >= 0) {
      return empty;
    }
    if (contexts.size() < LIMIT) {
      return contexts.size();
    }
    return coming; // a long-lived connection's ticket has most likely come by now
  }

  /**
   * The engine's handshake finished. A TLS 1.2 session is in its context's cache now; a TLS 1.3
   * ticket comes after the handshake, so the slot counts as holding one once the engine is released
   * (a short-lived client waits for its tickets before it closes), or, while it stays open, when no
   * better slot is left.
   */
  void finished(SSLEngine engine) {
    Slot slot = pending.get(engine);
    if (slot != null) {
      boolean tls13 = "TLSv1.3".equals(engine.getSession().getProtocol());
      synchronized (this) {
        if (slot.current()) {
          slot.state(tls13 ? COMING : REUSABLE);
        }
      }
      if (!tls13) {
        pending.remove(engine);
      }
    }
  }

  /**
   * The engine read a record after its handshake: the server's tickets, which come before any data
   * it sends, are in its context's cache now, though the engine stays open.
   */
  void ticketsCame(SSLEngine engine) {
    Slot slot = pending.get(engine);
    if (slot != null) {
      synchronized (this) {
        if (slot.current() && slot.state() == COMING) {
          slot.state(HELD);
        }
      }
    }
  }

  /**
   * The engine is done: after a finished TLS 1.3 handshake its ticket has come (or will not); if
   * the handshake never finished, the ticket it offered is spent all the same.
   */
  void released(SSLEngine engine) {
    Slot slot = pending.remove(engine);
    if (slot != null) {
      synchronized (this) {
        if (slot.current() && slot.state() != HELD) {
          slot.state(slot.state() == COMING ? HELD : EMPTY);
        }
      }
    }
  }

  /** Contexts made so far. */
  synchronized int contexts() {
    return contexts.size();
  }
}
