package twin.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import twin.ExitCodes;
import twin.profile.Profile;
import twin.profile.ProfileException;
import twin.profile.ProfileNotFoundException;
import twin.profile.ProfileLoader;
import twin.profile.ProfileLocator;
import twin.profile.ProfileRenderer;
import twin.secret.Redactor;

/** {@code twin profiles}: find, show and check service profiles. */
@Command(
    name = "profiles",
    mixinStandardHelpOptions = true,
    description = {
        "Lists, shows and validates service profiles. Profiles are found by name in "
            + "$TWIN_PROFILES (colon-separated), ./profiles, ~/.config/twin/profiles and "
            + "/etc/twin/profiles, in that order; the format is in profiles/README.md.",
        ""},
    subcommands = {ProfilesCommand.ListCommand.class, ProfilesCommand.ShowCommand.class,
        ProfilesCommand.ValidateCommand.class})
public final class ProfilesCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code twin profiles list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List the profiles on the profile path: name, main class, file.",
      footer = {"", "Example:  twin profiles list"})
  static final class ListCommand implements Callable<Integer>, Direct.Streamed {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      return call(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    @Override
    public int call(PrintWriter out, PrintWriter err) {
      ProfileLocator locator = Environment.current().locator();
      List<Path> files = locator.list();
      if (files.isEmpty()) {
        err.println("twin: no profiles found (searched: " + join(locator.searchPath()) + ")");
        return ExitCodes.OK;
      }
      ProfileLoader loader = new ProfileLoader();
      int broken = 0;
      for (Path file : files) {
        try {
          Profile p = loader.load(file);
          String runs = p.main() != null ? p.main() : p.source() != null ? "(live: " + p.source() + ")" : "-";
          out.printf("%-20s %-40s %s%n", p.name(), runs, file);
        } catch (ProfileException e) {
          broken++;
          out.printf("%-20s %-40s %s%n", stem(file), "(invalid: see twin profiles validate)", file);
        }
      }
      return broken == 0 ? ExitCodes.OK : ExitCodes.USAGE;
    }
  }

  /** {@code twin profiles show NAME}. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Print a profile as twin reads it, with secret values masked. A profile with source: "
          + "is shown as read from the live service now, with the profile's own keys on top.",
      footer = {"", "Example:  twin profiles show demo"})
  static final class ShowCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "A profile name or a path to a profile file.")
    String name;

    @Override
    public Integer call() throws ProfileException {
      Profile p = Environment.current().resolveProfile(name);
      PrintWriter out = spec.commandLine().getOut();
      out.println("# " + p.file());
      String text = new ProfileRenderer().render(p, new Redactor(p.env(), p.twin().secretNames()));
      out.print(text.endsWith("\n") ? text : text + "\n");
      return ExitCodes.OK;
    }
  }

  /** {@code twin profiles validate [FILE...]}. */
  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = {"Check profiles and report every error as FILE:LINE:COL: error: MESSAGE. "
          + "With no FILE, checks every profile on the profile path. Exit 2 if any is invalid."},
      footer = {"", "Examples:", "  twin profiles validate", "  twin profiles validate profiles/orders.yaml"})
  static final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Profile names or files.")
    List<String> files = new ArrayList<>();

    @Option(names = "--syntax-only", description = "Check the files alone (YAML, keys, values), not what a launch "
        + "would find on this host (java, workdir, env files, classpath, user, a live source).")
    boolean syntaxOnly;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Environment world = Environment.current();
      List<String> targets = new ArrayList<>(files);
      if (targets.isEmpty()) {
        world.locator().list().forEach(p -> targets.add(p.toString()));
      }
      ProfileLoader loader = new ProfileLoader();
      int bad = 0;
      for (String target : targets) {
        try {
          Path file = world.locator().resolve(target);
          twin.profile.Profile profile = loader.load(file);
          if (!syntaxOnly) {
            // What a launch reads on this host before it starts anything: a live-linked profile is
            // read from its live service first, as a launch reads it.
            profile = twin.capture.LiveSource.standard(world.env).resolve(profile);
            new twin.plan.ServiceInspector(world.env, world.cwd).inspect(profile);
          }
          out.println(target + ": ok");
        } catch (twin.TwinException e) {
          bad++;
          err.println(target + ": error: on this host: " + e.getMessage());
        } catch (ProfileException e) {
          bad++;
          err.println(e instanceof ProfileNotFoundException ? "twin: error: " + e.getMessage() : e.getMessage());
          if (e.snippet() != null && !e.snippet().isEmpty()) {
            err.println(e.snippet());
          }
        }
      }
      return bad == 0 ? ExitCodes.OK : ExitCodes.USAGE;
    }
  }

  private static String stem(Path file) {
    String n = file.getFileName().toString();
    return n.replaceFirst("\\.ya?ml$", "");
  }

  private static String join(List<Path> paths) {
    List<String> s = new ArrayList<>();
    paths.forEach(p -> s.add(p.toString()));
    return String.join(", ", s);
  }
}
