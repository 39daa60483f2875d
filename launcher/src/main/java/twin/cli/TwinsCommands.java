package twin.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import twin.ExitCodes;
import twin.Os;
import twin.TwinException;
import twin.client.Console;
import twin.client.Printer;
import twin.client.RemoteTwin;
import twin.client.SessionDriver;
import twin.client.StreamPrinter;
import twin.client.StructuredPrinter;
import twin.client.TwinLocator;
import twin.secret.Redactor;

/** The commands that work with detached twins: attach, eval, run, ps and stop. */
final class TwinsCommands {
  private TwinsCommands() {}

  static TwinLocator locator() {
    return new TwinLocator(Environment.current().locations().runtimeDir());
  }

  /** {@code twin attach TWIN}. */
  @Command(name = "attach", mixinStandardHelpOptions = true,
      description = "Open a REPL session in a detached twin. TWIN is its id, or a profile name when only "
          + "one twin of it runs. Each session has its own *ns*, *1 and *e; Ctrl-D detaches and the twin "
          + "keeps running.",
      footer = {"", "Examples:", "  twin attach demo", "  twin attach demo-3f9a1c"})
  static final class AttachCommand implements Callable<Integer>, Direct.Streamed {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TWIN", description = "A twin id, or a profile name with exactly one running twin.")
    String target;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why: recorded in the transcript.")
    String reason;

    @Override
    public Integer call() throws Exception {
      return call(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    @Override
    public int call(PrintWriter out, PrintWriter err) throws Exception {
      RemoteTwin found = locator().require(target);
      RemoteTwin twin = found.withReason(requiredReason(found, reason));
      Environment world = Environment.current();
      Path history = world.home.resolve(".local/state/twin/repl-history");
      try (Console console = Console.open(twin.entry().profile(), history, Redactor.none())) {
        Map<String, String> status = twin.status();
        console.notice("attached to twin " + twin.entry().id() + " (pid " + status.get("twin-pid") + ", "
            + status.get("sessions") + " other session(s)). Ctrl-C interrupts; Ctrl-D detaches, the twin keeps running.");
        SessionDriver session = new SessionDriver(console)
            .onUnstoppable("the evaluation could not be stopped; press Ctrl-C again to leave this session "
                + "(the twin keeps running, with the evaluation stuck in it)")
            .open(twin, "attach");
        boolean stuck = console.run(session);
        session.close();
        if (stuck) {
          // A detached twin is shared: restarting it is its owner's call, not this session's.
          console.notice("left the session; the stuck evaluation still holds a thread in twin " + twin.entry().id()
              + ". To restart it: twin stop " + twin.entry().id() + " && twin launch " + twin.entry().profile()
              + " --detach");
          return ExitCodes.FAILED;
        }
        if (System.console() == null && session.failures() > 0) {
          // Forms piped to attach: a REPL goes on after an error, but a script learns of it, as a
          // launch with piped forms tells it.
          return ExitCodes.FAILED;
        }
      }
      return ExitCodes.OK;
    }
  }

  /** The reason, asked for or refused when the twin's profile requires one. */
  static String requiredReason(RemoteTwin twin, String reason) {
    boolean required = "true".equals(twin.status().get("require-reason"));
    return Reasons.require(reason, required, twin.entry().profile());
  }

  /** Output formats for eval and run; null means as a REPL prints. */
  record Format(boolean json) {
    static Format of(boolean edn, boolean json) {
      if (edn && json) {
        throw TwinException.usage("--edn and --json do not go together");
      }
      return edn || json ? new Format(json) : null;
    }
  }

  /** Evaluates text in a running twin, or in a fresh one started from a profile. */
  static int evaluate(String target, String text, String kind, Format format, PrintWriter out, PrintWriter err,
      String reason) throws Exception {
    return evaluate(target, text, kind, format, out, err, reason, null);
  }

  /**
   * {@link #evaluate}, with errors located in {@code source} (twin run's file) instead of the
   * REPL's name for its input: a fresh session reads the file from its line 1, so the lines are the file's.
   */
  static int evaluate(String target, String text, String kind, Format format, PrintWriter out, PrintWriter err,
      String reason, String source) throws Exception {
    RemoteTwin twin = locator().find(target);
    if (twin != null) {
      twin = twin.withReason(requiredReason(twin, reason));
    }
    Printer printer = format == null ? new StreamPrinter(out, err, Redactor.none())
        : new StructuredPrinter(out, err, format.json(), Redactor.none());
    int code;
    if (twin != null) {
      code = Launches.evalIn(twin, text, kind, Printer.locatedIn(printer, source));
    } else {
      Launches.Prepared prepared = Launches.prepareForTarget(Environment.current(), target);
      reason = Reasons.require(reason, prepared.profile().twin().requireReason(), prepared.plan().profileName());
      Printer local = format == null ? new StreamPrinter(out, err, prepared.redactor())
          : new StructuredPrinter(out, err, format.json(), prepared.redactor());
      code = Launches.runOnce(prepared, text, kind, false, Printer.locatedIn(local, source), reason);
      printer = local;
    }
    if (printer instanceof StructuredPrinter s) {
      s.finish();
    }
    return code;
  }

  /** {@code twin eval TWIN|PROFILE FORM...}. */
  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = "Evaluate forms and print the results as a REPL would. In a running twin when TWIN names "
          + "one; otherwise PROFILE is launched, the forms run, and the twin ends. The forms stop at the first "
          + "one that throws: exit 1, the error on stderr.",
      footer = {"", "Examples:", "  twin eval demo '(+ 1 2)'", "  twin eval demo-3f9a1c --json '(keys (System/getenv))'"})
  static final class EvalCommand implements Callable<Integer>, Direct.Streamed {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TWIN|PROFILE",
        description = "A running twin (its id, or its profile's name when one twin of it runs), or a profile to launch a twin of.")
    String target;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "FORM",
        description = "Clojure forms; several arguments are read as one text, one after another.")
    List<String> forms = new ArrayList<>();

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why: recorded in the transcript.")
    String reason;

