package io.niotls.testing;

import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The module descriptors of niotls's compiled classes and of the jars on the test's path, for tests
 * that resolve a module the way an application on the module path would.
 */
public final class ModulePath {
  private final Map<String, ModuleReference> modules = new HashMap<>();

  private ModulePath() {}

  /**
   * The jars on this JVM's path whose module names {@code keep} takes. Keep the test tools out: an
   * automatic module reads, and so pulls in, every other automatic module found.
   */
  public static ModulePath jars(Predicate<String> keep) {
    ModulePath path = new ModulePath();
    Stream.of("jdk.module.path", "java.class.path")
        .map(System::getProperty)
        .filter(p -> p != null && !p.isEmpty())
        .flatMap(p -> Stream.of(p.split(File.pathSeparator)))
        .filter(p -> p.endsWith(".jar"))
        .forEach(
            jar -> {
              try {
                ModuleFinder.of(Path.of(jar)).findAll().stream()
                    .filter(m -> keep.test(m.descriptor().name()))
                    .forEach(m -> path.modules.putIfAbsent(m.descriptor().name(), m));
              } catch (FindException notAModule) {
                // no module name can be made for it: not one that is wanted
              }
            });
    return path;
  }

  /** The module {@code name} compiled into the classes directory that holds {@code type}. */
  public static ModuleReference compiled(Class<?> type, String name) {
    try {
      Path classes = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
      return ModuleFinder.of(classes).find(name).orElseThrow();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Adds a module found elsewhere (such as {@link #compiled}). */
  public ModulePath with(ModuleReference module) {
    modules.put(module.descriptor().name(), module);
    return this;
  }

  /** Resolves {@code roots} against these modules, over the JDK's. */
  public Configuration resolve(String... roots) {
    Map<String, ModuleReference> found = Map.copyOf(modules);
    ModuleFinder finder =
        new ModuleFinder() {
          @Override
          public Optional<ModuleReference> find(String name) {
            return Optional.ofNullable(found.get(name));
          }

          @Override
          public Set<ModuleReference> findAll() {
            return Set.copyOf(found.values());
          }
        };
    return Configuration.resolve(
        finder, List.of(ModuleLayer.boot().configuration()), ModuleFinder.of(), Set.of(roots));
  }
}
