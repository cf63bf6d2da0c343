package io.niotls.bench.report;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Renders JMH results as the benchmark page: {@code README.md} with the machine, the versions, a
 * table of every niotls / peer comparison measured in the same run, and PNG charts; {@code
 * HEADLINE.md} with the lines for the project README; and the same tables as text on stdout.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.niotls.bench.report.ResultsPage \
 *     [--out DIR] RESULT.json|RUN-DIR...
 * </pre>
 *
 * A run directory holds JMH JSON files and the {@code run.properties} that {@code run.sh} writes.
 * Without {@code --out}, only the text is printed.
 */
public final class ResultsPage {
  private static final Map<String, String> WHAT =
      Map.of(
          "Handshake",
          "One operation makes a client and a server, drives both handshakes to completion in"
              + " memory on one thread, lets the client read what the server sent after its last"
              + " flight (TLS 1.3 tickets), and frees both. TlsEngine and the raw SSLEngine loop"
              + " move whole flights between buffers; TlsHandler and Netty's SslHandler sit in a"
              + " pair of EmbeddedChannels, each flight delivered in one channelRead, and send"
              + " close_notify when their channels close. Same provider, protocol, suites,"
              + " certificate, trust anchor and host name verification on every side. `full`:"
              + " resumption off on both clients, checked on every operation; `resumed`: each"
              + " client offers its previous session, and each connection carries the server's"
              + " first 64-byte response (BoringSSL sends TLS 1.3 tickets with it), for every"
              + " subject alike.",
          "Record",
          "Established pairs; one write is `size` bytes written by the client, carried to the"
              + " server and read back in full (the handlers: write and flush, the records"
              + " delivered in one channelRead of a direct buffer, as a socket read gives). MB/s is"
              + " 10^6 bytes of plaintext per second. The cipher is forced on both sides with a"
              + " suite override. BoringSSL does not let TLS 1.3 suites be chosen, so OpenSSL +"
              + " TLS 1.3 + ChaCha20 is not measured.",
          "IdleSession",
          "The server side of `sessions` established, idle connections (TLS 1.3, full handshakes)"
              + " held at once, their clients freed: heap growth after full collections (and"
              + " finalization, which Netty's OpenSslEngine needs) divided by the sessions, the"
              + " median over iterations. For the handlers the same number of bare EmbeddedChannels"
              + " is measured first and subtracted, so the figure is the handler's own. Native"
              + " memory is not counted: BoringSSL's SSL objects are the same for every subject on"
              + " one provider.",
          "loop/FullHandshake",
          "niotls's TlsServer, a Netty NIO server with Netty's SslHandler (same provider,"
              + " certificate, protocol and suites, `loops` event-loop threads each) and, as an"
              + " outside reference, `openssl s_server`, all up at once and loaded in turn by one and"
              + " the same client in this JVM (niotls's TlsClient over BoringSSL, resumption off,"
              + " `concurrency` handshakes in flight, each connection closed after its handshake)."
              + " Client and servers share the two cores, and the client takes more CPU per"
              + " handshake than any server, so the wall-clock ratio understates a server's own"
              + " difference; the cpu ratio compares the server threads' CPU per handshake. The"
              + " provider is the servers' (the client is always BoringSSL). openssl s_server is"
              + " one thread serving one connection at a time, the rest waiting in its backlog: it"
              + " shows what OpenSSL's own handshake costs, not how a server schedules many."
              + " Each server first gets about 8 s of its own load in warm-up iterations: Netty's"
              + " pipeline reaches its steady rate only after that long (about 3,000 handshakes/s"
              + " in its first seconds, 4,800/s after), and a shorter warm-up measured niotls"
              + " against a cold Netty.",
          "loop/Scaling",
          "The loopback handshake rate of TlsServer and the Netty server, interleaved as above,"
              + " as the handshakes in flight grow from 1 to 1,000 and the servers' event loops"
              + " from 1 to 2 (OpenSSL, TLS 1.3).",
          "loop/IdleSession",
          "The server alone in its JVM holds `sessions` established, idle TLS 1.3 connections"
              + " from a client in another JVM: heap growth after full collections, and native"
              + " memory (glibc's bytes in use less what the JVM itself malloc'd, by its Native"
              + " Memory Tracking), divided by the sessions. At 1,000 sessions Netty's figure"
              + " still carries the first chunk of its pooled allocator's direct memory, shared by"
              + " every channel; the 10,000 row is the one to read. The capacity run"
              + " ([CAPACITY.md](CAPACITY.md), `benchmarks/capacity.sh`) holds 100,000 sessions at"
              + " once with the same method.");

