package io.niotls.bench.loop;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.context.KeyMaterial;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * The certificates and contexts of the loopback benchmarks: one EC P-256 {@code localhost}
 * certificate made at setup, the niotls server context and a Netty {@code SslContext} built from
 * the same key, protocols and suites (so both servers offer the same TLS), the same key as PEM
 * files for {@code openssl s_server}, and the one client context every server is measured with.
 *
 * <p>The client is the same whatever the server's provider: BoringSSL (the cheaper of the two
 * engines, so the shared client takes as little of the machine as it can), session resumption off
 * (every handshake is a full one), and the server authenticated by its pinned SHA-256 fingerprint
 * alone, which costs a hash instead of a PKIX chain validation per handshake.
 */
public final class LoopPki {
  /** The name the client sends as SNI and checks in the certificate. */
  public static final String HOST = "localhost";

  private final GeneratedCertificate ca;
  private final GeneratedCertificate leaf;
  private final String protocol;

  private LoopPki(GeneratedCertificate ca, GeneratedCertificate leaf, String protocol) {
    this.ca = ca;
    this.leaf = leaf;
    this.protocol = protocol;
  }

  /** A fresh certificate for servers that speak {@code protocol} only ("TLSv1.3" or "TLSv1.2"). */
  public static LoopPki create(String protocol) {
    GeneratedCertificate ca = CertificateGenerator.ca("niotls loopback bench CA").generate();
    GeneratedCertificate leaf =
        CertificateGenerator.leaf(HOST)
            .keyType(CertificateGenerator.KeyType.EC_P256)
            .subjectAltNames(HOST)
            .issuer(ca)
            .generate();
    return new LoopPki(ca, leaf, protocol);
  }

  public String protocol() {
    return protocol;
  }

  public KeyMaterial keyMaterial() {
    return leaf.keyMaterial();
  }

  /** The CA that issued the certificate: for more certificates, or an OCSP response about it. */
  public GeneratedCertificate ca() {
    return ca;
  }

  /** The server certificate. */
  public GeneratedCertificate leaf() {
    return leaf;
  }

  /**
   * The niotls server context: {@code provider}, the one protocol, a 60 s handshake deadline,
   * defaults otherwise.
   */
  public TlsContext serverContext(Provider provider) {
    return serverContext(provider, true);
  }

  /** {@link #serverContext(Provider)}, issuing session tickets or not ({@code sessionTickets}). */
  public TlsContext serverContext(Provider provider, boolean tickets) {
    return TlsContext.forServer(leaf.keyMaterial())
        .provider(provider)
        .protocols(protocol)
        // a cold JVM on 2 shared cores with hundreds of handshakes queued took over the default
        // 10 s (vt-channel's warm-up); SSLSocket has no deadline at all
        .handshakeTimeout(Duration.ofSeconds(60))
        .sessionTickets(tickets)
        .build();
  }

  /** The client context for every server: see the class comment. */
  public TlsContext clientContext() {
    return clientContext(protocol, fingerprint());
  }

  /** The server certificate's SHA-256 fingerprint, {@code sha256:<hex>}. */
  public String fingerprint() {
    return leaf.sha256().toString();
  }

  /**
   * The client context for servers in other processes, known by their fingerprints (any one of them
   * is trusted).
   */
  public static TlsContext clientContext(String protocol, String... fingerprints) {
    return TlsContext.forClient()
        .provider(Provider.OPENSSL)
        .protocols(protocol)
        .pin(fingerprints)
        .pinsReplaceChainValidation()
        .serverName(HOST)
        .sessionResumption(false)
        .handshakeTimeout(Duration.ofSeconds(30)) // thousands queue up on 2 shared cores
        .build();
  }

  /**
   * A Netty server context equal to {@link #serverContext}: the same key, provider, protocol and
   * cipher suites (niotls's own list, which Netty maps to OpenSSL names as niotls does).
   */
  public SslContext nettyServerContext(Provider provider, TlsContext like) {
    try {
      return nettyServerBuilder(provider, like).build();
    } catch (SSLException e) {
      throw new IllegalStateException("Netty refused the server settings: " + e.getMessage(), e);
    }
  }

  /** The builder of {@link #nettyServerContext}, for settings of a benchmark's own (ALPN). */
  public SslContextBuilder nettyServerBuilder(Provider provider, TlsContext like) {
    return SslContextBuilder.forServer(leaf.privateKey(), leaf.keyMaterial().chain())
        .sslProvider(provider == Provider.JDK ? SslProvider.JDK : SslProvider.OPENSSL)
        .protocols(protocol)
        .ciphers(like.cipherSuites());
  }

  /** Writes the certificate and key as PEM files in {@code dir}: {@code [cert, key]}. */
  public Path[] writePem(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    leaf.writeCertificatePem(cert);
    leaf.writePrivateKeyPem(key);
    return new Path[] {cert, key};
  }
}
