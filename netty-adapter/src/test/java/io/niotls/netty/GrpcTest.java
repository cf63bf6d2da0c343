package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.ClientAuth;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.testing.TestPki;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * gRPC-java server and client over {@link NiotlsSslContext} with mutual TLS: a unary call, a
 * bidirectional stream, and a server interceptor that reads the client's certificate from the
 * transport's {@code SSLSession} attribute. gRPC builds its own {@code SslHandler} from {@code
 * newEngine(...)}, so this runs the context's engines under Netty's handler: for BORINGSSL, which
 * has no SSLEngine of its own, Netty's BoringSSL engines made with the context's settings.
 */
class GrpcTest {
  private static final MethodDescriptor.Marshaller<String> TEXT =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
  private static final MethodDescriptor<String, String> UNARY =
      method("Unary", MethodDescriptor.MethodType.UNARY);
  private static final MethodDescriptor<String, String> BIDI =
      method("Chat", MethodDescriptor.MethodType.BIDI_STREAMING);

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.niotls.netty.Fixtures#providers")
  void unaryAndBidiCallsRunOverMutualTlsAndTheServerSeesTheClientCertificate(Provider provider)
      throws Exception {
    List<String> peers = new CopyOnWriteArrayList<>();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .sslContext(NiotlsSslContext.of(serverContext(provider)))
            .addService(ServerInterceptors.intercept(service(), new PeerRecorder(peers)))
            .build()
            .start();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("localhost", server.getPort())
            .sslContext(NiotlsSslContext.of(clientContext(provider)))
            .build();
    try {
      String unary =
          ClientCalls.blockingUnaryCall(
              channel, UNARY, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), "hi");
      assertThat(unary).isEqualTo("unary: hi");

      List<String> replies = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> done = new CompletableFuture<>();
      StreamObserver<String> requests =
          ClientCalls.asyncBidiStreamingCall(
              channel.newCall(BIDI, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS)),
              new StreamObserver<>() {
                @Override
                public void onNext(String value) {
                  replies.add(value);
                }

                @Override
                public void onError(Throwable t) {
                  done.completeExceptionally(t);
                }

                @Override
                public void onCompleted() {
                  done.complete(null);
                }
              });
      for (int i = 0; i < 3; i++) {
        requests.onNext("m" + i);
      }
      requests.onCompleted();
      done.get(30, TimeUnit.SECONDS);
      assertThat(replies).containsExactly("chat: m0", "chat: m1", "chat: m2", "chat: end");

      String client =
          TestPki.of(KeyType.EC_P256).client().certificate().getSubjectX500Principal().getName();
      assertThat(peers).hasSize(2).allSatisfy(p -> assertThat(p).isEqualTo(client));
    } finally {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static TlsContext serverContext(Provider provider) {
    return Contexts.server(provider, KeyType.EC_P256)
        .alpn(ApplicationProtocolNames.HTTP_2)
        .clientAuth(ClientAuth.REQUIRE)
        .trustCertificates(List.of(TestPki.of(KeyType.EC_P256).ca().certificate()))
        .sessionResumption(false)
        .build();
  }

  private static TlsContext clientContext(Provider provider) {
    return Contexts.client(provider, KeyType.EC_P256)
        .keyMaterial(TestPki.of(KeyType.EC_P256).client().keyMaterial())
        .alpn(ApplicationProtocolNames.HTTP_2)
        .sessionResumption(false)
        .build();
  }

  private static MethodDescriptor<String, String> method(
      String name, MethodDescriptor.MethodType type) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName("niotls.Echo", name))
        .setRequestMarshaller(TEXT)
        .setResponseMarshaller(TEXT)
        .build();
  }

  private static ServerServiceDefinition service() {
    return ServerServiceDefinition.builder("niotls.Echo")
        .addMethod(
            UNARY,
            ServerCalls.asyncUnaryCall(
                (request, reply) -> {
                  reply.onNext("unary: " + request);
                  reply.onCompleted();
                }))
        .addMethod(
            BIDI,
            ServerCalls.asyncBidiStreamingCall(
                reply ->
                    new StreamObserver<String>() {
                      @Override
                      public void onNext(String value) {
                        reply.onNext("chat: " + value);
                      }

                      @Override
                      public void onError(Throwable t) {}

                      @Override
                      public void onCompleted() {
                        reply.onNext("chat: end");
                        reply.onCompleted();
                      }
                    }))
        .build();
  }

  /** Records the subject of the client certificate each call's transport session holds. */
  private record PeerRecorder(List<String> peers) implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
      try {
        peers.add(
            ((X509Certificate) session.getPeerCertificates()[0])
                .getSubjectX500Principal()
                .getName());
      } catch (Exception e) {
        peers.add("no client certificate: " + e);
      }
      return next.startCall(call, headers);
    }
  }
}
