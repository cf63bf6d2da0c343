package io.niotls;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.niotls.context.ProviderEngines;
import io.niotls.engine.UnderlyingEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: applications read a connection's facts from {@code SessionInfo}, never from an
 * SSLEngine, so no public method of core takes or returns one, except in the two types documented
 * as being for niotls's own modules.
 */
class SslEngineSurfaceTest {
  private static final Set<Class<?>> FOR_NIOTLS_ONLY =
      Set.of(ProviderEngines.class, UnderlyingEngine.class);

  @Test
  void noPublicMethodOfCoreTakesOrReturnsAnSslEngineOutsideTheTwoBridgesForNiotlsItself() {
    JavaClasses core =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.niotls");
    List<String> exposing = new ArrayList<>();
    for (JavaClass type : core) {
      if (!type.getModifiers().contains(JavaModifier.PUBLIC)
          || FOR_NIOTLS_ONLY.stream().anyMatch(type::isEquivalentTo)) {
        continue;
      }
      for (JavaMethod m : type.getMethods()) {
        if (m.getModifiers().contains(JavaModifier.PUBLIC)
            && (m.getRawReturnType().isAssignableTo(SSLEngine.class)
                || m.getRawParameterTypes().stream()
                    .anyMatch(p -> p.isAssignableTo(SSLEngine.class)))) {
          exposing.add(m.getFullName());
        }
      }
    }
    assertThat(core.contain(io.niotls.engine.TlsEngine.class)).isTrue();
    assertThat(exposing).as("public methods with an SSLEngine in their signature").isEmpty();
  }
}
