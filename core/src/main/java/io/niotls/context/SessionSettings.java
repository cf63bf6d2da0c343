package io.niotls.context;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * What a context sets about its sessions beyond on/off ({@code sessionResumption}): shared ticket
 * keys, tickets off, the session cache's size and lifetime, and the key log. Each is null (or true,
 * for tickets) when not set, so each provider keeps its own default. Checked against the role and
 * the provider once the provider is chosen ({@link #check}): what a provider cannot do is refused
 * with the reason and what to use instead, never ignored.
 */
final class SessionSettings {
  TicketKeys ticketKeys;
  boolean tickets = true;
  Integer cacheSize;
  Duration timeout;
  Consumer<String> keyLog;
  String keyLogName; // how the key log is named in messages

  SessionSettings copy() {
    SessionSettings c = new SessionSettings();
    c.ticketKeys = ticketKeys;
    c.tickets = tickets;
    c.cacheSize = cacheSize;
    c.timeout = timeout;
    c.keyLog = keyLog;
    c.keyLogName = keyLogName;
    return c;
  }

  /** The settings that hold for either provider, checked when the builder builds. */
  void checkRole(boolean client) {
    if (client && ticketKeys != null) {
      throw new TlsConfigException(
          "ticketKeys is a server setting: a client keeps the tickets servers give it");
    }
    if (client && !tickets) {
      throw new TlsConfigException(
          "sessionTickets(false) is a server setting; a client that must not resume:"
              + " sessionResumption(false)");
    }
    if (ticketKeys != null && !tickets) {
      throw new TlsConfigException(
          "ticketKeys(...) and sessionTickets(false) contradict each other: keys are for tickets");
    }
  }

  /**
   * What {@code provider} (chosen, never AUTO) cannot do.
   *
   * @throws TlsConfigException naming the setting, why the provider cannot, and what to use
   */
  void checkProvider(Provider provider, String providerNote) {
    if (provider != Provider.JDK) {
      return;
    }
    String instead =
        "; use Provider.BORINGSSL or OPENSSL (netty-tcnative-boringssl-static), which "
            + "can (provider "
            + providerNote
            + ")";
    if (keyLog != null) {
      throw new TlsConfigException(
          "the JDK provider (SunJSSE) cannot export TLS secrets, so it cannot write "
              + keyLogName
              + instead);
    }
    if (ticketKeys != null) {
      throw new TlsConfigException(
          "the JDK provider (SunJSSE) cannot take session ticket keys: it encrypts tickets with"
              + " keys of its own, made in each JVM, so servers cannot share them"
              + instead);
    }
    if (!tickets) {
      throw new TlsConfigException(
          "the JDK provider (SunJSSE) cannot turn session tickets off for one context (only for"
              + " the whole JVM, with -Djdk.tls.server.enableSessionTicketExtension=false, and"
              + " TLS 1.3 resumption goes on without them)"
              + instead);
    }
  }

  /** Seconds, as every provider counts a session's lifetime. */
  int timeoutSeconds() {
    return (int) Math.min(Integer.MAX_VALUE, timeout.toSeconds());
  }
}
