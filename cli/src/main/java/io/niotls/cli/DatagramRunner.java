package io.niotls.cli;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.KeyMaterial;
import io.niotls.context.TlsContext;
import io.niotls.context.TlsContextBuilder;
import io.niotls.datagram.DtlsEngine;
import io.niotls.loop.DatagramClient;
import io.niotls.loop.DatagramHandler;
import io.niotls.loop.DatagramServer;
import io.niotls.loop.DatagramSession;
import io.niotls.loop.TlsEventLoopGroup;
import io.niotls.uri.TransportUri;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSession;

/**
 * {@code niotls server} and {@code niotls client} for {@code udp://} and {@code dtls://}: an echo
 * server (each datagram sent back whole) and a client that sends each line of its input as one
 * datagram and prints each datagram it receives.
 */
final class DatagramRunner {
  private DatagramRunner() {}

  /** The maximum packet size from {@code --mtu}, checked: the default when not given. */
  static int maxPacket(Integer mtu) {
    if (mtu == null) {
      return DtlsEngine.DEFAULT_MAX_PACKET;
    }
    if (mtu < DtlsEngine.MIN_MAX_PACKET || mtu > 65507) {
      throw CliException.usage(
          "--mtu "
              + mtu
              + " is out of range "
              + DtlsEngine.MIN_MAX_PACKET
              + "-65507: the largest datagram the path carries, e.g. 1400");
    }
    return mtu;
  }

  /** A DTLS context with the command's provider and handshake timeout. */
  static TlsContext context(TlsContextBuilder builder, TlsOptions tls) {
    if (!tls.protocols.isEmpty() || !tls.alpn.isEmpty()) {
      throw CliException.usage(
          "--protocols and --alpn are for TLS; dtls:// speaks DTLS 1.2 without ALPN");
    }
    return builder
        .datagrams()
        .provider(tls.provider)
        .handshakeTimeout(tls.handshakeTimeout)
        .build();
  }

  static int serve(
      TransportUri where, KeyOptions keys, TlsOptions tls, Integer mtu, Duration duration, Io io)
      throws InterruptedException {
    int maxPacket = maxPacket(mtu);
    TlsContext context = null;
    if (where.isTls()) {
      KeyMaterial key = keys.loadOrGenerate(KeyType.EC_P256);
      context = context(TlsContext.forServer(key), tls);
    } else if (keys.given()) {
      throw CliException.usage(where + " is plaintext: key options need dtls://");
    }
    AtomicLong datagrams = new AtomicLong();
    DatagramHandler echo =
        new DatagramHandler() {
          @Override
          public void onDatagram(DatagramSession session, ByteBuffer datagram) {
            datagrams.incrementAndGet();
            session.send(datagram);
          }
        };
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(stop::countDown, "niotls-datagram-server-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (TlsEventLoopGroup group = TlsEventLoopGroup.create(1);
        DatagramServer server = DatagramServer.bind(where, context, echo, group, maxPacket)) {
      TransportUri bound = where.withPort(server.localAddress().getPort());
      io.out()
          .println(
              "listening "
                  + bound
                  + (context == null ? "" : " " + context.keyMaterial().fingerprint())
                  + " (datagrams of at most "
                  + maxPacket
                  + " bytes)");
      io.out().flush();
      if (duration != null) {
        stop.await(duration.toMillis(), TimeUnit.MILLISECONDS);
      } else {
        stop.await();
      }
      io.err()
          .println(
              "stopped: "
                  + datagrams.get()
                  + " datagrams echoed"
                  + (context == null ? "" : ", " + server.verifyRequests() + " cookies sent"));
      io.err().flush();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is what stopped us
      }
    }
    return Main.OK;
  }

  static int connect(
      TransportUri where, TlsContext context, Integer mtu, boolean quiet, Duration linger, Io io)
      throws Exception {
    int maxPacket = maxPacket(mtu);
    DatagramHandler printer =
        new DatagramHandler() {
          @Override
          public void onDatagram(DatagramSession session, ByteBuffer datagram) {
            byte[] bytes = new byte[datagram.remaining()];
            datagram.get(bytes);
            io.out().write(bytes, 0, bytes.length);
            io.out().flush();
          }
        };
    try (TlsEventLoopGroup group = TlsEventLoopGroup.create(1)) {
      DatagramSession session;
      try {
        session =
            DatagramClient.connect(where, context, printer, group, maxPacket)
                .get(
                    context == null ? 10 : context.handshakeTimeout().toSeconds() + 5,
                    TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        io.err().println("niotls: cannot connect to " + where + ": " + e.getCause().getMessage());
        return Main.FAILED;
      }
      if (!quiet) {
        SSLSession info = session.sslSession();
        io.err()
            .println(
                "connected to "
                    + where
                    + (info == null
                        ? " (plain datagrams)"
                        : " with " + info.getProtocol() + " " + info.getCipherSuite())
                    + "; each line is one datagram (at most "
                    + session.maxDatagram()
                    + " bytes)");
      }
      BufferedReader in =
          new BufferedReader(new InputStreamReader(io.in(), StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (bytes.length > session.maxDatagram()) {
          io.err()
              .println(
                  "niotls: a line of "
                      + bytes.length
                      + " bytes does not fit one datagram ("
                      + session.maxDatagram()
                      + "); not sent");
          continue;
        }
        session.send(ByteBuffer.wrap(bytes));
      }
      Thread.sleep(linger.toMillis()); // answers still on the way
      session.close();
      Thread.sleep(100); // close_notify out before the loop stops
    }
    return Main.OK;
  }
}
