package io.niotls.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.certs.CertificateGenerator.KeyType;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.testing.Contexts;
import io.niotls.uri.TransportUri;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The loops themselves: tasks from other threads, sessions spread over loops, failures. */
class EventLoopTest {
  private static final TlsContext SERVER = Contexts.server(Provider.JDK, KeyType.EC_P256).build();
  private static final TlsContext CLIENT = Contexts.client(Provider.JDK, KeyType.EC_P256).build();

  @Test
  void tasksFromManyThreadsRunOnTheLoopThreadInEachSubmittersOrder() throws Exception {
    int threads = 4;
    int perThread = 10_000;
    try (TlsEventLoopGroup group = TlsEventLoopGroup.create(1)) {
      TlsEventLoop loop = group.next();
      List<List<Integer>> seen = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        seen.add(new ArrayList<>());
      }
      AtomicBoolean offLoop = new AtomicBoolean();
      CountDownLatch done = new CountDownLatch(threads * perThread);
      List<Thread> submitters = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        List<Integer> mine = seen.get(t);
        Thread submitter =
            new Thread(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    int n = i;
                    loop.execute(
                        () -> {
                          offLoop.compareAndSet(false, !loop.inEventLoop());
                          mine.add(n); // only the loop thread touches the lists
                          done.countDown();
                        });
                  }
                });
        submitters.add(submitter);
        submitter.start();
      }
      assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
      for (Thread s : submitters) {
        s.join();
      }
      assertThat(offLoop).isFalse();
      assertThat(loop.inEventLoop()).isFalse();
      for (List<Integer> mine : seen) {
        assertThat(mine).hasSize(perThread).isSorted();
      }
    }
  }

  @Test
  void acceptedSessionsAreSpreadOverTheGroupsLoops() throws Exception {
    Handlers<Recorder> handlers = new Handlers<>(Recorder::new);
    try (TlsServer server =
            TlsServer.bind(
                TransportUri.parse("tls://127.0.0.1:0"),
                SERVER,
                handlers,
                ServerOptions.builder().loopCount(2).build());
        TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      for (int i = 0; i < 4; i++) {
        client.connect(server.uri(), CLIENT, new Recorder()).get(20, TimeUnit.SECONDS);
      }
      Set<TlsEventLoop> loops = new HashSet<>();
      for (Recorder r : handlers.made) {
        loops.add(r.opened.get(20, TimeUnit.SECONDS).eventLoop());
      }
      assertThat(loops).hasSize(2);
    }
  }

  /** A handler that throws on its first data. */
  static final class Throwing extends Recorder {
    @Override
    public void onData(TlsSession session, ByteBuffer data) {
      throw new IllegalStateException("handler bug");
    }
  }

  @Test
  void aHandlerThatThrowsClosesOnlyItsOwnSessionAndTheLoopGoesOn() throws Exception {
    Handlers<Recorder> handlers =
        new Handlers<>(() -> new Throwing()); // every server session's handler throws on data
    try (TlsServer server =
            TlsServer.bind(
                TransportUri.parse("tls://127.0.0.1:0"),
                SERVER,
                handlers,
                ServerOptions.builder().loopCount(1).build());
        TlsClient client = TlsClient.create(ClientOptions.builder().loopCount(1).build())) {
      TlsSession bystander =
          client.connect(server.uri(), CLIENT, new Recorder()).get(20, TimeUnit.SECONDS);
      TlsSession victim =
          client.connect(server.uri(), CLIENT, new Recorder()).get(20, TimeUnit.SECONDS);
      victim.write(ByteBuffer.wrap(new byte[] {1}));

      Recorder first = handlers.made.poll(20, TimeUnit.SECONDS);
      Recorder second = handlers.made.poll(20, TimeUnit.SECONDS);
      Recorder.Closed closed = second.closed.get(20, TimeUnit.SECONDS);
      assertThat(closed.reason()).isEqualTo(CloseReason.ERROR);
      assertThat(closed.cause()).hasMessage("handler bug");
      assertThat(first.closed).isNotDone();
      assertThat(bystander.isOpen()).isTrue();

      Exchange later = new Exchange(new byte[] {7}); // the loop still serves new sessions
      TlsServer echo =
          TlsServer.bind(
              TransportUri.parse("tls://127.0.0.1:0"),
              SERVER,
              EchoHandler::new,
              ServerOptions.builder().loops(server.loops()).build());
      try {
        client.connect(echo.uri(), CLIENT, later);
        later.result.get(20, TimeUnit.SECONDS);
      } finally {
        echo.close();
      }
    }
  }
}
