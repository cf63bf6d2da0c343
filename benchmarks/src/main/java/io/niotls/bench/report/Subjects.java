package io.niotls.bench.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is compared with whom. Benchmark classes are named {@code <Subject><Aspect>Benchmark}; a
 * niotls subject is set beside each of its peers when aspect, method and every other parameter are
 * equal. Interleaved benchmarks ({@code Paired<Aspect>Benchmark}) report every subject's counters
 * in one result, named {@code <subject>WallNs} and so on, with the subject in lower camel case.
 */
final class Subjects {
  /** The name of interleaved benchmarks, in the place of a subject. */
  static final String PAIRED = "Paired";

  /** Every subject with its display name, in table order. */
  static final Map<String, String> NAMES = new LinkedHashMap<>();

  /** The peers each niotls subject is compared with, in table order. */
  static final Map<String, List<String>> PEERS = new LinkedHashMap<>();

  static {
    NAMES.put("TlsEngine", "TlsEngine");
    NAMES.put("RawSslEngine", "raw SSLEngine");
    NAMES.put("TlsHandler", "TlsHandler");
    NAMES.put("SslHandler", "Netty SslHandler");
    NAMES.put("TlsServer", "TlsServer");
    NAMES.put("NettyServer", "Netty server");
    NAMES.put("OpensslServer", "openssl s_server");
    PEERS.put("TlsEngine", List.of("RawSslEngine", "SslHandler"));
    PEERS.put("TlsHandler", List.of("SslHandler"));
    PEERS.put("TlsServer", List.of("NettyServer", "OpensslServer"));
  }

  private Subjects() {}

  static boolean isNiotls(String subject) {
    return PEERS.containsKey(subject);
  }

  static String name(String subject) {
    return NAMES.getOrDefault(subject, subject);
  }

  /** Every known subject and {@link #PAIRED}, the prefixes a class name may start with. */
  static List<String> prefixes() {
    List<String> all = new java.util.ArrayList<>(NAMES.keySet());
    all.add(PAIRED);
    return all;
  }

  /** {@code TlsEngine} → {@code tlsEngine}: the prefix of a subject's interleaved counters. */
  static String counterPrefix(String subject) {
    return Character.toLowerCase(subject.charAt(0)) + subject.substring(1);
  }
}
