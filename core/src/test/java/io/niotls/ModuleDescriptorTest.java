package io.niotls;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.engine.TlsEngine;
import io.niotls.testing.ModulePath;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Core's module descriptor, read from the compiled classes: which packages a module-path
 * application sees, and that the module resolves against the real jars with and without Netty.
 */
class ModuleDescriptorTest {
  private static final Set<String> API =
      Set.of(
          "io.niotls.buffer",
          "io.niotls.certs",
          "io.niotls.channel",
          "io.niotls.context",
          "io.niotls.datagram",
          "io.niotls.engine",
          "io.niotls.loop",
          "io.niotls.transport",
          "io.niotls.uri",
          "io.niotls.wire");

  private static final ModuleReference core =
      ModulePath.compiled(TlsEngine.class, "io.niotls.core");

  @Test
  void exportsEveryApiPackageToEveryoneAndNothingElse() {
    ModuleDescriptor d = core.descriptor();
    assertThat(d.exports())
        .allSatisfy(e -> assertThat(e.isQualified()).as("%s is qualified", e.source()).isFalse());
    assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source))
        .containsExactlyInAnyOrderElementsOf(API);
    assertThat(d.packages())
        .as("every package is API: internals are package-private inside it")
        .containsExactlyInAnyOrderElementsOf(API);
  }

  @Test
  void needsOnlyJctoolsHdrHistogramAndBouncyCastleNettyIsOptional() {
    Map<Boolean, Set<String>> byStatic =
        core.descriptor().requires().stream()
            .filter(r -> !r.name().equals("java.base"))
            .collect(
                Collectors.partitioningBy(
                    r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC),
                    Collectors.mapping(ModuleDescriptor.Requires::name, Collectors.toSet())));
    assertThat(byStatic.get(false))
        .containsExactlyInAnyOrder(
            "org.jctools.core",
            "HdrHistogram",
            "org.bouncycastle.pkix",
            "org.bouncycastle.provider",
            "org.bouncycastle.util");
    assertThat(byStatic.get(true)).allMatch(name -> name.startsWith("io.netty."));
  }

  @Test
  void resolvesWithoutNettyForAJdkOnlyApplication() {
    Configuration resolved =
        ModulePath.jars(
                name ->
                    name.startsWith("org.jctools")
                        || name.startsWith("org.bouncycastle")
                        || name.equals("HdrHistogram"))
            .with(core)
            .resolve("io.niotls.core");
    assertThat(resolved.modules().stream().map(ResolvedModule::name))
        .contains("io.niotls.core", "org.jctools.core", "HdrHistogram", "org.bouncycastle.pkix")
        .noneMatch(name -> name.startsWith("io.netty"));
  }

  @Test
  void resolvesWithNettyForTheOpenSslProvider() {
    Configuration resolved =
        ModulePath.jars(
                name ->
                    name.startsWith("io.netty")
                        || name.startsWith("org.jctools")
                        || name.equals("HdrHistogram")
                        || name.startsWith("org.bouncycastle"))
            .with(core)
            .resolve("io.niotls.core", "io.netty.handler", "io.netty.tcnative.classes.openssl");
    assertThat(resolved.findModule("io.niotls.core").orElseThrow().reads())
        .extracting(ResolvedModule::name)
        .contains("io.netty.handler", "io.netty.tcnative.classes.openssl");
  }
}
