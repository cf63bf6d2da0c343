package io.niotls.loop;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.testing.TestPki;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS client that is not niotls: the JDK's blocking {@link SSLSocket}, layered over a plain
 * {@link Socket} the test keeps, so the test can do to the TCP connection what a real peer's
 * network does (reset it, half-close it) underneath a working TLS session. Trusts the test PKI's
 * CA.
 */
final class JdkPeer implements AutoCloseable {
  final Socket plain;
  final SSLSocket tls;

  private JdkPeer(Socket plain, SSLSocket tls) {
    this.plain = plain;
    this.tls = tls;
  }

  /** Connects to the loopback {@code port} and completes a handshake speaking {@code protocol}. */
  static JdkPeer connect(int port, String protocol) throws IOException {
    Socket plain = new Socket(InetAddress.getLoopbackAddress(), port);
    plain.setSoTimeout(20_000);
    SSLSocket tls =
        (SSLSocket) context().getSocketFactory().createSocket(plain, "localhost", port, false);
    tls.setEnabledProtocols(new String[] {protocol});
    tls.startHandshake();
    return new JdkPeer(plain, tls);
  }

  /**
   * Accepts one connection on {@code listener} and completes a server handshake over it, presenting
   * the test PKI's server certificate, speaking {@code protocol}.
   */
  static JdkPeer accept(java.net.ServerSocket listener, String protocol) throws IOException {
    Socket plain = listener.accept();
    plain.setSoTimeout(20_000);
    SSLSocket tls = (SSLSocket) serverContext().getSocketFactory().createSocket(plain, null, false);
    tls.setUseClientMode(false);
    tls.setEnabledProtocols(new String[] {protocol});
    tls.startHandshake();
    return new JdkPeer(plain, tls);
  }

  /** Ends the TCP connection with a reset (SO_LINGER 0, then close): no close_notify, no FIN. */
  void reset() throws IOException {
    plain.setSoLinger(true, 0);
    plain.close();
  }

  /** Sends a FIN underneath TLS: the stream ends without close_notify (a truncation). */
  void finWithoutCloseNotify() throws IOException {
    plain.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    plain.close();
  }

  private static SSLContext serverContext() {
    try {
      GeneratedCertificate server = TestPki.of(KeyType.EC_P256).server();
      char[] password = "test".toCharArray();
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry(
          "server",
          server.privateKey(),
          password,
          server.keyMaterial().chain().toArray(new java.security.cert.Certificate[0]));
      javax.net.ssl.KeyManagerFactory kmf =
          javax.net.ssl.KeyManagerFactory.getInstance(
              javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up the JDK peer's key", e);
    }
  }

  private static SSLContext context() {
    try {
      GeneratedCertificate ca = TestPki.of(KeyType.EC_P256).ca();
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up the JDK peer's trust", e);
    }
  }
}
