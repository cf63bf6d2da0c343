package io.niotls.bench.loop;

import io.niotls.testing.ChildProcess;
import io.niotls.testing.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The outside reference: an {@code openssl s_server} process ({@code -rev}: it answers lines
 * reversed, and closes on close_notify). It is one thread with blocking sockets serving one
 * connection at a time; the others wait in its listen backlog (SOMAXCONN), so it shows what
 * OpenSSL's own handshake costs rather than how a server schedules many. Its CPU time is the
 * process's, read from {@code /proc/<pid>/schedstat} (nanoseconds).
 */
public final class OpensslServer implements LoopbackServer {
  private static final long START_TIMEOUT_MILLIS = 10_000;

  private final ChildProcess process;
  private final InetSocketAddress address;
  private final Path dir;

  private OpensslServer(ChildProcess process, InetSocketAddress address, Path dir) {
    this.process = process;
    this.address = address;
    this.dir = dir;
  }

  /** Starts {@code openssl s_server} for the PKI's certificate and protocol on 127.0.0.1. */
  public static OpensslServer start(LoopPki pki) {
    Path dir;
    try {
      dir = Files.createTempDirectory("niotls-bench-openssl");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path[] pem = pki.writePem(dir);
    int port;
    try {
      port = Ports.free();
    } catch (IOException e) {
      delete(dir);
      throw new UncheckedIOException(e);
    }
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "openssl",
            "s_server",
            "-accept",
            "127.0.0.1:" + port,
            "-cert",
            pem[0].toString(),
            "-key",
            pem[1].toString(),
            "TLSv1.2".equals(pki.protocol()) ? "-tls1_2" : "-tls1_3",
            "-rev",
            "-quiet"));
    ChildProcess process;
    try {
      process =
          ChildProcess.start(
              new ProcessBuilder(command)
                  .redirectErrorStream(true)
                  .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                  .redirectInput(ProcessBuilder.Redirect.PIPE));
    } catch (IOException e) {
      delete(dir);
      throw new UncheckedIOException("cannot start openssl s_server: " + e.getMessage(), e);
    }
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
    OpensslServer server = new OpensslServer(process, address, dir);
    server.awaitListening();
    return server;
  }

  private void awaitListening() {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
    while (true) {
      if (!process.isAlive()) {
        close();
        throw new IllegalStateException("openssl s_server exited with " + process.exitValue());
      }
      try (Socket probe = new Socket(address.getAddress(), address.getPort())) {
        return; // s_server sees a connection without a ClientHello, logs it and goes on
      } catch (IOException notYet) {
        if (System.currentTimeMillis() > deadline) {
          close();
          throw new IllegalStateException("openssl s_server did not listen on " + address);
        }
        sleep(20);
      }
    }
  }

  @Override
  public String subject() {
    return "OpensslServer";
  }

  @Override
  public String name() {
    return "openssl";
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  @Override
  public long cpuNanos() {
    try {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/schedstat")).trim();
      return Long.parseLong(stat.substring(0, stat.indexOf(' ')));
    } catch (IOException | RuntimeException e) {
      return 0; // gone: the round that needed it fails on its connections anyway
    }
  }

  @Override
  public void close() {
    try {
      process.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    delete(dir);
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // a temporary directory: the system cleans up what is left
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for openssl s_server", e);
    }
  }
}