    @Option(names = "--edn", description = "One EDN map per form: {:ok true :value \"3\"} or {:ok false :error ...}.")
    boolean edn;

    @Option(names = "--json", description = "One JSON object per form: {\"ok\":true,\"value\":\"3\"}.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      return call(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    @Override
    public int call(PrintWriter out, PrintWriter err) throws Exception {
      return evaluate(target, String.join("\n", forms), "eval", Format.of(edn, json), out, err, reason);
    }
  }

  /** {@code twin run TWIN|PROFILE FILE.clj}. */
  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Evaluate the forms of a Clojure file in order, like eval: the first form that throws "
          + "or cannot be read ends the run (exit 1), and the forms after it are not evaluated.",
      footer = {"", "Example:", "  twin run demo check-orders.clj"})
  static final class RunCommand implements Callable<Integer>, Direct.Streamed {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TWIN|PROFILE",
        description = "A running twin (its id, or its profile's name when one twin of it runs), or a profile to launch a twin of.")
    String target;

    @Parameters(index = "1", paramLabel = "FILE", description = "A file of Clojure forms, evaluated in order.")
    Path file;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why: recorded in the transcript.")
    String reason;

    @Option(names = "--edn", description = "One EDN map per form.")
    boolean edn;

    @Option(names = "--json", description = "One JSON object per form.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      return call(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    @Override
    public int call(PrintWriter out, PrintWriter err) throws Exception {
      Format format = Format.of(edn, json);
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (java.nio.charset.CharacterCodingException e) {
        throw TwinException.usage("cannot read " + file + ": it is not UTF-8, which Clojure reads source files as "
            + "(convert it, e.g. iconv -f latin1 -t utf-8)");
      } catch (java.io.IOException e) {
        throw TwinException.usage("cannot read " + file + ": " + Os.reason(e));
      }
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1); // a byte-order mark some editors write: no form of the file
      }
      return evaluate(target, text, "run", format, out, err, reason, file.toString());
    }
  }

  /** {@code twin ps [--json]}. */
  @Command(name = "ps", mixinStandardHelpOptions = true,
      description = "List detached twins: id, profile, twin and supervisor pids, user, start time, idle time, "
          + "attached sessions and reason.",
      footer = {"", "Examples:", "  twin ps", "  twin ps --json"})
  static final class PsCommand implements Callable<Integer>, Direct.Streamed {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "One JSON array of objects.")
    boolean json;

    @Override
    public Integer call() {
      return call(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    @Override
    public int call(PrintWriter out, PrintWriter err) {
      List<Map<String, String>> rows = new ArrayList<>();
      for (RemoteTwin t : locator().running()) {
        try {
          rows.add(t.status());
        } catch (TwinException e) {
          // One twin that does not answer is listed as such; the others are still shown.
          err.println("twin: warning: " + e.getMessage());
          rows.add(notAnswering(t));
        }
      }
      if (json) {
        List<String> objects = new ArrayList<>();
        for (Map<String, String> row : rows) {
          List<String> fields = new ArrayList<>();
          row.forEach((k, v) -> fields.add(StructuredPrinter.jsonString(k) + ":" + jsonValue(k, v)));
          objects.add("{" + String.join(",", fields) + "}");
        }
        out.println("[" + String.join(",", objects) + "]");
        return ExitCodes.OK;
      }
      out.printf("%-22s %-14s %8s %8s %-10s %-20s %6s %4s  %s%n", "ID", "PROFILE", "TWIN", "SUPER", "USER", "STARTED",
          "IDLE", "SESS", "REASON");
      for (Map<String, String> r : rows) {
        if (r.containsKey("state")) {
          out.printf("%-22s %-14s %8s %8s %-10s %-20s %6s %4s  %s%n", r.get("id"), r.get("profile"), "-",
              r.getOrDefault("supervisor-pid", "-"), "-", "-", "-", "-", "(" + r.get("state") + ")");
          continue;
        }
        out.printf("%-22s %-14s %8s %8s %-10s %-20s %6s %4s  %s%n", r.get("id"), r.get("profile"), r.get("twin-pid"),
            r.get("supervisor-pid"), r.get("user"), shortTime(r.get("started")),
            Durations.format(Duration.ofSeconds(Long.parseLong(r.getOrDefault("idle-seconds", "0")))),
            r.get("sessions"), twin.audit.TranscriptReader.line(r.getOrDefault("reason", "")));
      }
      return ExitCodes.OK;
    }

    private static final java.util.Set<String> NUMBERS = java.util.Set.of("twin-pid", "supervisor-pid", "idle-seconds",
        "sessions");

    /** Pids and counts as JSON numbers, require-reason as a boolean, the rest as strings. */
    static String jsonValue(String key, String value) {
      if (value != null && NUMBERS.contains(key) && value.matches("[0-9]{1,18}")) {
        return value;
      }
      if (key.equals("require-reason") && (value.equals("true") || value.equals("false"))) {
        return value;
      }
      return StructuredPrinter.jsonString(value);
    }

    /** The row of a twin whose supervisor did not answer: what its directory and /proc tell. */
    private static Map<String, String> notAnswering(RemoteTwin t) {
      Map<String, String> row = new java.util.LinkedHashMap<>();
      row.put("id", t.entry().id());
      row.put("profile", t.entry().profile());
      RemoteTwin.supervisorPid(t.entry().id()).ifPresent(pid -> row.put("supervisor-pid", Long.toString(pid)));
      row.put("state", "not answering");
      return row;
    }

    private static String shortTime(String iso) {
      try {
        return Instant.parse(iso).toString().replace('T', ' ').replaceFirst("\\.\\d+Z$", "Z");
      } catch (RuntimeException e) {
        return iso;
      }
    }
  }

  /** {@code twin stop TWIN | --all}. */
  @Command(name = "stop", mixinStandardHelpOptions = true,
      description = "End a detached twin (or all of them): the twin JVM is killed and its socket removed.",
      footer = {"", "Examples:", "  twin stop demo-3f9a1c", "  twin stop --all"})
  static final class StopCommand implements Callable<Integer>, Direct.Streamed {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "TWIN", arity = "0..1", description = "A twin id, or a profile name with one running twin.")
    String target;

    @Option(names = "--all", description = "Stop every detached twin you can reach.")
    boolean all;

    @Override
    public Integer call() {
      return call(spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    @Override
    public int call(PrintWriter out, PrintWriter err) {
      if (all && target != null) {
        throw TwinException.usage("--all stops every twin: name no twin with it (not '" + target + "')");
      }
      if (!all && target == null) {
        throw TwinException.usage("name the twin to stop (twin ps lists them), or use --all");
      }
      List<RemoteTwin> twins = all ? locator().running() : List.of(locator().require(target));
      int code = ExitCodes.OK;
      for (RemoteTwin t : twins) {
        try {
          if (t.stop()) {
            err.println("twin: stopped " + t.entry().id());
          } else {
            // Another stop, its lifetime or its death came first: it is as stopped as asked.
            err.println("twin: " + t.entry().id() + " had ended already");
          }
        } catch (TwinException e) {
          if (!all) {
            throw e;
          }
          // One twin that cannot be stopped does not keep the rest of the list running.
          err.println("twin: error: " + e.getMessage());
          code = Math.max(code, e.exitCode());
        }
      }
      if (all && twins.isEmpty()) {
        err.println("twin: no detached twins are running");
      }
      return code;
    }
  }
}
