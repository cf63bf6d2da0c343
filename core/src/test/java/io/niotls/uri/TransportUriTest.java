package io.niotls.uri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TransportUriTest {

  @ParameterizedTest
  @CsvSource({
    "tcp://example.com:80,          TCP,     example.com,      80",
    "tls://example.com:443,         TLS,     example.com,      443",
    "ssl://mail.example.org:993,    SSL,     mail.example.org, 993",
    "tlsv1.2://10.0.0.1:8443,       TLSV1_2, 10.0.0.1,         8443",
    "tlsv1.3://localhost:65535,     TLSV1_3, localhost,        65535",
    "localhost:8080,                TCP,     localhost,        8080",
    "192.168.1.20:25,               TCP,     192.168.1.20,     25",
    "tcp://[fe80::1]:80,            TCP,     fe80::1,          80",
    "tls://[::1]:8443,              TLS,     ::1,              8443",
    "[2001:db8::7]:22,              TCP,     2001:db8::7,      22",
    "tls://[::ffff:192.0.2.1]:443,  TLS,     ::ffff:192.0.2.1, 443",
    "tcp://[1:2:3:4:5:6:7:8]:1,     TCP,     1:2:3:4:5:6:7:8,  1",
    "tcp://_srv.my-host.example.:7, TCP,     _srv.my-host.example., 7",
    "tcp://0.0.0.0:0,               TCP,     0.0.0.0,          0",
    "udp://127.0.0.1:5353,          UDP,     127.0.0.1,        5353",
    "dtls://example.com:4433,       DTLS,    example.com,      4433",
    "DTLSv1.2://[::1]:4433,         DTLSV1_2, ::1,             4433",
    "dtls://[fe80::1%25eth0]:0,     DTLS,    fe80::1%eth0,     0",
  })
  void everyValidFormParsesIntoSchemeHostAndPort(
      String input, Scheme scheme, String host, int port) {
    TransportUri uri = TransportUri.parse(input);

    assertThat(uri.scheme()).isEqualTo(scheme);
    assertThat(uri.host()).isEqualTo(host);
    assertThat(uri.port()).isEqualTo(port);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "tcp://example.com:80",
        "TLS://Example.COM:443",
        "ssl://10.1.2.3:993",
        "tlsv1.2://h:1",
        "TLSv1.3://h:2",
        "host:8080",
        "tcp://[FE80::1]:80",
        "[::1]:0",
        "  tls://padded:1  "
      })
  void parsingTheCanonicalFormGivesTheSameUri(String input) {
    TransportUri uri = TransportUri.parse(input);

    assertThat(TransportUri.parse(uri.toString())).isEqualTo(uri);
  }

  @ParameterizedTest
  @CsvSource({
    "host:8080,               tcp://host:8080",
    "TLS://Example.COM:443,   tls://example.com:443",
    "TLSv1.3://h:2,           tlsv1.3://h:2",
    "tcp://[FE80::A]:80,      tcp://[fe80::a]:80",
  })
  void toStringPrintsTheCanonicalForm(String input, String canonical) {
    assertThat(TransportUri.parse(input)).hasToString(canonical);
  }

  @Test
  void bareHostPortMeansTcp() {
    assertThat(TransportUri.parse("example.com:25"))
        .isEqualTo(TransportUri.parse("tcp://example.com:25"));
  }

  @Test
  void schemeIsCaseInsensitive() {
    assertThat(TransportUri.parse("TlS://h:1").scheme()).isEqualTo(Scheme.TLS);
  }

  @Test
  void bracketedIpv6KeepsItsPort() {
    TransportUri uri = TransportUri.parse("tcp://[fe80::1]:80");

    assertThat(uri.host()).isEqualTo("fe80::1");
    assertThat(uri.port()).isEqualTo(80);
  }

  @Test
  void portZeroIsAllowedForEphemeralServers() {
    assertThat(TransportUri.parse("tls://0.0.0.0:0").port()).isZero();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "TCP     | false | ''",
        "TLS     | true  | TLSv1.3,TLSv1.2",
        "SSL     | true  | TLSv1.3,TLSv1.2",
        "TLSV1_2 | true  | TLSv1.2",
        "TLSV1_3 | true  | TLSv1.3",
      })
  void eachSchemeAllowsItsProtocols(Scheme scheme, boolean tls, String protocols) {
    assertThat(scheme.isTls()).isEqualTo(tls);
    assertThat(String.join(",", scheme.protocols())).isEqualTo(protocols);
  }

  @Test
  void uriReportsTheProtocolsOfItsScheme() {
    TransportUri uri = TransportUri.parse("ssl://h:1");

    assertThat(uri.isTls()).isTrue();
    assertThat(uri.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
  }

  @ParameterizedTest
  @CsvSource({
    "tcp://example.com:1,   false, false",
    "tcp://localhost:1,     false, false",
    "tcp://1.2.3.example:1, false, false",
    "tcp://127.0.0.1:1,     true,  false",
    "tcp://[::1]:1,         true,  true",
    "tcp://[::ffff:1.2.3.4]:1, true, true",
  })
  void ipLiteralsAreToldFromNamesWithoutDns(String input, boolean literal, boolean ipv6) {
    TransportUri uri = TransportUri.parse(input);

    assertThat(uri.isIpLiteral()).isEqualTo(literal);
    assertThat(uri.isIpv6()).isEqualTo(ipv6);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "sslv2://h:443   | sslv2:// is refused: SSLv2 is insecure (DROWN)",
        "SSLv3://h:443   | sslv3:// is refused: SSLv3 is insecure (POODLE) and unsupported;"
            + " use tls:// (TLS 1.3/1.2)",
        "tlsv1://h:443   | tlsv1:// is refused: TLS 1.0 is insecure",
        "tlsv1.0://h:443 | tlsv1.0:// is refused: TLS 1.0 is insecure",
        "tlsv1.1://h:443 | tlsv1.1:// is refused: TLS 1.1 is insecure",
      })
  void obsoleteProtocolsAreRefusedWithTheReason(String input, String reason) {
    assertThatThrownBy(() -> TransportUri.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + input + "\"")
        .hasMessageContaining(reason)
        .hasMessageContaining("use tls://");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dtlsv1://h:4433", "DTLSv1.0://h:4433"})
  void dtlsOneZeroIsRefusedAsInsecureWithTheReasonAndTheWayOut(String input) {
    assertThatThrownBy(() -> TransportUri.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + input + "\"")
        .hasMessageContaining("is refused: DTLS 1.0 is insecure")
        .hasMessageContaining("RFC 8996")
        .hasMessageContaining("use dtls:// (DTLS 1.2)");
  }

  @Test
  void datagramSchemesSayWhatTheyCarryAndWhichProtocolTheySpeak() {
    TransportUri udp = TransportUri.parse("udp://h:53");
    TransportUri dtls = TransportUri.parse("dtls://h:4433");
    TransportUri pinned = TransportUri.parse("dtlsv1.2://h:4433");

    assertThat(udp.scheme().isDatagram()).isTrue();
    assertThat(udp.isTls()).isFalse();
    assertThat(udp.protocols()).isEmpty();
    assertThat(dtls.scheme().isDatagram()).isTrue();
    assertThat(dtls.isTls()).isTrue();
    assertThat(dtls.protocols()).containsExactly("DTLSv1.2");
    assertThat(pinned.protocols()).containsExactly("DTLSv1.2");
    assertThat(TransportUri.parse("tls://h:443").scheme().isDatagram()).isFalse();
    assertThat(TransportUri.parse("dtls://[::1]:4433")).hasToString("dtls://[::1]:4433");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "tls://example.com        | port is missing",
        "tls://example.com:       | port is missing",
        "tcp://[::1]              | port is missing",
        "tcp://h:http             | port \"http\" is not a number",
        "tcp://h:+80              | port \"+80\" is not a number",
        "tcp://h:65536            | port 65536 is out of range 0-65535",
        "tcp://h:99999999999999999999 | out of range 0-65535",
        "tcp://h:-1               | port -1 is out of range 0-65535",
        "tcp://:80                | host is empty",
        "tcp://[]:80              | host is empty",
        "tcp://::1:80             | must be in brackets; write tcp://[::1]:80",
        "tls://fe80::1            | must be in brackets; write tls://[fe80::1]:<port>",
        "a:b:c                    | must be in brackets",
        "http://h:80              | unknown scheme \"http\"; known schemes are tcp://, tls://,"
            + " ssl://, tlsv1.2://, tlsv1.3://, udp://, dtls://, dtlsv1.2://",
        "://h:80                  | unknown scheme \"\"",
        "tcp://h:80/index.html    | path, query or fragment \"/index.html\" is not allowed",
        "tcp://h:80?x=1           | path, query or fragment \"?x=1\" is not allowed",
        "tcp://h:80#top           | path, query or fragment \"#top\" is not allowed",
        "tcp://user@h:80          | \"user@h\" is not a valid host name",
        "tcp://bad host:80        | \"bad host\" is not a valid host name",
        "tcp://-h:80              | \"-h\" is not a valid host name",
        "tcp://a..b:80            | \"a..b\" is not a valid host name",
        "tcp://999.1.1.1:80       | \"999.1.1.1\" is not a valid host name, IPv4 or IPv6",
        "tcp://1.2.3:80           | \"1.2.3\" is not a valid host name",
        "tcp://[1.2.3.4]:80       | \"[1.2.3.4]\" is not an IPv6 address",
        "tcp://[1::2::3]:80       | \"[1::2::3]\" is not an IPv6 address",
        "tcp://[12345::1]:80      | \"[12345::1]\" is not an IPv6 address",
        "tcp://[fe80::1%]:80      | the zone id after '%' is empty",
        "tcp://[%eth0]:80         | \"[%eth0]\" is not an IPv6 address",
        "tcp://[1.2.3.4%eth0]:80  | \"[1.2.3.4%eth0]\" is not an IPv6 address",
        "tcp://[fe80::1%eth/0]:80 | path, query or fragment \"/0]:80\" is not allowed",
        "tcp://[fe80::1%e$0]:80   | zone id \"e$0\" may hold only letters, digits",
        "tcp://[fe80::1%25%25]:80 | zone id \"%25\" may hold only letters, digits",
        "tcp://fe80::1%eth0:80    | must be in brackets",
        "tcp://[::1:80            | '[' is never closed",
        "tcp://[::1]80            | unexpected \"80\" after ']'",
      })
  void malformedInputIsRefusedWithItsReason(String input, String reason) {
    assertThatThrownBy(() -> TransportUri.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + input + "\"")
        .hasMessageContaining(reason);
  }

  @ParameterizedTest
  @CsvSource({
    "tcp://[fe80::1%25eth0]:80,    fe80::1%eth0,    tcp://[fe80::1%25eth0]:80",
    "tcp://[fe80::1%eth0]:80,      fe80::1%eth0,    tcp://[fe80::1%25eth0]:80",
    "TLS://[FE80::A%25Wi-Fi.2]:1,  fe80::a%Wi-Fi.2, tls://[fe80::a%25Wi-Fi.2]:1",
    "[fe80::1%3]:22,               fe80::1%3,       tcp://[fe80::1%253]:22",
    "[fe80::1%253]:22,             fe80::1%3,       tcp://[fe80::1%253]:22",
    "[fe80::1%25]:22,              fe80::1%25,      tcp://[fe80::1%2525]:22",
    "[::1%lo]:0,                   ::1%lo,          tcp://[::1%25lo]:0",
  })
  void anIpv6ZoneIdIsKeptInTheHostAndWrittenTheRfc6874Way(
      String input, String host, String canonical) {
    TransportUri uri = TransportUri.parse(input);

    assertThat(uri.host()).isEqualTo(host);
    assertThat(uri.isIpv6()).isTrue();
    assertThat(uri.isIpLiteral()).isTrue();
    assertThat(uri).hasToString(canonical);
    assertThat(TransportUri.parse(uri.toString())).isEqualTo(uri);
    assertThat(uri.withPort(9)).hasToString(canonical.replaceAll(":[0-9]+$", ":9"));
  }

  @Test
  void ofTakesAZoneIdAsInetAddressWritesIt() {
    assertThat(TransportUri.of(Scheme.TCP, "fe80::1%eth0", 80))
        .isEqualTo(TransportUri.parse("tcp://[fe80::1%25eth0]:80"));
    assertThatThrownBy(() -> TransportUri.of(Scheme.TCP, "10.0.0.1%eth0", 80))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only IPv6 addresses have a zone id");
  }

  @Test
  void resolvingAZoneIdKeepsItInTheAddressScope() throws Exception {
    String loopback =
        java.net.NetworkInterface.getByInetAddress(java.net.InetAddress.getByName("::1")).getName();

    InetSocketAddress address = TransportUri.parse("tcp://[::1%25" + loopback + "]:80").resolve();

    java.net.Inet6Address v6 = (java.net.Inet6Address) address.getAddress();
    assertThat(v6.isLoopbackAddress()).isTrue();
    assertThat(v6.getScopedInterface().getName()).isEqualTo(loopback);
  }

  @Test
  void aZoneIdNamingNoInterfaceIsSaidWhenResolving() {
    assertThatThrownBy(() -> TransportUri.parse("tcp://[fe80::1%25nosuchif9]:80").resolveAll())
        .isInstanceOf(java.net.UnknownHostException.class)
        .hasMessageStartingWith(
            "fe80::1%nosuchif9 (from tcp://[fe80::1%25nosuchif9]:80) has zone id \"nosuchif9\","
                + " which names no network interface here");
  }

  @Test
  void hostNameLabelsLongerThan63CharactersAreRefused() {
    String label = "a".repeat(64);

    assertThat(TransportUri.parse("tcp://" + label.substring(1) + ".example:1").host())
        .startsWith("aaa");
    assertThatThrownBy(() -> TransportUri.parse("tcp://" + label + ".example:1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a valid host name");
  }

  @Test
  void nullIsRefused() {
    assertThatThrownBy(() -> TransportUri.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("transport URI is null");
  }

  @Test
  void blankInputIsRefused() {
    assertThatThrownBy(() -> TransportUri.parse("  "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"  \": it is blank");
  }

  @Test
  void ofBuildsTheSameUriAsParse() {
    assertThat(TransportUri.of(Scheme.TLS, "::1", 8443))
        .isEqualTo(TransportUri.parse("tls://[::1]:8443"))
        .hasToString("tls://[::1]:8443");
  }

  @Test
  void ofValidatesTheHost() {
    assertThatThrownBy(() -> TransportUri.of(Scheme.TLS, "", 443))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"tls://:443\": host is empty");
  }

  @Test
  void ofValidatesThePort() {
    assertThatThrownBy(() -> TransportUri.of(Scheme.TCP, "h", 70000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port 70000 is out of range 0-65535");
  }

  @Test
  void withPortReturnsANewUriAndLeavesTheOriginal() {
    TransportUri original = TransportUri.parse("tls://[::1]:0");

    assertThat(original.withPort(8443)).hasToString("tls://[::1]:8443");
    assertThat(original.port()).isZero();
  }

  @Test
  void withPortValidatesThePort() {
    assertThatThrownBy(() -> TransportUri.parse("tcp://h:1").withPort(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port -5 is out of range");
  }

  @Test
  void unresolvedAddressCarriesHostAndPortWithoutLookup() {
    InetSocketAddress address =
        TransportUri.parse("tls://example.invalid:443").toUnresolvedAddress();

    assertThat(address.isUnresolved()).isTrue();
    assertThat(address.getHostString()).isEqualTo("example.invalid");
    assertThat(address.getPort()).isEqualTo(443);
  }

  @Test
  void resolvingAnIpLiteralGivesItsAddress() throws Exception {
    InetSocketAddress address = TransportUri.parse("tcp://[::1]:80").resolve();

    assertThat(address.isUnresolved()).isFalse();
    assertThat(address.getAddress().isLoopbackAddress()).isTrue();
    assertThat(address.getPort()).isEqualTo(80);
  }

  @Test
  void urisWithTheSameSchemeHostAndPortAreEqual() {
    assertThat(TransportUri.parse("TLS://H:1"))
        .isEqualTo(TransportUri.parse("tls://h:1"))
        .hasSameHashCodeAs(TransportUri.parse("tls://h:1"));
  }

  @Test
  void tlsAndSslAreDifferentUrisWithTheSameProtocols() {
    TransportUri tls = TransportUri.parse("tls://h:1");
    TransportUri ssl = TransportUri.parse("ssl://h:1");

    assertThat(tls).isNotEqualTo(ssl);
    assertThat(tls.protocols()).isEqualTo(ssl.protocols());
  }
}
