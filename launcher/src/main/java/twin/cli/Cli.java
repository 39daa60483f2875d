package twin.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
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

  /** The whole command tree: help, completion and tests see every subcommand. */
  public static CommandLine create(PrintWriter out, PrintWriter err) {
    return create(out, err, TwinCommand.SUBCOMMANDS);
  }

  /**
   * The command tree {@code args} needs: when they name a subcommand, only that one, else all of
   * them. Help, completion, errors and suggestions come out as from the whole tree.
   */
  public static CommandLine create(PrintWriter out, PrintWriter err, String[] args) {
    return create(out, err, subcommandsFor(args));
  }

  private static CommandLine create(PrintWriter out, PrintWriter err, List<Class<?>> subcommands) {
    TwinCommand root = new TwinCommand();
    CommandLine cli = new CommandLine(root);
    // Before the settings below, which picocli copies to the subcommands present when they are set.
    for (Class<?> subcommand : subcommands) {
      cli.addSubcommand(subcommand);
    }
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setUsageHelpWidth(100);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> report(e, commandLine.getErr(), root.stacktrace));
    cli.setParameterExceptionHandler((e, args) -> {
      e.getCommandLine().getErr().println(usageError(e));
      return ExitCodes.USAGE;
    });
    return cli;
  }

  /**
   * One line for a command line picocli cannot read: what is wrong in twin's words, the nearest
   * command or option when there is one, and where help is.
   */
  static String usageError(picocli.CommandLine.ParameterException e) {
    picocli.CommandLine command = e.getCommandLine();
    String name = command.getCommandSpec().qualifiedName();
    // picocli words some messages "Error: ..." itself; one prefix is enough.
    String message = e.getMessage().replaceFirst("^Error: ", "");
    if (e instanceof picocli.CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String word = u.getUnmatched().get(0);
      boolean option = word.startsWith("-");
      if (!option && !command.getSubcommands().isEmpty()) {
        message = "unknown command '" + word + "'";
      } else if (!option) {
        message = "unexpected argument '" + word + "'";
      }
      List<String> near = u.getSuggestions();
      if (!near.isEmpty()) {
        message += "; did you mean " + near.get(0) + "?";
      }
    }
    // "'abc' is not a long": the Java type means nothing to a user.
    message = message.replaceAll("is not an? (long|int|integer|Integer|Long)\\b", "is not a whole number");
    return "twin: error: " + message + " (see '" + name + " --help')";
  }

  /**
   * The subcommands a command line needs: the one its first word names (aliases too), none for
   * a bare {@code --version}, all of them for help, completion, {@code @argfiles}, {@code --} and
   * anything else, so that every message and suggestion is the whole tree's.
   */
  static List<Class<?>> subcommandsFor(String[] args) {
    boolean version = false;
    for (String arg : args) {
      if (arg.equals("-V") || arg.equals("--version")) {
        version = true;
      } else if (arg.startsWith("@") || arg.equals("-h") || arg.equals("--help") || arg.equals("--")) {
        return TwinCommand.SUBCOMMANDS;
      } else if (!arg.startsWith("-")) {
        for (Class<?> subcommand : TwinCommand.SUBCOMMANDS) {
          Command command = subcommand.getAnnotation(Command.class);
          if (subcommand != CompletionCommand.class && subcommand != HelpCommand.class
              && (command.name().equals(arg) || List.of(command.aliases()).contains(arg))) {
            return List.of(subcommand);
          }
        }
        return TwinCommand.SUBCOMMANDS;
      }
    }
    return version ? List.of() : TwinCommand.SUBCOMMANDS;
  }

  /** Reports a command's failure as one line (a stack trace too when asked) and returns its exit code. */
  static int report(Exception e, PrintWriter err, boolean stacktrace) {
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
