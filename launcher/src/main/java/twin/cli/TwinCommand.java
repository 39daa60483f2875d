package twin.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The root command: lists the subcommands and holds the options every one of them takes. */
@Command(
    name = "twin",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
        "Starts a debug twin of a JVM service: the service's java, classpath, environment, workdir "
            + "and user, but never its main. You get a Clojure REPL inside the twin while the live "
            + "service is left alone.",
        ""},
    footerHeading = "%nExit codes:%n",
    footer = {
        "  0    success",
        "  1    the twin or the code evaluated in it failed",
        "  2    bad usage or an invalid profile",
        "  3    not permitted (access, user)",
        "  4    internal error",
        "  130  left with Ctrl-C (a second Ctrl-C during eval, run or sql)",
        "",
        "Start with:  twin launch demo      (a twin of the bundled demo service)",
        "Profiles:    twin profiles list    (see profiles/README.md for the format)"})
public final class TwinCommand implements Runnable {
  /**
   * The subcommands, in the order help lists them. {@link Cli} adds them, not the annotation, so
   * that a command line naming one of them builds only that one (picocli reflects over every
   * command it adds, most of a launcher's start).
   */
  static final List<Class<?>> SUBCOMMANDS = List.of(LaunchCommand.class, TwinsCommands.AttachCommand.class,
      TwinsCommands.EvalCommand.class, TwinsCommands.RunCommand.class, SqlCommand.class, TwinsCommands.PsCommand.class,
      TwinsCommands.StopCommand.class, ProfilesCommand.class, CaptureCommand.class, DiffCommand.class,
      AuditCommand.class, SuperviseCommand.class, SystemdCommand.class, DoctorCommand.class, CompletionCommand.class,
      picocli.CommandLine.HelpCommand.class);

  @Option(names = "--stacktrace", scope = ScopeType.INHERIT,
      description = "On an error, also print the Java stack trace.")
  boolean stacktrace;

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