  /** The pages of the harnesses run apart from {@code run.sh}, in this directory. */
  private static final Map<String, String> APART = new LinkedHashMap<>();

  static {
    APART.put(
        "DIRECT.md",
        "TlsServer on the BORINGSSL provider (BoringSSL driven directly) against a Netty server"
            + " with `SslHandler` on Netty's OpenSSL engine: idle memory and server CPU per"
            + " handshake over loopback, and where the CPU goes (`benchmarks/direct-vs-netty.sh`)");
    APART.put(
        "HANDLER.md",
        "TlsHandler / Netty `SslHandler`, records and handshakes, three forks of eight"
            + " iterations");
    APART.put(
        "H2LOAD.md",
        "Netty's HTTP/2 server behind TlsHandler and behind `SslHandler`, loaded by h2load"
            + " (`benchmarks/h2load.sh`)");
    APART.put("CAPACITY.md", "100,000 idle sessions held at once (`benchmarks/capacity.sh`)");
    APART.put(
        "SNI.md",
        "a handshake against 1,000 SNI names, reload under load, idle memory with the"
            + " production features on");
    APART.put(
        "VTHREADS.md",
        "`TlsChannel` on virtual threads against `SSLSocket` on virtual threads"
            + " (`benchmarks/vthreads.sh`)");
    APART.put(
        "DTLS.md",
        "DTLS handshakes over niotls's loop against a hand-written SSLEngine DTLS loop (`benchmarks/dtls-paired.sh`)");
  }

  private ResultsPage() {}

