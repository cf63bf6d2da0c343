package io.niotls.bench.loop;

import java.util.Locale;

/**
 * Bytes per idle session for one server, provider and count: {@code heap}; {@code nativeBytes},
 * malloc'd outside the JVM (BoringSSL, JNI): malloc's bytes in use minus the JVM's own, or where
 * those cannot be read, resident growth minus the JVM's committed growth; {@code jvm}, how the
 * JVM's own committed native memory moved (JIT, GC structures: mostly noise, not counted); {@code
 * direct}; {@code rss}, resident anonymous memory, all of it.
 */
record IdleMemoryRow(
    String server,
    String provider,
    int sessions,
    double heap,
    double nativeBytes,
    double jvm,
    double direct,
    double rss) {
  static final String HEADER =
      String.format(
          Locale.ROOT,
          "%-12s %-8s %8s %10s %10s %10s %10s %10s",
          "server",
          "provider",
          "sessions",
          "heap",
          "native",
          "jvm",
          "direct",
          "rss");

  static IdleMemoryRow of(
      String server, String provider, int n, MemoryReading before, MemoryReading after) {
    double rss = (after.rss() - before.rss()) / (double) n;
    double jvm;
    if (after.jvmCommitted() >= 0 && before.jvmCommitted() >= 0) {
      // the heap is committed whole from the start (-Xms = -Xmx): all of this is non-heap
      jvm = (after.jvmCommitted() - before.jvmCommitted()) / (double) n;
    } else {
      jvm = (after.nonHeap() - before.nonHeap()) / (double) n;
    }
    double outside =
        after.countsMalloc() && before.countsMalloc()
            ? ((after.mallocInUse() - before.mallocInUse())
                    - (after.jvmMalloc() - before.jvmMalloc()))
                / (double) n
            : rss - jvm;
    return new IdleMemoryRow(
        server,
        provider,
        n,
        (after.heap() - before.heap()) / (double) n,
        outside,
        jvm,
        (after.direct() - before.direct()) / (double) n,
        rss);
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%-12s %-8s %8d %10.0f %10.0f %10.0f %10.0f %10.0f",
        server,
        provider,
        sessions,
        heap,
        nativeBytes,
        jvm,
        direct,
        rss);
  }
}
