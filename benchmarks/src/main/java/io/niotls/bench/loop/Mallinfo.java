package io.niotls.bench.loop;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.util.Optional;

/**
 * glibc's {@code mallinfo2()}: the bytes malloc has handed out and not had back, however the pages
 * under them are laid out, so a reading does not move with fragmentation as the resident size does.
 * Called through Java 17's incubating foreign linker, by reflection so that nothing needs it at
 * compile time; the JVM must run with {@code --add-modules jdk.incubator.foreign
 * --enable-native-access=ALL-UNNAMED}, else {@link #inUse()} says -1.
 */
final class Mallinfo {
  private static final String PKG = "jdk.incubator.foreign.";
  private static final MethodHandle MALLINFO2 = handle();

  private Mallinfo() {}

  /** Bytes in use: {@code uordblks} (arena chunks) plus {@code hblkhd} (mmapped chunks); or -1. */
  static long inUse() {
    if (MALLINFO2 == null) {
      return -1;
    }
    try {
      Class<?> scopes = Class.forName(PKG + "ResourceScope");
      Object scope = scopes.getMethod("newImplicitScope").invoke(null);
      Object allocator =
          Class.forName(PKG + "SegmentAllocator").getMethod("ofScope", scopes).invoke(null, scope);
      Object segment = MALLINFO2.invoke(allocator);
      long[] fields = (long[]) segment.getClass().getMethod("toLongArray").invoke(segment);
      return fields[7] + fields[4]; // struct mallinfo2: uordblks, hblkhd
    } catch (Throwable e) {
      return -1;
    }
  }

  private static MethodHandle handle() {
    try {
      Class<?> linkers = Class.forName(PKG + "CLinker");
      Object linker = linkers.getMethod("getInstance").invoke(null);
      Object lookup = linkers.getMethod("systemLookup").invoke(null);
      Optional<?> symbol =
          (Optional<?>)
              Class.forName(PKG + "SymbolLookup")
                  .getMethod("lookup", String.class)
                  .invoke(lookup, "mallinfo2");
      if (symbol.isEmpty()) {
        return null;
      }
      Class<?> layouts = Class.forName(PKG + "MemoryLayout");
      Object fields = Array.newInstance(layouts, 10); // ten size_t
      for (int i = 0; i < 10; i++) {
        Array.set(fields, i, linkers.getField("C_LONG").get(null));
      }
      Object struct = layouts.getMethod("structLayout", fields.getClass()).invoke(null, fields);
      Class<?> descriptors = Class.forName(PKG + "FunctionDescriptor");
      Object descriptor =
          descriptors
              .getMethod("of", layouts, fields.getClass())
              .invoke(null, struct, Array.newInstance(layouts, 0));
      return (MethodHandle)
          linkers
              .getMethod(
                  "downcallHandle",
                  Class.forName(PKG + "Addressable"),
                  MethodType.class,
                  descriptors)
              .invoke(
                  linker,
                  symbol.get(),
                  MethodType.methodType(Class.forName(PKG + "MemorySegment")),
                  descriptor);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return null; // not on this JVM, or not allowed: the caller falls back to the RSS
    }
  }
}
