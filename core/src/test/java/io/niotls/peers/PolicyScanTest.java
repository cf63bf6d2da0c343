package io.niotls.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.ChildProcess;
import io.niotls.testing.Contexts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What an outside scanner sees of a niotls server with its default settings: {@code sslscan}
 * (Debian package sslscan) probes every protocol version and cipher suite it knows against a niotls
 * server on 127.0.0.1 with an RSA key (so static-RSA and CBC suites could be chosen if they were
 * enabled), and its XML report is checked finding by finding.
 */
class PolicyScanTest {
  private static final Duration LIMIT = Duration.ofSeconds(90);

  /** Forward-secret AEAD suites only, in OpenSSL's names as sslscan prints them. */
  private static final Pattern ALLOWED =
      Pattern.compile(
          "TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)"
              + "|ECDHE-(RSA|ECDSA)-(AES128-GCM-SHA256|AES256-GCM-SHA384|CHACHA20-POLY1305)");

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(
      value = Provider.class,
      names = {"JDK", "OPENSSL"})
  void aScanFindsOnlyTls12And13WithForwardSecretAeadSuites(Provider provider) throws Exception {
    TlsContext context = Contexts.server(provider, KeyType.RSA_2048).build();
    Scan scan = scan(context);

    assertThat(scan.protocols)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "ssl 2", false, "ssl 3", false, "tls 1.0", false, "tls 1.1", false, "tls 1.2", true,
                "tls 1.3", true));
    assertThat(scan.accepted).as("accepted suites").isNotEmpty();
    assertThat(scan.accepted)
        .as("no CBC, static RSA, DHE, NULL, EXPORT, RC4 or 3DES suite")
        .allSatisfy(suite -> assertThat(suite).matches(ALLOWED));
    assertThat(scan.accepted).contains("TLS_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256");
    assertThat(scan.renegotiation)
        .as("renegotiation: supported must be 0, or secure 1")
        .isIn("supported=0", "supported=1 secure=1");
    assertThat(scan.heartbleedChecks).as("heartbleed probes run").isPositive();
    assertThat(scan.heartbleedVulnerable).isFalse();
    assertThat(scan.compression).isNotEqualTo("1");
  }

  /** The scan and its reading can fail: a CBC suite, enabled on purpose, is found. */
  @Test
  void aScanFindsACbcSuiteWhenOneIsEnabledOnPurpose() throws Exception {
    TlsContext context =
        Contexts.server(Provider.JDK, KeyType.RSA_2048)
            .protocols("TLSv1.2")
            .cipherSuites("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")
            .build();
    Scan scan = scan(context);

    assertThat(scan.accepted).containsExactly("ECDHE-RSA-AES128-SHA256");
    assertThat(scan.protocols).containsEntry("tls 1.3", false).containsEntry("tls 1.2", true);
  }

  private record Scan(
      Map<String, Boolean> protocols,
      List<String> accepted,
      String renegotiation,
      int heartbleedChecks,
      boolean heartbleedVulnerable,
      String compression) {}

  private Scan scan(TlsContext context) throws Exception {
    Path report = dir.resolve("scan.xml");
    try (EchoServer server = EchoServer.start(context);
        ChildProcess sslscan =
            ChildProcess.inDirectory(
                dir,
                "sslscan",
                "--xml=" + report,
                "--no-colour",
                // group enumeration is not a finding here, and against the JDK it costs 25 s:
                // sslscan waits 3 s for its own timeout on each HelloRetryRequest
                "--no-groups",
                "--sni-name=localhost",
                "127.0.0.1:" + server.port())) {
      assertThat(sslscan.waitFor(LIMIT)).as(sslscan.out()).isZero();
      assertThat(server.errors()).as("exceptions in the server loop").isEmpty();
      assertThat(server.ended()).as("connections the scan made").isNotEmpty();
    }
    assertThat(context.bufferPool().outstanding()).as("buffers after the scan").isZero();
    return read(report);
  }

  private static Scan read(Path report) throws Exception {
    Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
    Map<String, Boolean> protocols = new TreeMap<>();
    for (Element e : elements(xml, "protocol")) {
      protocols.put(
          e.getAttribute("type") + " " + e.getAttribute("version"),
          "1".equals(e.getAttribute("enabled")));
    }
    List<String> accepted = new ArrayList<>();
    for (Element e : elements(xml, "cipher")) {
      accepted.add(e.getAttribute("cipher"));
    }
    List<Element> renegotiation = elements(xml, "renegotiation");
    assertThat(renegotiation).as("the report has a renegotiation finding").hasSize(1);
    String supported = renegotiation.get(0).getAttribute("supported");
    String reneg =
        "0".equals(supported)
            ? "supported=0"
            : "supported=" + supported + " secure=" + renegotiation.get(0).getAttribute("secure");
    List<Element> heartbleed = elements(xml, "heartbleed");
    List<Element> compression = elements(xml, "compression");
    return new Scan(
        protocols,
        accepted,
        reneg,
        heartbleed.size(),
        heartbleed.stream().anyMatch(e -> "1".equals(e.getAttribute("vulnerable"))),
        compression.isEmpty() ? "absent" : compression.get(0).getAttribute("supported"));
  }

  private static List<Element> elements(Document xml, String name) {
    NodeList nodes = xml.getElementsByTagName(name);
    List<Element> list = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      list.add((Element) nodes.item(i));
    }
    return list;
  }
}
