package io.niotls.bench.loop;

/** One reading of {@link MemoryServer}'s {@code measure}, bytes. */
record MemoryReading(
    int sessions,
    long heap,
    long rss,
    long nonHeap,
    long jdkDirect,
    long nettyDirect,
    long jvmCommitted,
    long mallocInUse,
    long jvmMalloc) {
  static MemoryReading parse(String line) {
    String[] w = line.split(" ");
    return new MemoryReading(
        Integer.parseInt(w[1]),
        Long.parseLong(w[2]),
        Long.parseLong(w[3]),
        Long.parseLong(w[4]),
        Long.parseLong(w[5]),
        Long.parseLong(w[6]),
        Long.parseLong(w[7]),
        Long.parseLong(w[8]),
        Long.parseLong(w[9]));
  }

  boolean countsMalloc() {
    return mallocInUse >= 0 && jvmMalloc >= 0;
  }

  long direct() {
    return Math.max(0, jdkDirect) + Math.max(0, nettyDirect);
  }
}
