package io.niotls.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.testing.ChildProcess;
import io.niotls.wire.ClientHelloParser.State;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ClientHellos of clients other than the two providers: {@code openssl s_client} and {@code
 * gnutls-cli} connect to a plain socket on 127.0.0.1, and the parser reads their first flight, as
 * it arrives from the socket, to their server name and ALPN list.
 */
class ClientHelloPeersTest {
  private static final int TIMEOUT_MILLIS = 10_000;

  @Test
  void opensslSClientsNameAndProtocolsAreRead() throws Exception {
    ClientHelloParser parser =
        helloOf(
            "openssl",
            "s_client",
            "-connect",
            "127.0.0.1:PORT",
            "-servername",
            "Peer.Example",
            "-alpn",
            "h2,http/1.1");

    assertThat(parser.state()).as(parser.problem()).isEqualTo(State.DONE);
    assertThat(parser.serverName()).isEqualTo("peer.example");
    assertThat(parser.alpn()).containsExactly("h2", "http/1.1");
  }

  @Test
  void gnutlsClisNameAndProtocolsAreRead() throws Exception {
    ClientHelloParser parser =
        helloOf(
            "gnutls-cli",
            "--port",
            "PORT",
            "--sni-hostname",
            "gnutls.example",
            "--alpn",
            "h2",
            "--alpn",
            "http/1.1",
            "--insecure",
            "127.0.0.1");

    assertThat(parser.state()).as(parser.problem()).isEqualTo(State.DONE);
    assertThat(parser.serverName()).isEqualTo("gnutls.example");
    assertThat(parser.alpn()).containsExactly("h2", "http/1.1");
  }

  /** Starts the client ({@code PORT} replaced) and parses what it sends until a verdict. */
  private static ClientHelloParser helloOf(String... command) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(TIMEOUT_MILLIS);
      List<String> args = new ArrayList<>();
      for (String arg : command) {
        args.add(arg.replace("PORT", Integer.toString(server.getLocalPort())));
      }
      try (ChildProcess client =
              ChildProcess.start(
                  new ProcessBuilder(args)
                      .redirectErrorStream(true)
                      .redirectOutput(ProcessBuilder.Redirect.DISCARD));
          Socket socket = server.accept()) {
        socket.setSoTimeout(TIMEOUT_MILLIS);
        return parse(socket.getInputStream());
      }
    }
  }

  private static ClientHelloParser parse(InputStream in) throws IOException {
    ClientHelloParser parser = new ClientHelloParser();
    byte[] buffer = new byte[4096];
    while (parser.state() == State.NEED_MORE) {
      int n = in.read(buffer);
      if (n < 0) {
        throw new AssertionError("the client closed before its ClientHello was whole");
      }
      parser.feed(ByteBuffer.wrap(buffer, 0, n));
    }
    return parser;
  }
}
