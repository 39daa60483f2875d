package twin.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import twin.ExitCodes;
import twin.Os;
import twin.TwinException;
import twin.plan.ShellQuote;
import twin.capture.SystemdUnits;
import twin.capture.UnitService;
import twin.profile.ProfileException;
import twin.systemd.DropIn;

/** {@code twin systemd}: run twins under systemd, as {@code twin@PROFILE.service}. */
@Command(
    name = "systemd",
    mixinStandardHelpOptions = true,
    description = {
        "Runs a twin under systemd as twin@PROFILE.service (the twin@.service template, installed with "
            + "the package), sandboxed and with capped memory, CPU and IO. A drop-in gives the twin the "
            + "service's User=, Group=, EnvironmentFile=, WorkingDirectory= and Slice=.",
        ""},
    subcommands = {SystemdCommand.UnitCommand.class, SystemdCommand.InstallCommand.class},
    footerHeading = "%nExamples:%n",
    footer = {
        "  twin systemd unit demo                 print the drop-in for twin@demo.service",
        "  sudo twin systemd install demo         write it to /etc/systemd/system/twin@demo.service.d/",
        "  sudo systemctl daemon-reload && sudo systemctl start twin@demo",
        "  sudo TWIN_RUNTIME_DIR=/run/twin/demo twin attach demo"})
public final class SystemdCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The options both subcommands take: which profile, which service, where units are. */
  static final class Target {
    @Parameters(index = "0", paramLabel = "PROFILE", description = "A profile, by name or file; its name is the instance name of twin@.service.")
    String profile;

    @Option(names = "--service", paramLabel = "UNIT",
        description = "The service whose unit the twin copies (default: PROFILE.service).")
    String service;

    @Option(names = "--unit-path", paramLabel = "DIRS",
        description = "The unit search path, colon-separated (default: $TWIN_UNIT_PATH, else "
            + "/etc/systemd/system:/run/systemd/system:/lib/systemd/system:/usr/lib/systemd/system).")
    String unitPath;

    /** The profile file to copy to /etc/twin/profiles, set by {@link #dropIn} when it is missing there. */
    Path missingProfile;

    /**
     * The drop-in; warns on {@code err} when twin@NAME would not find the profile under {@code root}
     * ({@code copyHint}: how to put it there).
     */
    DropIn dropIn(Path root, PrintWriter err, String copyHint) throws ProfileException {
      Environment world = Environment.current();
      twin.profile.Profile loaded = world.loadProfile(profile);
      String name = loaded.name();
      // twin@.service runs 'twin supervise ... %i' with TWIN_PROFILES=/etc/twin/profiles.
      Path profiles = root.resolve("etc/twin/profiles");
      if (!Files.isRegularFile(profiles.resolve(name + ".yaml")) && !Files.isRegularFile(profiles.resolve(name + ".yml"))) {
        missingProfile = loaded.file().toAbsolutePath();
        err.println("twin: warning: twin@" + name + " reads its profile from /etc/twin/profiles/" + name
            + ".yaml, which is missing" + (root.equals(Path.of("/")) ? "" : " under " + root) + "; " + copyHint);
      }
      SystemdUnits units = unitPath != null
          ? new SystemdUnits(Arrays.stream(unitPath.split(":")).filter(d -> !d.isEmpty()).map(Path::of).toList())
          : SystemdUnits.standard(world.env);
      UnitService unit = units.load(service != null ? service : name + ".service");
      return DropIn.of(name, unit);
    }
  }

  /** {@code twin systemd unit}: print the drop-in. */
  @Command(name = "unit", mixinStandardHelpOptions = true,
      description = "Prints the drop-in twin@PROFILE.service.d/twin.conf, read from the service's unit file and drop-ins.")
  static final class UnitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    Target target = new Target();

    @Override
    public Integer call() throws ProfileException {
      PrintWriter err = spec.commandLine().getErr();
      DropIn dropIn = target.dropIn(Path.of("/"), err, "copy it there");
      dropIn.warnings().forEach(w -> err.println("twin: warning: " + w));
      err.flush();
      PrintWriter out = spec.commandLine().getOut();
      out.print(dropIn.text());
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code twin systemd install}: write the drop-in and say what to run next. */
  @Command(name = "install", mixinStandardHelpOptions = true,
      description = {"Writes the drop-in to ROOT/etc/systemd/system/twin@PROFILE.service.d/twin.conf and prints "
          + "the commands that start the twin (first the one that copies the profile to /etc/twin/profiles, "
          + "when it is not there yet).",
          "A twin.conf that is there already and differs from twin's (edited by hand, or from an older unit) "
          + "is kept, with a warning, unless --force."})
  static final class InstallCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    Target target = new Target();

    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
        description = "Write under DIR, an existing directory, instead of / (default: ${DEFAULT-VALUE}).")
    Path root;

    @Option(names = "--force", description = "Replace a twin.conf that differs from twin's.")
    boolean force;

    @Override
    public Integer call() throws ProfileException {
      PrintWriter err = spec.commandLine().getErr();
      if (!Files.isDirectory(root)) {
        throw TwinException.usage("--root " + root + ": " + (Files.exists(root) ? "not a directory" : "no such directory"));
      }
      DropIn dropIn = target.dropIn(root, err, "the first command below copies it there");
      Path file = root.resolve("etc/systemd/system").resolve(dropIn.relativePath());
      String wrote = write(file, dropIn.text(), err);
      dropIn.warnings().forEach(w -> err.println("twin: warning: " + w));
      if (wrote != null) {
        err.println(wrote);
      }
      err.flush();
      String name = dropIn.profile();
      PrintWriter out = spec.commandLine().getOut();
      if (target.missingProfile != null) {
        out.println("install -D -m 0644 " + ShellQuote.quote(target.missingProfile.toString()) + " "
            + ShellQuote.quote(root.resolve("etc/twin/profiles/" + name + ".yaml").toString()));
      }
      out.println("systemctl daemon-reload");
      out.println("systemctl start twin@" + name);
      // Each twin@ instance has its own runtime dir (see twin@.service), so attach names it.
      out.println("TWIN_RUNTIME_DIR=/run/twin/" + name + " twin attach " + name);
      out.flush();
      return ExitCodes.OK;
    }

    /**
     * Writes the drop-in unless a different one is there and not {@code --force}: an admin's
     * edits are never lost. Returns the line to report, or null when a warning said it all.
     */
    private String write(Path file, String text, PrintWriter err) {
      try {
        if (Files.isRegularFile(file)) {
          String there = Files.readString(file, StandardCharsets.UTF_8);
          if (there.equals(text)) {
            return "twin: " + file + " is up to date";
          }
          if (!force) {
            String unit = "twin systemd unit " + ShellQuote.quote(target.profile)
                + (target.service == null ? "" : " --service " + ShellQuote.quote(target.service))
                + (target.unitPath == null ? "" : " --unit-path " + ShellQuote.quote(target.unitPath));
            err.println("twin: warning: kept " + file + " (differs from twin's; see how: " + unit + " | diff "
                + ShellQuote.quote(file.toString()) + " -; replace it: --force)");
            return null;
          }
        }
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return "twin: wrote " + file;
      } catch (IOException e) {
        throw TwinException.cannotWrite(file, e);
      }
    }
  }
}
