package io.niotls.context;

import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/** The trust anchors of a trust manager, by subject: which certificate ends a path. */
final class Anchors {
  private final Set<X509Certificate> certificates;
  private final Map<X500Principal, X509Certificate> bySubject = new HashMap<>();

  Anchors(List<X509Certificate> anchors) {
    this.certificates = Set.copyOf(anchors);
    for (X509Certificate anchor : anchors) {
      bySubject.putIfAbsent(anchor.getSubjectX500Principal(), anchor);
    }
  }

  boolean contains(X509Certificate certificate) {
    return certificates.contains(certificate);
  }

  boolean hasSubject(X500Principal subject) {
    return bySubject.containsKey(subject);
  }

  /** The anchor that issued {@code certificate} (its key verifies the signature), or null. */
  X509Certificate issuerOf(X509Certificate certificate) {
    X509Certificate anchor = bySubject.get(certificate.getIssuerX500Principal());
    if (anchor == null) {
      return null;
    }
    try {
      certificate.verify(anchor.getPublicKey());
      return anchor;
    } catch (Exception e) {
      return null;
    }
  }
}
