package twin.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import twin.ExitCodes;
import twin.TwinException;
import twin.audit.TranscriptReader;
import twin.audit.TranscriptVerifier;

/** {@code twin audit}: read and check the transcripts supervisors write. */
@Command(name = "audit", mixinStandardHelpOptions = true,
    description = "Transcripts: every session of every twin, written by the supervisor as JSON Lines with a "
        + "hash chain, under $TWIN_STATE_DIR/transcripts (root: /var/log/twin/transcripts).",
    subcommands = {AuditCommand.Verify.class, AuditCommand.Show.class})
public final class AuditCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static Path transcriptDir() {
    return Environment.current().locations().stateDir().resolve("transcripts");
  }

  /** {@code twin audit verify FILE...}. */
  @Command(name = "verify", mixinStandardHelpOptions = true,
      description = "Check transcripts' hash chains: an edited, removed or reordered record, or a truncated tail, "
          + "is reported with the first bad record. Exit 1 if any transcript is not intact.",
      footer = {"", "Example:", "  twin audit verify /var/log/twin/transcripts/*.jsonl"})
  static final class Verify implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Transcripts (.jsonl files) to check.")
    List<Path> files;

    @Override
    public Integer call() {
      int bad = 0;
      for (Path f : files) {
        String problem = TranscriptVerifier.problem(f);
        if (problem == null) {
          spec.commandLine().getOut().println(f + ": ok");
        } else {
          bad++;
          spec.commandLine().getErr().println(f + ": " + problem);
        }
      }
      return bad == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }
  }

  /** {@code twin audit show}. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Print sessions readably: who, when, why, and each form with its outcome. Each transcript is "
          + "verified as it is shown: one that is not intact is marked (!! NOT INTACT) and the exit code is 1. "
          + "Control characters are shown escaped (\\n, \\x1b).",
      footer = {"", "Examples:", "  twin audit show --since 2h", "  twin audit show --twin demo-3f9a1c --user alice"})
  static final class Show implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--twin", paramLabel = "ID", description = "Only this twin's sessions.")
    String twin;

    @Option(names = "--user", paramLabel = "USER", description = "Only sessions of this user (or SUDO_USER).")
    String user;

    @Option(names = "--since", paramLabel = "TIME", description = "Only sessions since TIME: a duration ago (2h, 30m, 7d), a date (2026-11-22), a local time "
        + "(2026-11-22T14:30) or an instant (2026-11-22T14:30:00Z).")
    String since;

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Transcripts to show (default: all under the state dir).")
    List<Path> files = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      Instant from = since == null ? Instant.EPOCH : parseSince(since);
      List<Path> targets = new ArrayList<>(files);
      if (targets.isEmpty()) {
        Path dir = transcriptDir();
        for (Path up = dir; up != null; up = up.getParent()) {
          if (Files.exists(up)) {
            if (!Files.isDirectory(up)) {
              throw TwinException.usage("the transcripts' directory " + dir + " cannot be: " + up
                  + " is not a directory (TWIN_STATE_DIR?)");
            }
            break;
          }
        }
        if (Files.isDirectory(dir)) {
          try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.toString().endsWith(".jsonl")).sorted().forEach(targets::add);
          }
        }
      }
      // Sessions in the order they began, whichever twin they were in.
      List<List<Map<String, String>>> shown = new ArrayList<>();
      Map<List<Map<String, String>>, Path> sources = new java.util.IdentityHashMap<>();
      for (Path f : targets) {
        List<Map<String, String>> records = TranscriptReader.read(f);
        if (records.isEmpty()) {
          continue;
        }
        Map<String, String> start = records.get(0);
        if (twin != null && !twin.equals(start.get("twin"))) {
          continue;
        }
        if (user != null && !user.equals(start.get("user")) && !user.equals(start.get("sudo_user"))) {
          continue;
        }
        if (Instant.parse(start.get("time")).isBefore(from)) {
          continue;
        }
        shown.add(records);
        sources.put(records, f);
      }
      shown.sort(java.util.Comparator.comparing(r -> Instant.parse(r.get(0).get("time"))));
      // Each transcript is verified as it is shown: an edited one is marked where it is read, and
      // the command fails. One without an end is an open session (or a dead supervisor's): noted.
      int damaged = 0;
      for (List<Map<String, String>> records : shown) {
        Path file = sources.get(records);
        String problem = TranscriptVerifier.problem(file);
        String text = TranscriptReader.describe(records);
        if (problem != null && problem.startsWith(TranscriptVerifier.NO_END)) {
          text += "   (no end record: the session is still open, or its supervisor died)\n";
        } else if (problem != null) {
          damaged++;
          spec.commandLine().getErr().println("twin: warning: " + file + " is not intact: " + problem);
          int header = text.indexOf('\n') + 1;
          text = text.substring(0, header) + "!! NOT INTACT: " + problem + " (" + file + ")\n" + text.substring(header);
        }
        out.println(text);
      }
      return damaged == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** An instant, a local date or date-time (this host's time zone), or a duration ago. */
    static Instant parseSince(String text) {
      try {
        return Instant.parse(text);
      } catch (RuntimeException notInstant) {
        // a local date or date-time next
      }
      try {
        return java.time.LocalDate.parse(text).atStartOfDay(java.time.ZoneId.systemDefault()).toInstant();
      } catch (RuntimeException notDate) {
        // a local date-time next
      }
      try {
        return java.time.LocalDateTime.parse(text).atZone(java.time.ZoneId.systemDefault()).toInstant();
      } catch (RuntimeException notDateTime) {
        // a duration last
      }
      try {
        return Instant.now().minus(Durations.parse("--since", text));
      } catch (TwinException notDuration) {
        throw TwinException.usage("--since takes a duration ago (2h, 30m, 7d), a date (2026-11-22), a local time "
            + "(2026-11-22T14:30) or an instant (2026-11-22T14:30:00Z), not '" + text + "'");
      }
    }
  }

}
