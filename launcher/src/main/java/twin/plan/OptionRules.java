package twin.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule table: every service JVM option that would collide with, impersonate or damage the
 * live service, and what the twin does instead. The evidence behind each row is in
 * shared/research/security-notes.md §4. Options no rule matches are kept.
 */
public final class OptionRules {
  private static final Pattern LOG_FILE_PROPERTY = Pattern.compile(
      "(?i)-D((?:[\\w.-]*[._-])?(?:log|logs|logging|logback|log4j|log4j2)[._-]?"
          + "(?:file|file\\.name|file\\.path|path|dir|directory))=(.*)");
  private static final Pattern PID_FILE_PROPERTY =
      Pattern.compile("(?i)-D((?:[\\w.-]*[._-])?pid[._-]?file(?:\\.name|\\.path)?)=(.*)");
  private static final Pattern XLOG = Pattern.compile("-Xlog(?::([^:]*))?(?::([^:]*))?(.*)");

  /** The table, in the order rules are tried; the first match wins. */
  public static final List<OptionRule> RULES = List.of(
      OptionRule.strip("clojure-server",
          "opens an unauthenticated socket REPL on the live service's port: the twin would fail to bind, or block the service's next start",
          o -> o.startsWith("-Dclojure.server.")),
      OptionRule.strip("jmx-remote",
          "JMX/RMI remote ports collide with the live service (the JVM exits with 'Port already in use') and would open a remote door",
          o -> o.startsWith("-Dcom.sun.management.jmxremote") || o.startsWith("-Djava.rmi.server.hostname")),
      OptionRule.strip("jdwp",
          "a JDWP debug server binds the live service's debug port and is unauthenticated code execution",
          o -> o.startsWith("-agentlib:jdwp") || o.startsWith("-Xrunjdwp") || o.equals("-Xdebug") || o.equals("-Xnoagent")),
      OptionRule.strip("java-agent",
          "agents (APM, exporters) report as the live service or bind its ports; keep one with twin.keep-options",
          o -> o.startsWith("-javaagent:")),
      OptionRule.strip("native-agent",
          "native agents (profilers) write to the live service's files or bind ports; keep one with twin.keep-options",
          o -> o.startsWith("-agentpath:") || o.startsWith("-agentlib:")),
      OptionRule.strip("error-hooks",
          "the service's OnOutOfMemoryError/OnError shell hooks (restarts, pages) must not run for the twin; the twin exits on OOM instead",
          o -> o.startsWith("-XX:OnOutOfMemoryError=") || o.startsWith("-XX:OnError=")),
      OptionRule.strip("flight-recorder",
          "a JFR recording with the service's filename overwrites the live service's recording at exit",
          o -> o.startsWith("-XX:StartFlightRecording") || o.startsWith("-XX:FlightRecorderOptions")
              || o.equals("-XX:+FlightRecorder")),
      OptionRule.rewrite("gc-log",
          "two JVMs on one -Xlog file rotate and overwrite each other's log; the twin logs into its private directory",
          o -> o.startsWith("-Xlog") && xlogFile(o).isPresent(),
          OptionRules::rewriteXlog),
      OptionRule.rewrite("gc-log",
          "two JVMs on one -Xloggc file overwrite each other's log; the twin logs into its private directory",
          o -> o.startsWith("-Xloggc:"),
          (o, dir) -> "-Xloggc:" + privateFile(dir, o.substring("-Xloggc:".length()))),
      OptionRule.replace("heap-dump",
          "heap dumps hold every secret in the heap, and a fixed path destroys the live service's next dump; the twin writes none",
          o -> o.equals("-XX:+HeapDumpOnOutOfMemoryError") || o.startsWith("-XX:HeapDumpPath=")),
      OptionRule.replace("error-file",
          "hs_err files without %p collide with the live service's and hold its environment; the twin's go to its private directory",
          o -> o.startsWith("-XX:ErrorFile=")),
      OptionRule.replace("tmpdir",
          "two JVMs in one temp directory can clash on files; the twin gets a private one",
          o -> o.startsWith("-Djava.io.tmpdir=")),
      OptionRule.rewrite("log-file",
          "two JVMs appending to one rolling log file lose lines at rollover; the twin's log file goes to its private directory",
          o -> LOG_FILE_PROPERTY.matcher(o).matches(),
          (o, dir) -> rewriteProperty(LOG_FILE_PROPERTY, o, dir.resolve("logs"))),
      OptionRule.rewrite("pid-file",
          "the service's PID file must keep naming the live service, not the twin",
          o -> PID_FILE_PROPERTY.matcher(o).matches(),
          (o, dir) -> rewriteProperty(PID_FILE_PROPERTY, o, dir)),
      OptionRule.strip("pre-touch",
          "AlwaysPreTouch commits the whole heap at start and can push the host, and the live service, into the OOM killer",
          o -> o.equals("-XX:+AlwaysPreTouch")),
      OptionRule.strip("large-pages",
          "explicit large pages are a fixed pool: the twin could take pages the live service needs at its next start",
          o -> o.equals("-XX:+UseLargePages") || o.startsWith("-XX:LargePageSizeInBytes=")),
      OptionRule.strip("initial-heap",
          "the live service's initial heap is sized for production, not for a twin",
          o -> o.startsWith("-Xms") || o.startsWith("-XX:InitialHeapSize=") || o.startsWith("-XX:MinHeapSize=")
              || o.startsWith("-XX:InitialRAMPercentage=") || o.startsWith("-XX:MinRAMPercentage=")),
      OptionRule.replace("max-heap",
          "the twin gets its own, smaller heap (twin.heap or --heap)",
          o -> o.startsWith("-Xmx") || o.startsWith("-XX:MaxHeapSize=") || o.startsWith("-XX:MaxRAMPercentage=")
              || o.startsWith("-XX:MaxRAM=")));

  private OptionRules() {}

  /** The first rule that matches {@code option}, if any. */
  public static Optional<OptionRule> find(String option) {
    return RULES.stream().filter(r -> r.matches(option)).findFirst();
  }

  /** The file an -Xlog option writes to, if it writes to a file rather than stdout or stderr. */
  static Optional<String> xlogFile(String option) {
    Matcher m = XLOG.matcher(option);
    if (!m.matches() || m.group(2) == null) {
      return Optional.empty();
    }
    String output = m.group(2);
    if (output.isEmpty() || output.equals("stdout") || output.equals("stderr")) {
      return Optional.empty();
    }
    return Optional.of(output.startsWith("file=") ? output.substring(5) : output);
  }

  private static String rewriteXlog(String option, Path dir) {
    Matcher m = XLOG.matcher(option);
    if (!m.matches()) {
      return option;
    }
    String file = xlogFile(option).orElseThrow();
    return "-Xlog:" + m.group(1) + ":file=" + privateFile(dir, file) + m.group(3);
  }

  private static String rewriteProperty(Pattern pattern, String option, Path dir) {
    Matcher m = pattern.matcher(option);
    if (!m.matches()) {
      return option;
    }
    String name = m.group(1);
    String value = m.group(2);
    String lower = name.toLowerCase(Locale.ROOT);
    // Spring's logging.file.path and the *.dir conventions name directories, whatever the value looks like.
    boolean isDir = lower.endsWith("dir") || lower.endsWith("directory") || lower.endsWith(".path");
    return "-D" + name + "=" + (isDir ? dir.toString() : privateFile(dir, value));
  }

  /** The same file name, in the twin's private directory. */
  static String privateFile(Path dir, String original) {
    String name = original.isEmpty() ? "file" : Path.of(original).getFileName().toString();
    return dir.resolve(name).toString();
  }
}
