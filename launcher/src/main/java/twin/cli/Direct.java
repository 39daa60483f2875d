package twin.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import twin.ExitCodes;

/**
 * The command lines people type most, run without building picocli's model: {@code --version},
 * {@code profiles list}, {@code ps}, and {@code launch}, {@code attach}, {@code eval}, {@code run}
 * and {@code stop} with positional arguments only. Reading picocli's annotations is most of a
 * launcher's own start (about 40 ms of it); these command lines have exactly one reading, so they
 * get the command object picocli would build, fields and all, and run it with the same writers and
 * the same error handling. Anything else (an option, {@code --}, an {@code @argfile}, a wrong
 * count of arguments, an unknown word) goes to picocli, which owns help, errors and suggestions.
 * {@code DirectTest} checks each shape against picocli's own parse.
 */
public final class Direct {
  /** A command that runs with given writers: picocli's, or these. */
  interface Streamed {
    int call(PrintWriter out, PrintWriter err) throws Exception;
  }

  private Direct() {}

  /**
   * Runs {@code args} when they are one of the direct shapes, and returns the exit code; null
   * when picocli must read them.
   */
  public static Integer execute(String[] args, PrintWriter out, PrintWriter err) {
    if (version(args)) {
      for (String line : new VersionProvider().getVersion()) {
        out.println(line);
      }
      return ExitCodes.OK;
    }
    Streamed command = command(args);
    if (command == null) {
      return null;
    }
    try {
      return command.call(out, err);
    } catch (Exception e) {
      return Cli.report(e, err, false);
    }
  }

  /** Whether {@link #execute} runs {@code args} itself. */
  public static boolean handles(String[] args) {
    return version(args) || command(args) != null;
  }

  private static boolean version(String[] args) {
    return args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
  }

  /** The command object for {@code args}, set as picocli would set it; null for anything else. */
  static Streamed command(String[] args) {
    if (args.length == 0) {
      return null;
    }
    for (String arg : args) {
      // Options, the end-of-options marker and argfiles are picocli's; so is help.
      if (arg.startsWith("-") || arg.startsWith("@")) {
        return null;
      }
    }
    switch (args[0]) {
      case "launch":
        if (args.length == 2) {
          LaunchCommand launch = new LaunchCommand();
          launch.profileName = args[1];
          return launch;
        }
        return null;
      case "attach":
        if (args.length == 2) {
          TwinsCommands.AttachCommand attach = new TwinsCommands.AttachCommand();
          attach.target = args[1];
          return attach;
        }
        return null;
      case "eval":
        if (args.length >= 3) {
          TwinsCommands.EvalCommand eval = new TwinsCommands.EvalCommand();
          eval.target = args[1];
          eval.forms.addAll(Arrays.asList(args).subList(2, args.length));
          return eval;
        }
        return null;
      case "run":
        if (args.length == 3) {
          TwinsCommands.RunCommand run = new TwinsCommands.RunCommand();
          run.target = args[1];
          run.file = Path.of(args[2]);
          return run;
        }
        return null;
      case "ps":
        return args.length == 1 ? new TwinsCommands.PsCommand() : null;
      case "stop":
        if (args.length == 2) {
          TwinsCommands.StopCommand stop = new TwinsCommands.StopCommand();
          stop.target = args[1];
          return stop;
        }
        return null;
      case "profiles":
        return args.length == 2 && args[1].equals("list") ? new ProfilesCommand.ListCommand() : null;
      default:
        return null;
    }
  }
}
