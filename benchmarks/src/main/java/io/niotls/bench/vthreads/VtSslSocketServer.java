package io.niotls.bench.vthreads;

import io.niotls.context.KeyMaterial;
import io.niotls.context.TlsContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The JDK's own blocking TLS, {@link SSLServerSocket} and {@link SSLSocket}, one virtual thread per
 * accepted socket: the baseline of {@link VtChannelServer}. The {@link SSLContext} is SunJSSE's
 * ("TLS"), made from the same key material; the server socket offers the niotls context's protocols
 * and cipher suites in its order, as niotls's JDK engines do.
 */
public final class VtSslSocketServer extends VirtualThreadServer<SSLSocket> {
  private final SSLServerSocket listener;

  private VtSslSocketServer(SSLServerSocket listener) {
    this.listener = listener;
  }

  /**
   * Listens on {@code host}, any free port, with the key, protocols and suites of {@code like}.
   *
   * @throws IllegalStateException when this JVM has no virtual threads
   */
  public static VtSslSocketServer start(TlsContext like, String host) {
    VirtualThreads.perTaskExecutor().shutdown(); // fails now, with the reason, on Java 17
    try {
      SSLServerSocket listener =
          (SSLServerSocket)
              sslContext(like.keyMaterial())
                  .getServerSocketFactory()
                  .createServerSocket(0, 4096, InetAddress.getByName(host));
      try {
        SSLParameters parameters = listener.getSSLParameters();
        parameters.setProtocols(like.protocols().toArray(new String[0]));
        parameters.setCipherSuites(like.cipherSuites().toArray(new String[0]));
        parameters.setUseCipherSuitesOrder(true);
        listener.setSSLParameters(parameters);
        VtSslSocketServer server = new VtSslSocketServer(listener);
        server.startAccepting();
        return server;
      } catch (RuntimeException e) {
        listener.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SunJSSE's context with {@code key} as its one key and the JDK's default trust. */
  static SSLContext sslContext(KeyMaterial key) {
    try {
      char[] password = "bench".toCharArray(); // an in-memory store only
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(
          "server", key.privateKey(), password, key.chain().toArray(new X509Certificate[0]));
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot make the SSLContext of vt-sslsocket: " + e, e);
    }
  }

  @Override
  SSLSocket accept() throws IOException {
    SSLSocket socket = (SSLSocket) listener.accept();
    socket.setTcpNoDelay(true); // as TlsServer
    return socket;
  }

  @Override
  void echo(SSLSocket socket) throws IOException {
    byte[] buffer = new byte[BUFFER];
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) { // the first read handshakes
      out.write(buffer, 0, n);
    }
  }

  @Override
  void closeListener() throws IOException {
    listener.close();
  }

  @Override
  public String name() {
    return "vt-sslsocket";
  }

  @Override
  public String subject() {
    return "VtSslSocket";
  }

  @Override
  public InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }
}
