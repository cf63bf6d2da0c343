package io.niotls.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback ports in a known state, for tests that connect where nothing listens. */
public final class Ports {
  private Ports() {}

  /**
   * A loopback port nothing listens on right now, for a peer that cannot pick its own or a connect
   * that should be refused. Another process may take it meanwhile: bind it soon.
   */
  public static int free() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }

  /**
   * A loopback port nobody listens on any more, held by a connection in TIME_WAIT: the accepting
   * side closed first, so its end of the connection (on the listening port) waits there.
   */
  public static int inTimeWait() throws IOException {
    try (ServerSocket listener = new ServerSocket()) {
      listener.bind(new InetSocketAddress("127.0.0.1", 0));
      try (Socket client = new Socket("127.0.0.1", listener.getLocalPort())) {
        client.setSoTimeout(10_000);
        listener.accept().close(); // the server's FIN first
        assertThat(client.getInputStream().read()).as("the client sees the close").isEqualTo(-1);
      } // then the client's: the accepted end goes to TIME_WAIT
      return listener.getLocalPort();
    }
  }
}
