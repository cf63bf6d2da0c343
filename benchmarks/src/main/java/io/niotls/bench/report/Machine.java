package io.niotls.bench.report;

import io.netty.util.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * What the numbers were measured on and with: the machine (from {@code /proc}), the JVM that ran
 * the benchmarks (from JMH's JSON), the Netty and netty-tcnative versions on the class path, and
 * what {@code run.sh} recorded about the run ({@code run.properties}: mode, command, commit, load).
 */
final class Machine {
  private Machine() {}

  /** Facts as label → value, in display order. */
  static Map<String, String> facts(List<Result> results, Properties run) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("CPU", cpuModel());
    facts.put(
        "CPUs",
        Runtime.getRuntime().availableProcessors()
            + " available to the JVM (nproc "
            + nproc()
            + ")");
    facts.put("Memory", memory());
    facts.put("Kernel", read("/proc/sys/kernel/osrelease").trim());
    String load = run.getProperty("load.before", "");
    if (!load.isEmpty()) {
      facts.put(
          "Load average (1, 5, 15 min)",
          "before " + load + "; after " + run.getProperty("load.after", "?"));
    }
    Result first = results.isEmpty() ? null : results.get(0);
    if (first != null) {
      facts.put(
          "JVM",
          first.run().getOrDefault("vmName", "?")
              + " "
              + first.run().getOrDefault("vmVersion", "?")
              + " (Java "
              + first.run().getOrDefault("jdkVersion", "?")
              + ")");
      facts.put("JMH", first.run().getOrDefault("jmhVersion", "?"));
    }
    facts.put("Netty", versions("netty-handler"));
    facts.put("netty-tcnative", tcnative());
    facts.put("niotls commit", run.getProperty("commit", "?"));
    facts.put("Mode", run.getProperty("mode", "?") + " — " + run.getProperty("options", ""));
    facts.put("Started", run.getProperty("started", "?"));
    facts.put("Finished", run.getProperty("finished", "?"));
    return facts;
  }

  private static String versions(String prefix) {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Version> e : Version.identify().entrySet()) {
      if (e.getKey().startsWith(prefix) && out.indexOf(e.getValue().artifactVersion()) < 0) {
        out.append(out.length() == 0 ? "" : ", ").append(e.getValue().artifactVersion());
      }
    }
    return out.length() == 0 ? "?" : out.toString();
  }

  /** The tcnative jar's version and the BoringSSL it carries, as far as they can be told. */
  private static String tcnative() {
    String jar = "?";
    // Maven's own record of the artifact: it survives shading, unlike the jar's manifest
    String pom = "/META-INF/maven/io.netty/netty-tcnative-classes/pom.properties";
    try (java.io.InputStream in = Machine.class.getResourceAsStream(pom)) {
      if (in != null) {
        Properties p = new Properties();
        p.load(in);
        jar = p.getProperty("version", "?");
      }
    } catch (IOException e) {
      // leave it unknown
    }
    try {
      return io.netty.handler.ssl.OpenSsl.isAvailable()
          ? jar + " (" + io.netty.handler.ssl.OpenSsl.versionString() + ")"
          : jar + " (not loadable here)";
    } catch (LinkageError e) {
      return jar;
    }
  }

  static String cpuModel() {
    for (String line : read("/proc/cpuinfo").split("\n")) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return "?";
  }

  private static String nproc() {
    try {
      Process p = new ProcessBuilder("nproc").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return out;
    } catch (IOException e) {
      return "?";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  private static String memory() {
    for (String line : read("/proc/meminfo").split("\n")) {
      if (line.startsWith("MemTotal:")) {
        long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
        return String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0);
      }
    }
    return "?";
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }
}
