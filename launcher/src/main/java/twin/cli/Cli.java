package twin.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import twin.ExitCodes;
import twin.TwinException;
import twin.profile.ProfileException;
import twin.profile.ProfileNotFoundException;

/**
 * Builds the command line with twin's error handling: every failure is one line on stderr and
 * a documented exit code; a stack trace only with {@code --stacktrace}.
 */
public final class Cli {
  private Cli() {}

  public static CommandLine create(PrintWriter out, PrintWriter err) {
    TwinCommand root = new TwinCommand();
    CommandLine cli = new CommandLine(root);
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setUsageHelpWidth(100);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, commandLine, root.stacktrace));
    cli.setParameterExceptionHandler((e, args) -> {
      PrintWriter w = e.getCommandLine().getErr();
      // picocli words some messages "Error: ..." itself; one prefix is enough.
      w.println("twin: error: " + e.getMessage().replaceFirst("^Error: ", ""));
      w.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more information.");
      return ExitCodes.USAGE;
    });
    return cli;
  }

  private static int report(Exception e, CommandLine commandLine, boolean stacktrace) {
    PrintWriter err = commandLine.getErr();
    int code;
    if (e instanceof TwinException t) {
      err.println("twin: error: " + t.getMessage());
      if (t.detail() != null) {
        err.println(t.detail());
      }
      code = t.exitCode();
    } else if (e instanceof ProfileNotFoundException p) {
      err.println("twin: error: " + p.getMessage());
      code = ExitCodes.USAGE;
    } else if (e instanceof ProfileException p) {
      // Already FILE:LINE:COL: error: ..., as a compiler would print it.
      err.println(p.getMessage());
      if (p.snippet() != null && !p.snippet().isEmpty()) {
        err.println(p.snippet());
      }
      code = ExitCodes.USAGE;
    } else {
      err.println("twin: error: internal error: " + e + (stacktrace ? "" : " (run with --stacktrace for details)"));
      code = ExitCodes.INTERNAL;
    }
    if (stacktrace) {
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }
}
