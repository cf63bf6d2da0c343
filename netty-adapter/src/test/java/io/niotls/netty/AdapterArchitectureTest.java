package io.niotls.netty;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.niotls.context.Provider;
import org.junit.jupiter.api.Test;

/**
 * The Netty adapter's arrows in docs/ARCHITECTURE.md: it runs the engine over a memory transport,
 * reads the wire format through core's wire package, and knows neither the selector loop, nor
 * transport URIs, nor the command or the benchmarks.
 */
class AdapterArchitectureTest {

  @Test
  void theAdapterUsesOnlyTheEngineContextTransportBuffersAndWireFormat() {
    JavaClasses adapter =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.niotls.netty");

    noClasses()
        .that()
        .resideInAPackage("io.niotls.netty..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.niotls.loop..", "io.niotls.uri..", "io.niotls.cli..", "io.niotls.bench..")
        .because("docs/ARCHITECTURE.md: netty -> engine, context, transport, buffer, wire")
        .check(adapter);
  }

  @Test
  void theHandlerIsAnSslHandlerAndTheContextAnSslContextWhereNettyCodeLooksForThem() {
    JavaClasses adapter =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.niotls.netty");

    classes()
        .that()
        .haveSimpleName("TlsHandler")
        .should()
        .beAssignableTo(SslHandler.class)
        .because("docs/ARCHITECTURE.md: Netty code finds TLS as pipeline.get(SslHandler.class)")
        .check(adapter);
    classes()
        .that()
        .haveSimpleName("NiotlsSslContext")
        .should()
        .beAssignableTo(SslContext.class)
        .check(adapter);
    noClasses()
        .that()
        .doNotHaveSimpleName("JdkEngines")
        .should()
        .dependOnClassesThat()
        .areAssignableTo(JdkSslContext.class)
        .because("only the JDK provider's engines for Netty's own SslHandler go through it")
        .check(adapter);
  }

  @Test
  void theAdapterAsksTheEngineAndContextWhatTheyCanDoInsteadOfWhichProviderTheyAre() {
    JavaClasses adapter =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.niotls.netty");

    noClasses()
        .that()
        .resideInAPackage("io.niotls.netty..")
        .should()
        .dependOnClassesThat()
        .areAssignableTo(Provider.class)
        .because(
            "issue 13: the adapter stops branching on Provider; what differs is asked as a"
                + " capability (prefersDirectBuffers, UnderlyingEngine.of, plaintextPerRecord)")
        .check(adapter);
  }
}
