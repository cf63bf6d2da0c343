package io.niotls.datagram;

import static org.assertj.core.api.Assertions.fail;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.ProviderEngines;
import io.niotls.context.TlsContext;
import io.niotls.engine.Status;
import io.niotls.testing.Contexts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A DTLS client and server over a {@link LossyNetwork}, driven step by step on its clock. */
final class DtlsPair {
  /** Made per pair, so that no pair resumes another's session: each seed's run is the same. */
  final TlsContext clientContext =
      Contexts.client(Provider.JDK, KeyType.EC_P256)
          .datagrams()
          .handshakeTimeout(Duration.ofSeconds(60))
          .build();

  final TlsContext serverContext =
      Contexts.server(Provider.JDK, KeyType.EC_P256)
          .datagrams()
          .handshakeTimeout(Duration.ofSeconds(60))
          .build();

  final LossyNetwork net;
  final DtlsEngine client;
  DtlsEngine server; // null until a gated server's gate admits the client
  final CookieGate gate;
  final List<String> toClient = new ArrayList<>();
  final List<String> toServer = new ArrayList<>();
  int timeouts;

  DtlsPair(LossyNetwork net, int maxPacket) {
    this(net, maxPacket, false);
  }

  /**
   * With {@code gated}, the server is a {@link CookieGate}'s engine, as in a datagram server: the
   * gate answers hellos until one comes back with its cookie, and that one gets the engine.
   */
  DtlsPair(LossyNetwork net, int maxPacket, boolean gated) {
    this.net = net;
    this.gate = gated ? new CookieGate(serverContext, maxPacket, net::now) : null;
    this.client =
        new DtlsEngine(
            clientContext,
            ProviderEngines.newEngine(clientContext, "localhost", 4433),
            net.a,
            maxPacket,
            net::now,
            Retransmissions.INITIAL);
    this.server =
        gated
            ? null
            : new DtlsEngine(
                serverContext,
                ProviderEngines.newEngine(serverContext, null, -1),
                net.b,
                maxPacket,
                net::now,
                Retransmissions.INITIAL);
  }

  /** Drives both until both are open and the network is quiet; fails after {@code steps}. */
  void handshake(int steps) {
    for (int step = 0; step < steps; step++) {
      pump(client, toClient);
      admit();
      pump(server, toServer);
      if (client.isOpen() && server != null && server.isOpen() && net.idle()) {
        return;
      }
      if (client.failure() != null || (server != null && server.failure() != null)) {
        fail(
            "failed: client "
                + client.failure()
                + ", server "
                + (server == null ? "not admitted" : server.failure()));
      }
      if (net.idle() && !timeOut()) {
        fail("stuck: no datagram on the way and no timer running");
      }
    }
    fail("no handshake after " + steps + " steps");
  }

  /** A gated server without a session yet: the gate takes what arrives. */
  private void admit() {
    ByteBuffer d = ByteBuffer.allocate(20_000);
    while (server == null && net.b.receive(d.clear()) > 0) {
      server = gate.admit(d.flip(), net.b);
    }
  }

  /** Lets everything on the way arrive, and timers run while a handshake still waits. */
  void settle(int steps) {
    for (int step = 0; step < steps; step++) {
      pump(client, toClient);
      pump(server, toServer);
      if (net.idle() && !timeOut()) {
        return;
      }
    }
  }

  /** Advances the clock to the next timer and fires it. @return false when no timer runs */
  boolean timeOut() {
    long c = client.nanosUntilTimeout();
    long s = server == null ? -1 : server.nanosUntilTimeout();
    if (c < 0 && s < 0) {
      return false;
    }
    net.advance(c < 0 ? s : s < 0 ? c : Math.min(c, s));
    timeouts++;
    client.onTimeout();
    if (server != null) {
      server.onTimeout();
    }
    return true;
  }

  private static void pump(DtlsEngine engine, List<String> received) {
    if (engine == null) {
      return;
    }
    if (!engine.isOpen()) {
      engine.handshake();
      if (!engine.isOpen()) {
        return;
      }
    }
    ByteBuffer dst = ByteBuffer.allocate(20_000);
    for (int n = engine.read(dst); n >= 0; n = engine.read(dst)) {
      received.add(new String(dst.array(), 0, n, StandardCharsets.UTF_8));
      dst.clear();
    }
  }

  static ByteBuffer text(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  static void check(Status status) {
    if (status.isFatal()) {
      fail("unexpected " + status);
    }
  }
}