  public static void main(String[] args) throws IOException {
    System.setProperty("java.awt.headless", "true");
    Path out = null;
    List<Path> inputs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--out") && i + 1 < args.length) {
        out = Path.of(args[++i]);
      } else {
        inputs.add(Path.of(args[i]));
      }
    }
    if (inputs.isEmpty()) {
      System.err.println("usage: ResultsPage [--out DIR] RESULT.json|RUN-DIR...");
      System.exit(2);
    }
    Properties run = new Properties();
    List<Result> results = new ArrayList<>();
    for (Path input : inputs) {
      for (Path json : jsonFiles(input)) {
        try {
          results.addAll(Result.readAll(Files.readString(json)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              json + ": " + e.getMessage() + " (give JMH's -rf json files or run directories)", e);
        }
      }
      Path props = (Files.isDirectory(input) ? input : input.getParent()).resolve("run.properties");
      if (Files.exists(props)) {
        try (Reader r = Files.newBufferedReader(props)) {
          run.load(r);
        }
      }
    }
    List<Comparisons.Section> sections = Comparisons.sections(results);
    List<String> headline = Headline.lines(results);
    System.out.print(text(sections, headline));
    if (out != null) {
      Files.createDirectories(out);
      try (Stream<Path> old = Files.list(out)) { // charts of an earlier run that this one lacks
        for (Path png : old.filter(f -> f.toString().endsWith(".png")).toList()) {
          Files.delete(png);
        }
      }
      List<Charts.Image> images = Charts.render(results, out);
      Files.writeString(
          out.resolve("README.md"), markdown(results, run, sections, headline, images));
      Files.writeString(out.resolve("HEADLINE.md"), String.join("\n", headline) + "\n");
      System.out.println(
          "\nwrote " + out.resolve("README.md") + ", HEADLINE.md and " + images.size() + " charts");
    }
  }

  private static List<Path> jsonFiles(Path input) throws IOException {
    if (!Files.isDirectory(input)) {
      return List.of(input);
    }
    try (Stream<Path> files = Files.list(input)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  static String text(List<Comparisons.Section> sections, List<String> headline) {
    StringBuilder out = new StringBuilder();
    for (Comparisons.Section section : sections) {
      out.append("\n== ").append(section.title()).append('\n');
      for (Table table : section.tables()) {
        out.append('\n').append(table.text());
      }
    }
    if (sections.isEmpty()) {
      out.append("no results that follow the <Subject><Aspect>Benchmark convention\n");
    }
    if (!headline.isEmpty()) {
      out.append("\n== Headline\n");
      headline.forEach(line -> out.append(line.replace("**", "")).append('\n'));
    }
    return out.toString();
  }

  static String markdown(
      List<Result> results,
      Properties run,
      List<Comparisons.Section> sections,
      List<String> headline,
      List<Charts.Image> images) {
    StringBuilder md = new StringBuilder();
    md.append("# niotls benchmark results\n\n");
    md.append("Measured by `")
        .append(run.getProperty("command", "benchmarks/run.sh"))
        .append("` on the machine below. Every ratio divides two figures measured in the same")
        .append(" run, and for the *interleaved* benchmarks in the same operations: each")
        .append(" operation gives every subject a turn, in an order that rotates, so a ratio holds")
        .append(" while the load of this shared machine moves the absolute numbers. A ratio is")
        .append(" niotls / peer: above 1 means niotls is faster; for memory, below 1 means it")
        .append(" uses less. The *cpu* ratios compare operations per CPU second of the benchmark")
        .append(" thread in memory, or of the server over loopback, which other processes disturb")
        .append(" less than the wall clock.\n\n");
    if (!headline.isEmpty()) {
      md.append("## Headline\n\n");
      headline.forEach(line -> md.append(line).append('\n'));
      md.append('\n');
    }
    md.append("## Machine and versions\n\n| | |\n|---|---|\n");
    Machine.facts(results, run)
        .forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    md.append('\n');
    for (Comparisons.Section section : sections) {
      md.append("## ").append(section.title()).append("\n\n");
      String what = WHAT.get(section.topic());
      if (what != null) {
        md.append(what).append("\n\n");
      }
      for (Charts.Image image : images) {
        if (image.topic().equals(section.topic())) {
          md.append("![").append(image.caption()).append("](").append(image.file()).append(")\n\n");
        }
      }
      for (Table table : section.tables()) {
        md.append(table.markdown()).append('\n');
      }
    }
    md.append("## Measured apart from this suite\n\n");
    md.append(
        "Comparisons that need their own harness, each on its own page with its commands:\n\n");
    APART.forEach(
        (page, what) ->
            md.append("- [")
                .append(page)
                .append("](")
                .append(page)
                .append("): ")
                .append(what)
                .append('\n'));
    md.append('\n');
    md.append("## How to reproduce\n\n```\n");
    md.append(run.getProperty("command", "benchmarks/run.sh quick")).append('\n');
    md.append("```\n\n");
    String commands = run.getProperty("commands", "");
    if (!commands.isEmpty()) {
      md.append("The JMH invocations of that run:\n\n```\n")
          .append(commands.replace(" ;; ", "\n"))
          .append("\n```\n\n");
    }
    md.append("`benchmarks/run.sh quick` takes about ten minutes on two cores; `full` runs more")
        .append(" forks and iterations; `smoke` runs every benchmark once, briefly, so none")
        .append(" rots (CI runs it; its numbers mean nothing). The JMH JSON stays in")
        .append(" `benchmarks/results/runs/` (not committed).\n");
    return md.toString();
  }
}
