package io.niotls.testing;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.context.TlsContextBuilder;
import java.util.List;

/** Context builders for tests: servers present the test PKI, clients trust its CA. */
public final class Contexts {
  private Contexts() {}

  public static TlsContextBuilder server(Provider provider, KeyType keyType) {
    return TlsContext.forServer(TestPki.of(keyType).server().keyMaterial()).provider(provider);
  }

  public static TlsContextBuilder client(Provider provider, KeyType keyType) {
    return TlsContext.forClient()
        .provider(provider)
        .trustCertificates(List.of(TestPki.of(keyType).ca().certificate()));
  }
}
