package io.niotls.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code niotls} without a command: says which commands there are. */
@Command(
    name = "niotls",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "A non-blocking TLS engine for the JVM, and the commands that show it working.",
      "",
      "  niotls bench                      full handshakes against an embedded server",
      "  niotls server tls://127.0.0.1:0   an echo (or --mode http) TLS server",
      "  niotls client tls://host:port     like openssl s_client"
    },
    synopsisSubcommandLabel = "(server | client | bench)")
final class RootCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    throw CliException.usage("give a command: server, client or bench (see 'niotls --help')");
  }
}
