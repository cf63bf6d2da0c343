package io.niotls.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.niotls.engine.TlsEngine;
import io.niotls.testing.ModulePath;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReference;
import org.junit.jupiter.api.Test;

/**
 * The adapter's module descriptor, read from the compiled classes: one exported package, core and
 * Netty's handler read transitively (they appear in its API), and it resolves against the real
 * jars.
 */
class ModuleDescriptorTest {
  @Test
  void exportsTheAdapterPackageOnlyAndResolvesAgainstCoreAndNetty() throws Exception {
    ModuleReference adapter = ModulePath.compiled(TlsHandler.class, "io.niotls.netty");
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

    Configuration resolved =
        ModulePath.jars(
                name ->
                    name.startsWith("io.netty")
                        || name.startsWith("org.jctools")
                        || name.equals("HdrHistogram")
                        || name.startsWith("org.bouncycastle"))
            .with(adapter)
            .with(ModulePath.compiled(TlsEngine.class, "io.niotls.core"))
            .resolve("io.niotls.netty");
    assertThat(resolved.findModule("io.niotls.netty")).isPresent();
    assertThat(resolved.findModule("io.niotls.core")).isPresent();
  }
}
