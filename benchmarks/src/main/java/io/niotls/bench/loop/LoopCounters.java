package io.niotls.bench.loop;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the loopback rounds measured, per subject, summed over an iteration (JMH sums the iterations
 * again), named as the report expects of interleaved benchmarks: {@code <subject>Ops} connections
 * (full handshake, then close) that ended in the measured windows, {@code <subject>WallNs} the
 * windows' length, {@code <subject>CpuNs} the server's CPU time over them, {@code <subject>Turns}
 * the rounds. Beside those, for reading latencies and the client's share: {@code
 * <subject>ClientCpuNs}, and {@code <subject>HandshakeNs} / {@code <subject>CloseNs}, the
 * connections' connect-to-open and close-to-closed times summed. Handshakes per second are {@code
 * Ops / WallNs * 1e9}; the rest divide by {@code Ops}.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class LoopCounters {
  public long tlsServerOps;
  public long tlsServerWallNs;
  public long tlsServerCpuNs;
  public long tlsServerClientCpuNs;
  public long tlsServerHandshakeNs;
  public long tlsServerCloseNs;
  public long tlsServerTurns;

  public long nettyServerOps;
  public long nettyServerWallNs;
  public long nettyServerCpuNs;
  public long nettyServerClientCpuNs;
  public long nettyServerHandshakeNs;
  public long nettyServerCloseNs;
  public long nettyServerTurns;

  public long opensslServerOps;
  public long opensslServerWallNs;
  public long opensslServerCpuNs;
  public long opensslServerClientCpuNs;
  public long opensslServerHandshakeNs;
  public long opensslServerCloseNs;
  public long opensslServerTurns;

  @Setup(Level.Iteration)
  public void reset() {
    tlsServerOps = tlsServerWallNs = tlsServerCpuNs = tlsServerClientCpuNs = 0;
    tlsServerHandshakeNs = tlsServerCloseNs = tlsServerTurns = 0;
    nettyServerOps = nettyServerWallNs = nettyServerCpuNs = nettyServerClientCpuNs = 0;
    nettyServerHandshakeNs = nettyServerCloseNs = nettyServerTurns = 0;
    opensslServerOps = opensslServerWallNs = opensslServerCpuNs = opensslServerClientCpuNs = 0;
    opensslServerHandshakeNs = opensslServerCloseNs = opensslServerTurns = 0;
  }

  /** One subject's sums, as the fields hold them. */
  record Sums(
      long ops, long wallNs, long cpuNs, long clientCpuNs, long handshakeNs, long closeNs) {}

  /** The sums of {@code subject} ({@link LoopbackServer#subject()}). */
  Sums sums(String subject) {
    return switch (subject) {
      case "TlsServer" ->
          new Sums(
              tlsServerOps,
              tlsServerWallNs,
              tlsServerCpuNs,
              tlsServerClientCpuNs,
              tlsServerHandshakeNs,
              tlsServerCloseNs);
      case "NettyServer" ->
          new Sums(
              nettyServerOps,
              nettyServerWallNs,
              nettyServerCpuNs,
              nettyServerClientCpuNs,
              nettyServerHandshakeNs,
              nettyServerCloseNs);
      case "OpensslServer" ->
          new Sums(
              opensslServerOps,
              opensslServerWallNs,
              opensslServerCpuNs,
              opensslServerClientCpuNs,
              opensslServerHandshakeNs,
              opensslServerCloseNs);
      default -> throw new IllegalArgumentException("unknown subject " + subject);
    };
  }

  /** Books one round of {@code subject} ({@link LoopbackServer#subject()}). */
  void add(String subject, HandshakeLoad.Round r) {
    switch (subject) {
      case "TlsServer" -> {
        tlsServerOps += r.connections();
        tlsServerWallNs += r.nanos();
        tlsServerCpuNs += r.serverCpuNanos();
        tlsServerClientCpuNs += r.clientCpuNanos();
        tlsServerHandshakeNs += r.handshakeNanos();
        tlsServerCloseNs += r.closeNanos();
        tlsServerTurns++;
      }
      case "NettyServer" -> {
        nettyServerOps += r.connections();
        nettyServerWallNs += r.nanos();
        nettyServerCpuNs += r.serverCpuNanos();
        nettyServerClientCpuNs += r.clientCpuNanos();
        nettyServerHandshakeNs += r.handshakeNanos();
        nettyServerCloseNs += r.closeNanos();
        nettyServerTurns++;
      }
      case "OpensslServer" -> {
        opensslServerOps += r.connections();
        opensslServerWallNs += r.nanos();
        opensslServerCpuNs += r.serverCpuNanos();
        opensslServerClientCpuNs += r.clientCpuNanos();
        opensslServerHandshakeNs += r.handshakeNanos();
        opensslServerCloseNs += r.closeNanos();
        opensslServerTurns++;
      }
      default -> throw new IllegalArgumentException("unknown subject " + subject);
    }
  }
}
