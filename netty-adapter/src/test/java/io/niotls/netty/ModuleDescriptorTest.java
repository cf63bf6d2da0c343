package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.engine.TlsEngine;
import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The adapter's module descriptor, read from the compiled classes: one exported package, core and
 * Netty's handler read transitively (they appear in its API), and it resolves against the real
 * jars.
 */
class ModuleDescriptorTest {
  @Test
  void exportsTheAdapterPackageOnlyAndResolvesAgainstCoreAndNetty() throws Exception {
    ModuleReference adapter = module(TlsHandler.class, "io.niotls.netty");
    ModuleDescriptor d = adapter.descriptor();
    assertThat(d.exports())
        .extracting(ModuleDescriptor.Exports::source)
        .containsExactly("io.niotls.netty");
    assertThat(d.packages()).containsExactly("io.niotls.netty");
    assertThat(
            d.requires().stream()
                .filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                .map(ModuleDescriptor.Requires::name))
        .contains("io.niotls.core", "io.netty.handler");

    Map<String, ModuleReference> found = jars();
    found.put("io.niotls.netty", adapter);
    found.put("io.niotls.core", module(TlsEngine.class, "io.niotls.core"));
    Configuration resolved =
        Configuration.resolve(
            finder(found),
            List.of(ModuleLayer.boot().configuration()),
            ModuleFinder.of(),
            Set.of("io.niotls.netty"));
    assertThat(resolved.findModule("io.niotls.netty")).isPresent();
    assertThat(resolved.findModule("io.niotls.core")).isPresent();
  }

  private static ModuleReference module(Class<?> type, String name) throws URISyntaxException {
    Path classes = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    return ModuleFinder.of(classes).find(name).orElseThrow();
  }

  /** Netty's, JCTools' and BouncyCastle's jars on the test's path, by module name. */
  private static Map<String, ModuleReference> jars() {
    Map<String, ModuleReference> jars = new HashMap<>();
    Stream.of("jdk.module.path", "java.class.path")
        .map(System::getProperty)
        .filter(p -> p != null && !p.isEmpty())
        .flatMap(p -> Stream.of(p.split(File.pathSeparator)))
        .filter(p -> p.endsWith(".jar"))
        .forEach(
            jar -> {
              try {
                ModuleFinder.of(Path.of(jar)).findAll().stream()
                    .filter(m -> keep(m.descriptor().name()))
                    .forEach(m -> jars.putIfAbsent(m.descriptor().name(), m));
              } catch (FindException notAModule) {
                // no module name can be made for it: not one of ours
              }
            });
    return jars;
  }

  /** Not the test tools: an automatic module pulls in every other automatic module found. */
  private static boolean keep(String name) {
    return name.startsWith("io.netty")
        || name.startsWith("org.jctools")
        || name.startsWith("org.bouncycastle");
  }

  private static ModuleFinder finder(Map<String, ModuleReference> found) {
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
