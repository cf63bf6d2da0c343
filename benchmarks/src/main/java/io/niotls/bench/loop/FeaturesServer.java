package io.niotls.bench.loop;

import io.niotls.certs.CertificateGenerator;
import io.niotls.certs.GeneratedCertificate;
import io.niotls.context.OcspResponse;
import io.niotls.context.Provider;
import io.niotls.context.SniMapping;
import io.niotls.context.TlsContext;
import io.niotls.context.TlsContextBuilder;
import io.niotls.loop.ServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * niotls's {@code TlsServer} with issue 15's production features on, for {@link IdleMemory}'s
 * {@code niotls-features} server (compared with {@code niotls}, the same server with them off):
 *
 * <ul>
 *   <li>several certificates chosen by name ({@code TlsServer.bindSni}): the client's {@code
 *       localhost} and {@link #OTHER_NAMES} (two exact names and a wildcard), each with a
 *       certificate of its own from the same CA;
 *   <li>session ticket keys read from a file (a 48-byte key, written to a temporary file);
 *   <li>a stapled OCSP response, "good", signed by the CA, about the {@code localhost} certificate
 *       (every context staples one about its own certificate);
 *   <li>an idle timeout (10 minutes) and a maximum session lifetime (1 hour): watched for every
 *       session, far longer than a measurement.
 * </ul>
 *
 * The JDK's provider can take neither ticket keys nor an OCSP response to staple (its contexts are
 * refused), so its server has the names and the limits only. The key log stays off: it is for
 * debugging, not for production servers.
 */
final class FeaturesServer {
  static final List<String> OTHER_NAMES = List.of("a.features.test", "b.features.test", "*.c.test");

  static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
  static final Duration MAX_LIFETIME = Duration.ofHours(1);

  private FeaturesServer() {}

  /**
   * @param limits whether the idle timeout and lifetime are set ({@code niotls-features}), or not
   *     ({@code niotls-features-nolimits}: to tell their cost from the rest's)
   */
  static NiotlsServer start(
      LoopPki pki, Provider provider, int loops, List<String> hosts, boolean limits) {
    Path ticketKey = ticketKeyFile();
    TlsContext main = context(pki, pki.leaf(), provider, ticketKey);
    SniMapping.Builder mapping = SniMapping.withDefault(main).add(LoopPki.HOST, main);
    for (String name : OTHER_NAMES) {
      GeneratedCertificate other =
          CertificateGenerator.leaf(name.replace("*.", "any."))
              .keyType(CertificateGenerator.KeyType.EC_P256)
              .subjectAltNames(name)
              .issuer(pki.ca())
              .generate();
      mapping.add(name, context(pki, other, provider, ticketKey));
    }
    return NiotlsServer.start(
        mapping.build(),
        limits
            ? ServerOptions.builder().idleTimeout(IDLE_TIMEOUT).maxLifetime(MAX_LIFETIME)
            : ServerOptions.builder(),
        loops,
        hosts);
  }

  /** {@link LoopPki#serverContext}'s settings for {@code leaf}, with the features on. */
  private static TlsContext context(
      LoopPki pki, GeneratedCertificate leaf, Provider provider, Path ticketKey) {
    TlsContextBuilder b =
        TlsContext.forServer(leaf.keyMaterial())
            .provider(provider)
            .protocols(pki.protocol())
            .handshakeTimeout(Duration.ofSeconds(60));
    if (provider != Provider.JDK) {
      b.ticketKeys(ticketKey).ocspResponse(goodResponse(pki.ca(), leaf));
    }
    return b.build();
  }

  /** One random 48-byte ticket key in a temporary file, deleted when the JVM exits. */
  private static Path ticketKeyFile() {
    try {
      Path file = Files.createTempFile("niotls-bench-ticket", ".key");
      file.toFile().deleteOnExit();
      byte[] key = new byte[48];
      new SecureRandom().nextBytes(key);
      Files.write(file, key);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A "good" OCSP response about {@code leaf}, signed by {@code ca}, valid for a day. */
  static OcspResponse goodResponse(GeneratedCertificate ca, GeneratedCertificate leaf) {
    try {
      JcaX509CertificateHolder issuer = new JcaX509CertificateHolder(ca.certificate());
      CertificateID id =
          new CertificateID(
              new JcaDigestCalculatorProviderBuilder().build().get(CertificateID.HASH_SHA1),
              issuer,
              leaf.certificate().getSerialNumber());
      Instant now = Instant.now();
      BasicOCSPResp basic =
          new BasicOCSPRespBuilder(new RespID(issuer.getSubject()))
              .addResponse(
                  id,
                  CertificateStatus.GOOD,
                  Date.from(now.minusSeconds(60)),
                  Date.from(now.plus(Duration.ofDays(1))))
              .build(
                  new JcaContentSignerBuilder(
                          ca.privateKey().getAlgorithm().equals("EC")
                              ? "SHA256withECDSA"
                              : "SHA256withRSA")
                      .build(ca.privateKey()),
                  null,
                  Date.from(now));
      byte[] der = new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
      Path file = Files.createTempFile("niotls-bench-ocsp", ".der");
      try {
        Files.write(file, der);
        return OcspResponse.read(file); // as a server reads the file it is given
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (OCSPException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot make the OCSP response to staple: " + e, e);
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException("cannot read the CA certificate: " + e, e);
    }
  }
}
