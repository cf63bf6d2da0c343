package io.niotls.bench.loop;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.niotls.context.Provider;
import io.niotls.context.TlsContext;
import io.niotls.netty.HelloHttp2;
import io.niotls.netty.NiotlsSslContext;
import io.niotls.testing.ChildProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 14's HTTP/2 comparison: Netty's documented HTTP/2 server ({@link HelloHttp2}) behind
 * niotls's handler ({@link NiotlsSslContext} over a {@code BORINGSSL} context) and behind Netty's
 * own {@code SslHandler} (its OpenSSL provider, the same BoringSSL), judged by nghttp2's {@code
 * h2load}. Each server runs in a JVM of its own ({@link #serve}) for the whole run, on a {@code
 * --loops}-thread event-loop group; same key type (EC P-256), protocol, ALPN list and suites. Each
 * round runs h2load once against each server, in an order that alternates, so a round's ratio
 * compares runs seconds apart. Reported per server: requests/s as h2load counts them, and the
 * server's CPU (its event-loop threads, {@link ThreadCpu}) per request. Every h2load run must end
 * with all requests answered 2xx, or the bench fails.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.niotls.bench.loop.H2loadBench \
 *     [--rounds 5] [--requests 100000] [--clients 20] [--streams 10] [--loops 1] \
 *     [--warmup 500000] [--probe false] [--out benchmarks/results/H2LOAD.md]
 * </pre>
 *
 * <p>The warm-up runs h2load on both servers in turns of {@code --requests}, at least {@code
 * --warmup} requests each and then on until neither server's CPU per request is still falling (at
 * most three times {@code --warmup}): the JIT of both JVMs settles before a round counts. With
 * {@code --probe true} the servers count what crosses each side of their TLS handler ({@link
 * Probe}) and the bench prints that per request instead of the table, with strace's syscall counts
 * of each event loop in the first round.
 *
 * <pre>
 * </pre>
 */
public final class H2loadBench {
  private static final Pattern FINISHED =
      Pattern.compile("finished in ([0-9.]+)(m?s), ([0-9.]+) req/s");
  private static final Pattern DONE =
      Pattern.compile("requests: (\\d+) total, \\d+ started, (\\d+) done, (\\d+) succeeded");

  private H2loadBench() {}

  /** One server under test, in its child JVM: it says its port, then its CPU when asked. */
  private record Server(String name, ChildProcess jvm, int port) {
    static Server start(String name, int loops, String protocol, boolean probe)
        throws IOException, InterruptedException {
      ChildProcess jvm =
          ChildProcess.java(
              H2loadBench.class,
              "--serve",
              name,
              "--loops",
              Integer.toString(loops),
              "--protocol",
              protocol,
              "--probe",
              Boolean.toString(probe));
      String line = jvm.awaitLine(l -> l.startsWith("port "), Duration.ofSeconds(60));
      return new Server(name, jvm, Integer.parseInt(line.substring(5)));
    }

    /** The CPU time of the server's event-loop threads so far. */
    long cpuNanos() throws IOException, InterruptedException {
      jvm.sendLine("cpu");
      String line = jvm.awaitLine(l -> l.startsWith("cpu "), Duration.ofSeconds(30));
      return Long.parseLong(line.substring(4));
    }

    /** The {@link Probe}'s totals so far, by name. */
    Map<String, Long> probe() throws IOException, InterruptedException {
      jvm.sendLine("probe");
      String line = jvm.awaitLine(l -> l.startsWith("probe "), Duration.ofSeconds(30));
      Map<String, Long> totals = new LinkedHashMap<>();
      for (String pair : line.substring(6).split(" ")) {
        int eq = pair.indexOf('=');
        totals.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
      }
      return totals;
    }

    /** The OS thread id of the server's (first) event-loop thread, for strace. */
    long loopTid() throws IOException {
      try (var tasks = Files.list(Path.of("/proc", Long.toString(jvm.pid()), "task"))) {
        for (Path task : (Iterable<Path>) tasks::iterator) {
          if (Files.readString(task.resolve("comm")).startsWith("h2-" + name + "-")) {
            return Long.parseLong(task.getFileName().toString());
          }
        }
      }
      throw new IllegalStateException("no event-loop thread h2-" + name + "-* in " + jvm.pid());
    }

    void close() throws IOException, InterruptedException {
      jvm.endInput();
      jvm.waitFor(Duration.ofSeconds(10));
      jvm.close();
    }
  }

