package io.niotls.context;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;

/** The server names of strict SNI ({@link TlsContextBuilder#sniStrict}): checked, and matched. */
final class ServerNames {
  private static final int DNS_NAME = 2; // GeneralName tag, RFC 5280 section 4.2.1.6

  private ServerNames() {}

  /** Host names and {@code *.domain} wildcards, lower case; refuses anything else. */
  static List<String> check(String... names) {
    List<String> checked = new ArrayList<>();
    for (String name : names) {
      String n = name.trim().toLowerCase(Locale.ROOT);
      boolean wildcard = n.startsWith("*.");
      if (n.isEmpty() || n.indexOf('*', wildcard ? 1 : 0) >= 0 || n.endsWith(".")) {
        throw new TlsConfigException(
            "sniStrict: '" + name + "' is not a host name or a *.domain wildcard");
      }
      checked.add(n);
    }
    return List.copyOf(checked);
  }

  /** The DNS names among {@code certificate}'s subject alternative names. */
  static List<String> of(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(DNS_NAME).equals(san.get(0))) {
            names.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new TlsConfigException("cannot read the certificate's names: " + e.getMessage(), e);
    }
    if (names.isEmpty()) {
      throw new TlsConfigException(
          "sniStrict(): the certificate "
              + KeyMaterial.subject(certificate)
              + " names no DNS host: give the names it serves");
    }
    return check(names.toArray(new String[0]));
  }

  /**
   * Matches a client's SNI host name against {@code names}, case-insensitively, a wildcard standing
   * for one label. SunJSSE and Netty's BoringSSL engine both consult it and answer a name it does
   * not match with a fatal {@code unrecognized_name} alert.
   */
  static SNIMatcher matcher(List<String> names) {
    List<String> alternatives = new ArrayList<>();
    for (String name : names) {
      alternatives.add(
          name.startsWith("*.") ? "[^.]+" + Pattern.quote(name.substring(1)) : Pattern.quote(name));
    }
    return SNIHostName.createSNIMatcher(String.join("|", alternatives));
  }
}
