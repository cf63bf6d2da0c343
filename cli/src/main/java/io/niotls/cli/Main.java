package io.niotls.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The {@code niotls} command: {@code server}, {@code client} and {@code bench}.
 *
 * <p>Exit codes: {@link #OK}; {@link #FAILED} when something went wrong while running (refused
 * connection, failed handshake, bench failures); {@link #USAGE} for bad input (unknown option, bad
 * URI, duration, protocol, provider, key or trust option). Every error is one line on stderr,
 * {@code niotls: <message>}, without a stack trace (set {@code NIOTLS_DEBUG=1} to get one).
 */
public final class Main {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(Io.system(), args));
  }

  /** Runs one command line with these streams and returns its exit code; never exits the JVM. */
  public static int run(Io io, String... args) {
    return commandLine(io).execute(args);
  }

  /** The whole command tree wired to {@code io}, with the one-line error handlers. */
  public static CommandLine commandLine(Io io) {
    CommandLine cl = new CommandLine(new RootCommand());
    cl.addSubcommand(new ServerCommand(io));
    cl.addSubcommand(new ClientCommand(io));
    cl.addSubcommand(new BenchCommand(io));
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setOut(new PrintWriter(io.out(), true));
    cl.setErr(new PrintWriter(io.err(), true));
    cl.setParameterExceptionHandler(parameterErrors(io));
    cl.setExecutionExceptionHandler(executionErrors(io));
    return cl;
  }

  private static IParameterExceptionHandler parameterErrors(Io io) {
    return (ParameterException e, String[] args) -> {
      String command = e.getCommandLine().getCommandSpec().qualifiedName();
      io.err().println("niotls: " + oneLine(e.getMessage()) + " (see '" + command + " --help')");
      debug(io, e);
      return USAGE;
    };
  }

  private static IExecutionExceptionHandler executionErrors(Io io) {
    return (Exception e, CommandLine cl, ParseResult parsed) -> {
      int code;
      if (e instanceof CliException cli) {
        code = cli.exitCode();
      } else if (e instanceof IllegalArgumentException) {
        // TlsConfigException and TransportUri's refusals: the input was wrong
        code = USAGE;
      } else {
        code = FAILED;
      }
      io.err().println("niotls: " + describe(e));
      debug(io, e);
      return code;
    };
  }

  /** A failure in one line: its message, or its type when it has none. */
  static String describe(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      message = e.getClass().getSimpleName();
    }
    return oneLine(message);
  }

  static String oneLine(String text) {
    return text.strip().replaceAll("\\s*[\\r\\n]+\\s*", "; ");
  }

  private static void debug(Io io, Exception e) {
    String flag = System.getenv("NIOTLS_DEBUG");
    if (flag != null && !flag.isEmpty() && !flag.equals("0")) {
      e.printStackTrace(io.err());
    }
  }
}
