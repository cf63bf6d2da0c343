package io.niotls.bench.support;

/** Refuses to benchmark something other than what the benchmark claims to measure. */
public final class Checks {
  private Checks() {}

  /**
   * One handshake of {@code subject}, checked: the protocol and cipher that {@code spec} asks for,
   * and a resumption exactly when it asks for one. With resumption on, the first handshake of a
   * fixture is a full one that primes the cache, so call {@link #prime} first.
   *
   * @return what it negotiated
   */
  public static Duplex.Facts handshake(Fixture fixture, Subject subject) {
    Spec spec = fixture.spec();
    try (Duplex pair = fixture.open(subject)) {
      fixture.connect(pair);
      Duplex.Facts facts = pair.facts();
      if (!spec.protocol().equals(facts.protocol())) {
        throw new IllegalStateException(
            subject.label() + " negotiated " + facts.protocol() + ", not " + spec.protocol());
      }
      if (!spec.cipher().matches(facts.cipherSuite())) {
        throw new IllegalStateException(
            subject.label()
                + " negotiated "
                + facts.cipherSuite()
                + ", not "
                + spec.cipher()
                + (spec.provider().name().equals("OPENSSL") && spec.protocol().equals("TLSv1.3")
                    ? " (BoringSSL does not let TLS 1.3 suites be chosen)"
                    : ""));
      }
      resumed(subject, facts.resumed(), spec.resumption());
      return facts;
    }
  }

  /** A first handshake of each subject, so that later ones can resume. */
  public static void prime(Fixture fixture, Subject... subjects) {
    for (Subject subject : subjects) {
      try (Duplex pair = fixture.open(subject)) {
        fixture.connect(pair);
      }
    }
  }

  /**
   * Primes, then checks two handshakes of every subject, and that all negotiated the same suite.
   */
  public static void handshakes(Fixture fixture, Subject... subjects) {
    prime(fixture, subjects);
    String suite = null;
    for (Subject subject : subjects) {
      for (int i = 0; i < 2; i++) {
        String negotiated = handshake(fixture, subject).cipherSuite();
        if (suite != null && !suite.equals(negotiated)) {
          throw new IllegalStateException(
              subject.label() + " negotiated " + negotiated + ", another subject " + suite);
        }
        suite = negotiated;
      }
    }
  }

  /** Fails unless the handshake resumed exactly when {@code expected}. */
  public static void resumed(Subject subject, boolean resumed, boolean expected) {
    if (resumed != expected) {
      throw new IllegalStateException(
          subject.label()
              + (resumed ? " resumed a session" : " did a full handshake")
              + " where "
              + (expected ? "resumption" : "a full handshake")
              + " was to be measured");
    }
  }

  /** Fails unless {@code received} is {@code sent}. */
  public static void sameSize(int received, int sent) {
    if (received != sent) {
      throw new IllegalStateException("sent " + sent + " bytes, received " + received);
    }
  }
}
