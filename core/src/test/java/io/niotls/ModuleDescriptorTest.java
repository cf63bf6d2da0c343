package io.niotls;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.engine.TlsEngine;
import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
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
          "io.niotls.engine",
          "io.niotls.loop",
          "io.niotls.transport",
          "io.niotls.uri",
          "io.niotls.wire");

  private static ModuleReference core;
  private static Map<String, ModuleReference> jars;

  @BeforeAll
  static void findModules() throws URISyntaxException {
    Path classes =
        Path.of(TlsEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    core = ModuleFinder.of(classes).find("io.niotls.core").orElseThrow();
    jars = new HashMap<>();
    Stream.of("jdk.module.path", "java.class.path")
        .map(System::getProperty)
        .filter(p -> p != null && !p.isEmpty())
        .flatMap(p -> Stream.of(p.split(File.pathSeparator)))
        .filter(p -> p.endsWith(".jar"))
        .forEach(
            jar -> {
              try {
                ModuleFinder.of(Path.of(jar))
                    .findAll()
                    .forEach(m -> jars.putIfAbsent(m.descriptor().name(), m));
              } catch (FindException notAModule) {
                // a jar no module name can be made for is no dependency of core
              }
            });
  }

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
        resolve(
            name ->
                name.startsWith("org.jctools")
                    || name.startsWith("org.bouncycastle")
                    || name.equals("HdrHistogram"));
    assertThat(resolved.modules().stream().map(ResolvedModule::name))
        .contains("io.niotls.core", "org.jctools.core", "HdrHistogram", "org.bouncycastle.pkix")
        .noneMatch(name -> name.startsWith("io.netty"));
  }

  @Test
  void resolvesWithNettyForTheOpenSslProvider() {
    Configuration resolved =
        Configuration.resolve(
            // not the test tools: an automatic module pulls in every other automatic module found
            finder(
                name ->
                    name.startsWith("io.netty")
                        || name.startsWith("org.jctools")
                        || name.equals("HdrHistogram")
                        || name.startsWith("org.bouncycastle")),
            java.util.List.of(ModuleLayer.boot().configuration()),
            ModuleFinder.of(),
            Set.of("io.niotls.core", "io.netty.handler", "io.netty.tcnative.classes.openssl"));
    assertThat(resolved.findModule("io.niotls.core").orElseThrow().reads())
        .extracting(ResolvedModule::name)
        .contains("io.netty.handler", "io.netty.tcnative.classes.openssl");
  }

  private static Configuration resolve(java.util.function.Predicate<String> keep) {
    return Configuration.resolve(
        finder(keep),
        java.util.List.of(ModuleLayer.boot().configuration()),
        ModuleFinder.of(),
        Set.of("io.niotls.core"));
  }

  /** Core's classes and the jars of the test's path whose module names {@code keep} takes. */
  private static ModuleFinder finder(java.util.function.Predicate<String> keep) {
    Map<String, ModuleReference> found = new HashMap<>();
    jars.forEach(
        (name, ref) -> {
          if (keep.test(name)) {
            found.put(name, ref);
          }
        });
    found.put("io.niotls.core", core);
    return new ModuleFinder() {
      @Override
      public Optional<ModuleReference> find(String name) {
        return Optional.ofNullable(found.get(name));
      }

      @Override
      public Set<ModuleReference> findAll() {
        return Set.copyOf(found.values());
      }
    };
  }
}
