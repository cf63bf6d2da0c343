package io.niotls;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The package arrows docs/ARCHITECTURE.md draws for core, checked on the compiled classes: each
 * package may use only the ones listed for it, and none knows the Netty adapter, the command or the
 * benchmarks, so the map cannot drift from the code unnoticed.
 */
class ArchitectureTest {
  private static final List<String> CORE =
      List.of(
          "uri",
          "buffer",
          "wire",
          "context",
          "certs",
          "transport",
          "engine",
          "datagram",
          "loop",
          "channel");

  /** Each core package and the core packages it may use (besides itself). */
  private static final Map<String, List<String>> MAY_USE =
      Map.of(
          "uri", List.of(),
          "buffer", List.of(),
          "wire", List.of(),
          "context", List.of("buffer", "wire"),
          "certs", List.of("context"),
          "transport", List.of("buffer"),
          "engine", List.of("context", "transport", "buffer", "wire"),
          "datagram", List.of("engine", "context"),
          "loop", List.of("engine", "datagram", "context", "transport", "buffer", "uri", "wire"),
          "channel", List.of("engine", "context", "transport", "buffer", "wire"));

  private static JavaClasses classes;

  @BeforeAll
  static void importCore() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.niotls");
  }

  static Stream<String> packages() {
    return CORE.stream();
  }

  @ParameterizedTest
  @MethodSource("packages")
  void aPackageUsesOnlyThePackagesTheMapAllowsIt(String pkg) {
    // and no core package knows the modules built on it
    String[] forbidden =
        Stream.concat(
                CORE.stream()
                    .filter(other -> !other.equals(pkg) && !MAY_USE.get(pkg).contains(other)),
                Stream.of("netty", "cli", "bench"))
            .map(other -> "io.niotls." + other + "..")
            .toArray(String[]::new);
    noClasses()
        .that()
        .resideInAPackage("io.niotls." + pkg + "..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(forbidden)
        .because(
            "docs/ARCHITECTURE.md: "
                + pkg
                + " -> "
                + MAY_USE.get(pkg).stream().collect(Collectors.joining(", ")))
        .check(classes);
  }
}
