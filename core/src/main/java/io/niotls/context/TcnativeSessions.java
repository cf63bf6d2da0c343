package io.niotls.context;

import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.OpenSslSessionTicketKey;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.internal.tcnative.KeyLogCallback;
import io.netty.internal.tcnative.SSL;
import io.netty.internal.tcnative.SSLContext;
import io.netty.internal.tcnative.SessionTicketKey;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;

/**
 * {@link SessionSettings} applied to BoringSSL through netty-tcnative: to the BORINGSSL provider's
 * own context ({@link #applyToBoring}) and to Netty's OpenSSL context for the OPENSSL provider
 * ({@link #applyToNetty}). Names Netty, so it is loaded only for those providers.
 *
 * <p>Ticket keys go to tcnative's ticket callback, which encrypts with the first key (AES-128-CBC,
 * HMAC-SHA256) and decrypts with whichever key a ticket names, renewing a ticket made with an older
 * key. The key log is tcnative's callback for BoringSSL's {@code SSL_CTX_set_keylog_callback}: NSS
 * lines, TLS 1.2 and 1.3.
 */
final class TcnativeSessions {
  private TcnativeSessions() {}

  /** On the BORINGSSL provider's {@code SSL_CTX} (tcnative's handle), before it is shared. */
  static void applyToBoring(long ctx, SessionSettings s, boolean client) {
    if (!client) {
      if (s.ticketKeys != null) {
        SSLContext.setSessionTicketKeys(ctx, tcnativeKeys(s.ticketKeys));
        SSLContext.clearOptions(ctx, SSL.SSL_OP_NO_TICKET);
      }
      if (!s.tickets) {
        // BoringSSL then sends no NewSessionTicket in TLS 1.3 either (it resumes TLS 1.3 only
        // from tickets) and offers no ticket extension in TLS 1.2: session IDs are left
        SSLContext.setOptions(ctx, SSL.SSL_OP_NO_TICKET);
      }
    }
    if (s.cacheSize != null) {
      SSLContext.setSessionCacheSize(ctx, s.cacheSize);
    }
    if (s.timeout != null) {
      // BoringSSL's session_timeout: the lifetime of TLS 1.2 sessions and tickets, and the bound
      // on a TLS 1.3 ticket's lifetime (its ticket_lifetime hint)
      SSLContext.setSessionCacheTimeout(ctx, s.timeoutSeconds());
    }
    if (s.keyLog != null) {
      SSLContext.setKeyLogCallback(ctx, new KeyLogLines(s.keyLog));
    }
  }

  /** On Netty's OpenSSL context of the OPENSSL provider, before it makes an engine. */
  static void applyToNetty(SslContext context, SessionSettings s, boolean client) {
    OpenSslSessionContext sessions = (OpenSslSessionContext) context.sessionContext();
    if (!client && s.ticketKeys != null) {
      // Netty clears SSL_OP_NO_TICKET with the keys: tickets in TLS 1.2 too, which Netty leaves
      // off by default; the fleet's TLS 1.2 clients need them, since session IDs live in one
      // server's memory only
      List<TicketKeys.Key> keys = s.ticketKeys.keys();
      OpenSslSessionTicketKey[] netty = new OpenSslSessionTicketKey[keys.size()];
      for (int i = 0; i < netty.length; i++) {
        TicketKeys.Key k = keys.get(i);
        netty[i] = new OpenSslSessionTicketKey(k.name(), k.hmacKey(), k.aesKey());
      }
      sessions.setTicketKeys(netty);
      // A fleet may mix the two providers (a migration): BoringSSL resumes a session only under
      // the session ID context it was made in, and Netty's ("netty") is not BORINGSSL's
      SSLContext.setSessionIdContext(tcnativeHandle(context), BoringContext.SESSION_ID_CONTEXT);
    }
    if (s.cacheSize != null) {
      sessions.setSessionCacheSize(s.cacheSize);
    }
    if (s.timeout != null) {
      sessions.setSessionTimeout(s.timeoutSeconds());
    }
    if (s.keyLog != null) {
      SSLContext.setKeyLogCallback(tcnativeHandle(context), new KeyLogLines(s.keyLog));
    }
  }

  /**
   * Tickets off for one of Netty's server engines: Netty's engine clears {@code SSL_OP_NO_TICKET}
   * on each connection that may speak TLS 1.3, so the context's option alone is not enough.
   */
  static void noTickets(SSLEngine engine) {
    if (engine instanceof ReferenceCountedOpenSslEngine openSsl) {
      synchronized (openSsl) {
        long ssl = openSsl.sslPointer();
        if (ssl != 0) {
          SSL.setOptions(ssl, SSL.SSL_OP_NO_TICKET);
        }
      }
    }
  }

  private static SessionTicketKey[] tcnativeKeys(TicketKeys ticketKeys) {
    List<TicketKeys.Key> keys = ticketKeys.keys();
    SessionTicketKey[] tcnative = new SessionTicketKey[keys.size()];
    for (int i = 0; i < tcnative.length; i++) {
      TicketKeys.Key k = keys.get(i);
      // tcnative's order: name, HMAC key, AES key (the file's is name, AES key, HMAC key)
      tcnative[i] = new SessionTicketKey(k.name(), k.hmacKey(), k.aesKey());
    }
    return tcnative;
  }

  /**
   * tcnative's handle of Netty's context, which tcnative's setters take: Netty keeps it in a
   * protected field ({@code sslCtxPointer()} and {@code context()} give the raw {@code SSL_CTX},
   * which they must not be given).
   */
  private static long tcnativeHandle(SslContext context) {
    try {
      Field field = ReferenceCountedOpenSslContext.class.getDeclaredField("ctx");
      field.setAccessible(true);
      return field.getLong(context);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new TlsConfigException(
          "the OPENSSL provider cannot set a key log on this Netty version ("
              + e
              + "): use Provider.BORINGSSL",
          e);
    }
  }

  /** tcnative's key log callback: holds the consumer only, never the context. */
  private static final class KeyLogLines implements KeyLogCallback {
    private final Consumer<String> lines;

    KeyLogLines(Consumer<String> lines) {
      this.lines = lines;
    }

    @Override
    public void handle(long ssl, byte[] line) {
      try {
        lines.accept(new String(line, StandardCharsets.US_ASCII));
      } catch (RuntimeException e) {
        // the application's consumer failed: the handshake must not
      }
    }
  }
}
