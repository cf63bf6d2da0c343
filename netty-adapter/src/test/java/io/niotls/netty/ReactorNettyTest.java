package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.ApplicationProtocolNames;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/**
 * Reactor Netty server and client over {@link NiotlsSslContext}, through {@code secure(spec ->
 * spec.sslContext(ctx))} and nothing else: HTTP/1.1 and h2, {@code sendFile} of 1 MiB, and the
 * request's scheme.
 */
class ReactorNettyTest {
  private static final Duration T = Duration.ofSeconds(30);

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void sendFileOfOneMebibyteArrivesByteIdenticalOverHttp11AndH2WithSchemeHttps(Provider provider)
      throws Exception {
    byte[] file = TlsHandlerRecordSplitTest.random(1 << 20, 7);
    Path path = Files.write(dir.resolve("one-mebibyte.bin"), file);
    AtomicReference<String> scheme = new AtomicReference<>();
    DisposableServer server =
        HttpServer.create()
            .host("127.0.0.1")
            .port(0)
            .protocol(HttpProtocol.H2, HttpProtocol.HTTP11)
            .secure(spec -> spec.sslContext(NiotlsSslContext.of(serverContext(provider))))
            .route(
                routes ->
                    routes
                        .get(
                            "/file",
                            (req, res) -> {
                              scheme.set(req.scheme());
                              return res.sendFile(path);
                            })
                        .get(
                            "/hello",
                            (req, res) ->
                                res.sendString(
                                    Mono.just(req.scheme() + " " + req.version().text()))))
            .bindNow(T);
    try {
      for (HttpProtocol protocol : new HttpProtocol[] {HttpProtocol.HTTP11, HttpProtocol.H2}) {
        HttpClient client =
            HttpClient.create()
                .protocol(protocol)
                .secure(
                    spec ->
                        spec.sslContext(NiotlsSslContext.of(clientContext(provider, protocol))));
        String hello =
            client
                .get()
                .uri("https://localhost:" + server.port() + "/hello")
                .responseContent()
                .aggregate()
                .asString()
                .block(T);
        assertThat(hello)
            .isEqualTo(protocol == HttpProtocol.H2 ? "https HTTP/2.0" : "https HTTP/1.1");
        byte[] got =
            client
                .get()
                .uri("https://localhost:" + server.port() + "/file")
                .responseContent()
                .aggregate()
                .asByteArray()
                .block(T);
        assertThat(sha256(got)).as(protocol.toString()).isEqualTo(sha256(file));
        assertThat(scheme.get()).isEqualTo("https");
      }
    } finally {
      server.disposeNow(T);
    }
  }

  static TlsContext serverContext(Provider provider) {
    return Contexts.server(provider, KeyType.EC_P256)
        .alpn(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
        .sessionResumption(false)
        .build();
  }

  /** The client offers only the protocol its pipeline speaks, as Reactor's own contexts do. */
  static TlsContext clientContext(Provider provider, HttpProtocol protocol) {
    return Contexts.client(provider, KeyType.EC_P256)
        .alpn(
            protocol == HttpProtocol.H2
                ? ApplicationProtocolNames.HTTP_2
                : ApplicationProtocolNames.HTTP_1_1)
        .sessionResumption(false)
        .build();
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