  /** One h2load run: requests answered, the wall time h2load reports and the server's CPU. */
  private record Run(long requests, double seconds, double requestsPerSecond, long cpuNanos) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> o = IdleMemory.options(args);
    int rounds = Integer.parseInt(o.getOrDefault("rounds", "5"));
    int requests = Integer.parseInt(o.getOrDefault("requests", "100000"));
    int warmup = Integer.parseInt(o.getOrDefault("warmup", "500000"));
    int clients = Integer.parseInt(o.getOrDefault("clients", "20"));
    int streams = Integer.parseInt(o.getOrDefault("streams", "10"));
    int loops = Integer.parseInt(o.getOrDefault("loops", "1"));
    String protocol = o.getOrDefault("protocol", "TLSv1.3");
    boolean probe = Boolean.parseBoolean(o.getOrDefault("probe", "false"));
    if (o.containsKey("serve")) {
      serve(o.get("serve"), loops, protocol, probe);
      return;
    }
    Map<String, Server> servers = new LinkedHashMap<>();
    try {
      for (String name : List.of("netty", "niotls")) {
        servers.put(name, Server.start(name, loops, protocol, probe));
      }
      System.out.printf(
          Locale.ROOT,
          "h2load -n %d -c %d -m %d, %s, %d loop thread(s), %d rounds; load %s%n",
          requests,
          clients,
          streams,
          protocol,
          loops,
          rounds,
          load());
      String warmed = warmUp(List.copyOf(servers.values()), warmup, requests, clients, streams);
      if (probe) {
        for (int round = 0; round < rounds; round++) {
          for (Server s : servers.values()) {
            probeRun(s, requests, clients, streams, round == 0);
          }
        }
        return;
      }
      Map<String, List<Run>> runs = new LinkedHashMap<>();
      servers.keySet().forEach(k -> runs.put(k, new ArrayList<>()));
      List<Server> order = new ArrayList<>(servers.values());
      for (int round = 0; round < rounds; round++) {
        List<Server> turn = new ArrayList<>(order);
        if (round % 2 == 1) {
          Collections.reverse(turn);
        }
        for (Server s : turn) {
          Run r = run(s, requests, clients, streams);
          runs.get(s.name()).add(r);
          System.out.printf(
              Locale.ROOT,
              "round %d %-6s %9.0f req/s  %6.1f us cpu/request%n",
              round + 1,
              s.name(),
              r.requestsPerSecond(),
              r.cpuNanos() / 1e3 / r.requests());
        }
      }
      String page = page(runs, requests, clients, streams, loops, protocol, warmed);
      System.out.println(page);
      if (o.containsKey("out")) {
        Files.writeString(Path.of(o.get("out")), page);
      }
    } finally {
      for (Server s : servers.values()) {
        s.close();
      }
    }
  }

  /**
   * The child JVM: serves {@link HelloHttp2} behind {@code name}'s handler until its input ends,
   * printing {@code port N} once listening and {@code cpu NANOS} for each {@code cpu} line read.
   */
  private static void serve(String name, int loops, String protocol, boolean probe)
      throws IOException {
    LoopPki pki = LoopPki.create(protocol);
    TlsContext niotls =
        TlsContext.forServer(pki.keyMaterial())
            .provider(Provider.BORINGSSL)
            .protocols(protocol)
            .alpn(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
            .build();
    Supplier<ChannelHandler> handler;
    if (name.equals("niotls")) {
      NiotlsSslContext adapter = NiotlsSslContext.of(niotls);
      handler = () -> adapter.newHandler(ByteBufAllocator.DEFAULT);
    } else {
      SslContext netty =
          pki.nettyServerBuilder(Provider.OPENSSL, niotls)
              .applicationProtocolConfig(
                  new ApplicationProtocolConfig(
                      ApplicationProtocolConfig.Protocol.ALPN,
                      ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                      ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                      ApplicationProtocolNames.HTTP_2,
                      ApplicationProtocolNames.HTTP_1_1))
              .build();
      handler = () -> netty.newHandler(ByteBufAllocator.DEFAULT);
    }
    String prefix = "h2-" + name;
    EventLoopGroup group = new NioEventLoopGroup(loops, new DefaultThreadFactory(prefix));
    Channel listener =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (probe) {
                      ch.pipeline()
                          .addLast(new Probe.Wire(), handler.get(), new Probe.Plain())
                          .addLast(new HelloHttp2());
                    } else {
                      ch.pipeline().addLast(handler.get(), new HelloHttp2());
                    }
                  }
                })
            .bind("127.0.0.1", 0)
            .syncUninterruptibly()
            .channel();
    ThreadCpu cpu = new ThreadCpu(List.of(prefix + "-"));
    System.out.println("port " + ((InetSocketAddress) listener.localAddress()).getPort());
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equals("cpu")) {
          System.out.println("cpu " + cpu.nanos());
        } else if (line.equals("probe")) {
          System.out.println("probe " + Probe.sample(prefix + "-"));
        }
      }
    } finally {
      listener.close().syncUninterruptibly();
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      niotls.close();
    }
  }

  private static Run run(Server s, int requests, int clients, int streams)
      throws IOException, InterruptedException {
    long cpu = s.cpuNanos();
    String out;
    try (ChildProcess h2load =
        ChildProcess.program(
            "h2load",
            "-n",
            Integer.toString(requests),
            "-c",
            Integer.toString(clients),
            "-m",
            Integer.toString(streams),
            "https://127.0.0.1:" + s.port() + "/")) {
      h2load.endInput();
      int exit = h2load.waitFor(Duration.ofMinutes(5));
      out = h2load.out();
      if (exit != 0) {
        throw new IllegalStateException("h2load exited " + exit + ": " + out + h2load.err());
      }
    }
    long used = s.cpuNanos() - cpu;
    Matcher done = DONE.matcher(out);
    Matcher finished = FINISHED.matcher(out);
    if (!done.find() || !finished.find() || !out.contains("Application protocol: h2")) {
      throw new IllegalStateException("h2load said something unexpected: " + out);
    }
    long succeeded = Long.parseLong(done.group(3));
    if (succeeded != requests || !out.contains("status codes: " + requests + " 2xx")) {
      throw new IllegalStateException(s.name() + ": not every request got a 2xx: " + out);
    }
    double seconds =
        Double.parseDouble(finished.group(1)) / (finished.group(2).equals("ms") ? 1000 : 1);
    return new Run(succeeded, seconds, Double.parseDouble(finished.group(3)), used);
  }

  /**
   * One h2load run under the {@link Probe} (and, with {@code strace}, strace's syscall counts of
   * the event-loop thread): prints what each side of the TLS handler saw per request.
   */
  private static void probeRun(Server s, int requests, int clients, int streams, boolean strace)
      throws IOException, InterruptedException {
    Path straceOut = Files.createTempFile("h2load-strace-", ".txt");
    ChildProcess tracer =
        strace
            ? ChildProcess.program(
                "strace", "-c", "-o", straceOut.toString(), "-p", Long.toString(s.loopTid()))
            : null;
    try {
      if (tracer != null) {
        Thread.sleep(500); // attached before the run
      }
      Map<String, Long> before = s.probe();
      Run r = run(s, requests, clients, streams);
      Map<String, Long> after = s.probe();
      Map<String, Long> delta = new LinkedHashMap<>();
      before.forEach((k, v) -> delta.put(k, after.get(k) - v));
      StringBuilder b = new StringBuilder();
      b.append(
          String.format(
              Locale.ROOT, " tls_handler_ns=%.0f", Probe.tlsNanos(delta) / (double) r.requests()));
      before.forEach(
          (k, v) ->
              b.append(
                  String.format(
                      Locale.ROOT, " %s=%.3f", k, (after.get(k) - v) / (double) r.requests())));
      System.out.printf(
          Locale.ROOT,
          "probe %-6s %9.0f req/s %6.1f us cpu/req per request:%s%n",
          s.name(),
          r.requestsPerSecond(),
          r.cpuNanos() / 1e3 / r.requests(),
          b);
    } finally {
      if (tracer != null) {
        tracer.terminate();
        tracer.waitFor(Duration.ofSeconds(10));
        tracer.close();
        System.out.println("strace of " + s.name() + "'s event loop, " + requests + " requests:");
        System.out.println(Files.readString(straceOut));
      }
      Files.deleteIfExists(straceOut);
    }
  }

  /**
   * {@code --probe}: counts, in the server JVM, what crosses each side of the TLS handler — socket
   * reads, ciphertext writes and the TLS records in them, flushes that reach the transport,
   * plaintext reads fired and writes taken — and what the event-loop threads allocate. {@link
   * #sample} gives the totals so far; the bench prints differences per request.
   */
  static final class Probe {
    enum Count {
      SOCKET_READS,
      SOCKET_READ_BYTES,
      READ_COMPLETES_IN,
      CIPHERTEXT_WRITES,
      CIPHERTEXT_BYTES,
      RECORDS_WRITTEN,
      TRANSPORT_FLUSHES,
      PLAINTEXT_READS_OUT,
      READ_COMPLETES_OUT,
      PLAINTEXT_WRITES_IN,
      FLUSHES_IN,
      ALLOCATED_BYTES,
      // nanoseconds spent in each call, below the probe on each side; see tlsNanos
      WIRE_READ_NS,
      WIRE_READ_COMPLETE_NS,
      WIRE_WRITE_NS,
      WIRE_FLUSH_NS,
      PLAIN_READ_NS,
      PLAIN_READ_COMPLETE_NS,
      PLAIN_WRITE_NS,
      PLAIN_FLUSH_NS
    }

    /**
     * The time the TLS handler spent in its own code (and the native calls it makes), from the
     * probes' timers: what the wire side's inbound calls took beyond the plaintext side's, plus
     * what the plaintext side's outbound calls took beyond the wire side's. Calls nested in both (a
     * flush inside channelReadComplete) cancel out.
     */
    static long tlsNanos(Map<String, Long> d) {
      return d.get("wire_read_ns")
          - d.get("plain_read_ns")
          + d.get("wire_read_complete_ns")
          - d.get("plain_read_complete_ns")
          + d.get("plain_write_ns")
          + d.get("plain_flush_ns")
          - d.get("wire_flush_ns")
          - d.get("wire_write_ns");
    }

    private static final LongAdder[] COUNTS = new LongAdder[Count.values().length];

    static {
      Arrays.setAll(COUNTS, i -> new LongAdder());
    }

    private Probe() {}

    static void add(Count c, long n) {
      COUNTS[c.ordinal()].add(n);
    }

    /** {@code name=total} pairs, the allocation of the threads named by {@code prefix} included. */
    static String sample(String prefix) {
      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long allocated = 0;
      for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
        if (info != null && info.getThreadName().startsWith(prefix)) {
          allocated += Math.max(0, threads.getThreadAllocatedBytes(info.getThreadId()));
        }
      }
      StringBuilder b = new StringBuilder();
      for (Count c : Count.values()) {
        long v = c == Count.ALLOCATED_BYTES ? allocated : COUNTS[c.ordinal()].sum();
        b.append(b.length() == 0 ? "" : " ").append(c.name().toLowerCase(Locale.ROOT));
        b.append('=').append(v);
      }
      return b.toString();
    }

    /** Between the socket and the TLS handler: ciphertext. */
    @ChannelHandler.Sharable
    static final class Wire extends ChannelDuplexHandler {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        add(Count.SOCKET_READS, 1);
        if (msg instanceof ByteBuf b) {
          add(Count.SOCKET_READ_BYTES, b.readableBytes());
        }
        long t = System.nanoTime();
        ctx.fireChannelRead(msg);
        add(Count.WIRE_READ_NS, System.nanoTime() - t);
      }

      @Override
      public void channelReadComplete(ChannelHandlerContext ctx) {
        add(Count.READ_COMPLETES_IN, 1);
        long t = System.nanoTime();
        ctx.fireChannelReadComplete();
        add(Count.WIRE_READ_COMPLETE_NS, System.nanoTime() - t);
      }

      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b && b.isReadable()) {
          add(Count.CIPHERTEXT_WRITES, 1);
          add(Count.CIPHERTEXT_BYTES, b.readableBytes());
          int records = 0;
          for (int at = b.readerIndex(); at + 5 <= b.writerIndex(); at += 5) {
            records++;
            at += b.getUnsignedShort(at + 3);
          }
          add(Count.RECORDS_WRITTEN, records);
        }
        long t = System.nanoTime();
        ctx.write(msg, promise);
        add(Count.WIRE_WRITE_NS, System.nanoTime() - t);
      }

      @Override
      public void flush(ChannelHandlerContext ctx) {
        add(Count.TRANSPORT_FLUSHES, 1);
        long t = System.nanoTime();
        ctx.flush();
        add(Count.WIRE_FLUSH_NS, System.nanoTime() - t);
      }
    }

    /** Between the TLS handler and HTTP/2: plaintext. */
    @ChannelHandler.Sharable
    static final class Plain extends ChannelDuplexHandler {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        add(Count.PLAINTEXT_READS_OUT, 1);
        long t = System.nanoTime();
        ctx.fireChannelRead(msg);
        add(Count.PLAIN_READ_NS, System.nanoTime() - t);
      }

      @Override
      public void channelReadComplete(ChannelHandlerContext ctx) {
        add(Count.READ_COMPLETES_OUT, 1);
        long t = System.nanoTime();
        ctx.fireChannelReadComplete();
        add(Count.PLAIN_READ_COMPLETE_NS, System.nanoTime() - t);
      }

      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        add(Count.PLAINTEXT_WRITES_IN, 1);
        long t = System.nanoTime();
        ctx.write(msg, promise);
        add(Count.PLAIN_WRITE_NS, System.nanoTime() - t);
      }

      @Override
      public void flush(ChannelHandlerContext ctx) {
        add(Count.FLUSHES_IN, 1);
        long t = System.nanoTime();
        ctx.flush();
        add(Count.PLAIN_FLUSH_NS, System.nanoTime() - t);
      }
    }
  }

  /**
   * Runs h2load on each server in turns of {@code chunk} requests: at least {@code least} requests
   * each, then on until no server's CPU per request fell by more than 3% from its previous turn, or
   * three times {@code least}. Returns what it did, for the page.
   */
  private static String warmUp(List<Server> servers, int least, int chunk, int clients, int streams)
      throws IOException, InterruptedException {
    Map<String, List<Double>> cpu = new LinkedHashMap<>();
    servers.forEach(s -> cpu.put(s.name(), new ArrayList<>()));
    long done = 0;
    while (true) {
      for (Server s : servers) {
        Run r = run(s, chunk, clients, streams);
        cpu.get(s.name()).add(r.cpuNanos() / 1e3 / r.requests());
        System.out.printf(
            Locale.ROOT,
            "warm-up %-6s %9.0f req/s  %6.1f us cpu/request%n",
            s.name(),
            r.requestsPerSecond(),
            r.cpuNanos() / 1e3 / r.requests());
      }
      done += chunk;
      boolean settled = true;
      for (List<Double> c : cpu.values()) {
        int n = c.size();
        settled &= n >= 2 && c.get(n - 1) >= 0.97 * c.get(n - 2);
      }
      if (done >= 3L * least || (done >= least && settled)) {
        break;
      }
    }
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "warm-up %d requests each (µs cpu/request:", done));
    cpu.forEach(
        (name, c) ->
            b.append(
                String.format(
                    Locale.ROOT, " %s %.1f → %.1f", name, c.get(0), c.get(c.size() - 1))));
    return b.append(')').toString();
  }

  private static String page(
      Map<String, List<Run>> runs,
      int requests,
      int clients,
      int streams,
      int loops,
      String protocol,
      String warmed) {
    List<Run> n = runs.get("niotls");
    List<Run> p = runs.get("netty");
    StringBuilder b = new StringBuilder();
    b.append("# HTTP/2 over TLS: niotls's handler vs Netty's SslHandler, judged by h2load\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "`benchmarks/h2load.sh` — Netty's documented HTTP/2 server (ALPN →"
                + " `Http2FrameCodec` + `Http2MultiplexHandler`) behind niotls's `TlsHandler`"
                + " (provider BORINGSSL) and behind Netty's `SslHandler` (provider OPENSSL,"
                + " the same BoringSSL), each in a JVM of its own, %d event-loop thread(s) each; `h2load"
                + " -n %d -c %d -m %d`, %s, EC P-256; %s; rounds alternate the order. Server"
                + " CPU is its event-loop threads' CPU per request (lower is better).%n%n",
            loops,
            requests,
            clients,
            streams,
            protocol,
            warmed));
    b.append(
        "| round | niotls req/s | Netty req/s | ratio | niotls µs cpu/req | Netty µs cpu/req |"
            + " cpu ratio (Netty / niotls) |\n");
    b.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    double[] ratios = new double[n.size()];
    double[] cpuRatios = new double[n.size()];
    for (int i = 0; i < n.size(); i++) {
      double cn = n.get(i).cpuNanos() / 1e3 / n.get(i).requests();
      double cp = p.get(i).cpuNanos() / 1e3 / p.get(i).requests();
      ratios[i] = n.get(i).requestsPerSecond() / p.get(i).requestsPerSecond();
      cpuRatios[i] = cp / cn;
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %.0f | %.0f | %.2f | %.1f | %.1f | %.2f |%n",
              i + 1,
              n.get(i).requestsPerSecond(),
              p.get(i).requestsPerSecond(),
              ratios[i],
              cn,
              cp,
              cpuRatios[i]));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%n**Median: niotls / Netty %.2f× requests/s; %.2f× requests per server CPU"
                + " second.** Load average after the run: %s.%n",
            median(ratios),
            median(cpuRatios),
            load()));
    return b.toString();
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String load() {
    try {
      return String.join(
          " ", Arrays.asList(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
    } catch (IOException e) {
      return "?";
    }
  }
}
