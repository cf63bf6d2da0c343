package io.niotls.certs;

import io.niotls.context.KeyMaterial;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * Makes throwaway certificates and keys: for tests, and for the CLI's demo server when it is given
 * no certificate. Not for production identities: keys live in memory and in whatever files the
 * caller writes them to, unprotected unless asked.
 *
 * <pre>{@code
 * GeneratedCertificate ca = CertificateGenerator.ca("test CA").generate();
 * GeneratedCertificate server =
 *     CertificateGenerator.leaf("localhost").subjectAltNames("localhost", "127.0.0.1", "::1")
 *         .issuer(ca).generate();
 * }</pre>
 *
 * <p>EC P-256 keys (the default) take about a millisecond; RSA 2048 keys take up to a second.
 * Certificates are signed with the JDK's own providers; BouncyCastle only builds them.
 */
public final class CertificateGenerator {

  /** The key pair to generate. */
  public enum KeyType {
    EC_P256,
    RSA_2048
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern DNS_NAME =
      Pattern.compile(
          "(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

  private CertificateGenerator() {}

  /** A certificate authority: basicConstraints CA=true, keyCertSign and cRLSign. */
  public static Builder ca(String commonName) {
    return new Builder(commonName, true);
  }

  /**
   * A server or client certificate: serverAuth and clientAuth, digitalSignature (and
   * keyEncipherment for RSA). Without {@link Builder#subjectAltNames} its common name becomes its
   * only subject alternative name, when it is a host name or an IP address.
   */
  public static Builder leaf(String commonName) {
    return new Builder(commonName, false);
  }

  /** A self-signed leaf named {@code names[0]}, with every name as a subject alternative name. */
  public static GeneratedCertificate selfSigned(KeyType keyType, String... names) {
    if (names.length == 0) {
      throw new IllegalArgumentException("give at least one name for the certificate");
    }
    return leaf(names[0]).keyType(keyType).subjectAltNames(names).generate();
  }

  /** Collects what goes in one certificate. Not thread-safe; {@link #generate} may be repeated. */
  public static final class Builder {
    private final String commonName;
    private final boolean ca;
    private KeyType keyType = KeyType.EC_P256;
    private List<String> subjectAltNames = List.of();
    private GeneratedCertificate issuer;
    private Instant validFrom;
    private Instant validUntil;

    private Builder(String commonName, boolean ca) {
      if (commonName == null || commonName.isBlank()) {
        throw new IllegalArgumentException("give the certificate a common name");
      }
      this.commonName = commonName;
      this.ca = ca;
    }

    /** {@link KeyType#EC_P256} unless told otherwise. */
    public Builder keyType(KeyType keyType) {
      this.keyType = Objects.requireNonNull(keyType, "keyType");
      return this;
    }

    /**
     * Host names become dNSName entries ({@code *.example.com} is allowed); IPv4 and IPv6 literals
     * (with or without brackets) become iPAddress entries.
     */
    public Builder subjectAltNames(String... namesOrIps) {
      for (String name : namesOrIps) {
        generalName(name);
      }
      this.subjectAltNames = List.of(namesOrIps);
      return this;
    }

    /** The CA that signs this certificate; without one the certificate signs itself. */
    public Builder issuer(GeneratedCertificate ca) {
      if (ca.certificate().getBasicConstraints() < 0) {
        throw new IllegalArgumentException(
            ca.certificate().getSubjectX500Principal().getName()
                + " is not a CA: make the issuer with CertificateGenerator.ca(...)");
      }
      this.issuer = ca;
      return this;
    }

    /** Defaults to an hour before {@link #generate}, to allow for clock skew. */
    public Builder validFrom(Instant validFrom) {
      this.validFrom = Objects.requireNonNull(validFrom, "validFrom");
      return this;
    }

    /** Defaults to a day after {@link #generate}. */
    public Builder validUntil(Instant validUntil) {
      this.validUntil = Objects.requireNonNull(validUntil, "validUntil");
      return this;
    }

    /** Generates a fresh key pair and the certificate for it. */
    public GeneratedCertificate generate() {
      Instant now = Instant.now();
      Instant from = validFrom != null ? validFrom : now.minus(Duration.ofHours(1));
      Instant until = validUntil != null ? validUntil : now.plus(Duration.ofDays(1));
      if (!until.isAfter(from)) {
        throw new IllegalArgumentException(
            "validUntil " + until + " is not after validFrom " + from);
      }
      KeyPair keyPair = generateKeyPair(keyType);
      X500Name subject =
          new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
      BigInteger serial = new BigInteger(127, RANDOM).add(BigInteger.ONE);
      try {
        JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
        X509v3CertificateBuilder builder;
        PrivateKey signingKey;
        if (issuer == null) {
          builder =
              new JcaX509v3CertificateBuilder(
                  subject, serial, Date.from(from), Date.from(until), subject, keyPair.getPublic());
          builder.addExtension(
              Extension.authorityKeyIdentifier,
              false,
              extensions.createAuthorityKeyIdentifier(keyPair.getPublic()));
          signingKey = keyPair.getPrivate();
        } else {
          builder =
              new JcaX509v3CertificateBuilder(
                  issuer.certificate(),
                  serial,
                  Date.from(from),
                  Date.from(until),
                  subject,
                  keyPair.getPublic());
          builder.addExtension(
              Extension.authorityKeyIdentifier,
              false,
              extensions.createAuthorityKeyIdentifier(issuer.certificate()));
          signingKey = issuer.privateKey();
        }
        builder.addExtension(
            Extension.subjectKeyIdentifier,
            false,
            extensions.createSubjectKeyIdentifier(keyPair.getPublic()));
        addUsage(builder);
        X509Certificate certificate =
            new JcaX509CertificateConverter()
                .getCertificate(
                    builder.build(
                        new JcaContentSignerBuilder(signatureAlgorithm(signingKey))
                            .build(signingKey)));
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(certificate);
        if (issuer != null) {
          chain.addAll(issuer.keyMaterial().chain());
        }
        return new GeneratedCertificate(
            KeyMaterial.of(keyPair.getPrivate(), chain.toArray(new X509Certificate[0])));
      } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
        throw new IllegalStateException("cannot generate a certificate for " + commonName, e);
      }
    }

    private void addUsage(X509v3CertificateBuilder builder) throws CertIOException {
      if (ca) {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(
            Extension.keyUsage,
            true,
            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
      } else {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        int usage = KeyUsage.digitalSignature;
        if (keyType == KeyType.RSA_2048) {
          usage |= KeyUsage.keyEncipherment;
        }
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
        builder.addExtension(
            Extension.extendedKeyUsage,
            false,
            new ExtendedKeyUsage(
                new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      }
      List<String> names = subjectAltNames;
      if (names.isEmpty() && !ca && isHostOrIp(commonName)) {
        names = List.of(commonName);
      }
      if (!names.isEmpty()) {
        GeneralName[] general =
            names.stream().map(Builder::generalName).toArray(GeneralName[]::new);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(general));
      }
    }

    private static boolean isHostOrIp(String name) {
      return IPAddress.isValid(unbracket(name)) || DNS_NAME.matcher(name).matches();
    }

    private static GeneralName generalName(String name) {
      Objects.requireNonNull(name, "subject alternative name");
      String ip = unbracket(name);
      if (IPAddress.isValid(ip)) {
        return new GeneralName(GeneralName.iPAddress, ip);
      }
      if (DNS_NAME.matcher(name).matches()) {
        return new GeneralName(GeneralName.dNSName, name);
      }
      throw new IllegalArgumentException(
          "not a DNS name or an IP address: \""
              + name
              + "\"; a subject alternative name is one of"
              + " them, such as localhost, *.example.com, 127.0.0.1 or ::1");
    }

    private static String unbracket(String name) {
      return name.startsWith("[") && name.endsWith("]")
          ? name.substring(1, name.length() - 1)
          : name;
    }
  }

  private static KeyPair generateKeyPair(KeyType keyType) {
    try {
      if (keyType == KeyType.RSA_2048) {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048, RANDOM);
        return rsa.generateKeyPair();
      }
      KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
      ec.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return ec.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot generate " + keyType + " keys", e);
    }
  }

  private static String signatureAlgorithm(PrivateKey signingKey) {
    return signingKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
  }
}
