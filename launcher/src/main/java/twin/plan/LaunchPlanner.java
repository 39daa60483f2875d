package twin.plan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import twin.TwinException;
import twin.profile.Profile;
import twin.secret.Redactor;

/**
 * Turns a profile and what was found on disk into a {@link LaunchPlan}. Pure: it reads no file,
 * starts nothing and looks at no clock, so every decision can be tested from values alone.
 */
public final class LaunchPlanner {
  /** The twin runtime's main class; the service's main never runs. */
  public static final String RUNTIME_MAIN = "twin.runtime.TwinMain";
  public static final String DEFAULT_HEAP = "512m";
  /** Environment variables the JVM reads options from; filtered by the same rules. */
  public static final List<String> OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
  /** Prefixes of APM identity variables: a twin must never report as the live service. */
  public static final List<String> APM_PREFIXES = List.of("DD_", "OTEL_", "NEW_RELIC_", "ELASTIC_APM_");

  private LaunchPlanner() {}

  /**
   * What masks the secrets a twin of this plan holds, wherever its output goes: the secret-named
   * variables of its environment (and URL passwords in any), its secret-named JVM options and
   * program arguments (system properties the twin's code can print), and literal database
   * passwords of the profile.
   */
  public static Redactor redactor(Profile profile, LaunchPlan plan) {
    List<String> args = new ArrayList<>(plan.jvmOptions());
    args.addAll(plan.mainArgs());
    return new Redactor(plan.env(), profile.twin().secretNames()).plusArgs(args)
        .plus(DatabaseConfig.literalSecrets(profile));
  }

  public static LaunchPlan plan(Profile profile, ServiceFacts facts, PlanOptions options) {
    List<Decision> decisions = new ArrayList<>();
    List<String> keep = profile.twin().keepOptions();
    Path privateDir = options.privateDir();

    List<String> jvmOptions = filter("jvm-options", facts.jvmOptions(), keep, privateDir, decisions);
    List<TwinSetting> own = new ArrayList<>();
    String heap = options.heap() != null ? options.heap()
        : profile.twin().heap() != null ? profile.twin().heap() : DEFAULT_HEAP;
    add(jvmOptions, own, "-Xmx" + heap, "the twin's own heap (" + (options.heap() != null ? "--heap"
        : profile.twin().heap() != null ? "twin.heap" : "the default; set twin.heap or --heap") + ")");
    add(jvmOptions, own, "-XX:+ExitOnOutOfMemoryError", "a twin out of heap ends at once, with exit code 3");
    add(jvmOptions, own, "-XX:-HeapDumpOnOutOfMemoryError", "no heap dump: it would hold the service's secrets");
    add(jvmOptions, own, "-XX:HeapDumpPath=" + privateDir, "a dump asked for anyway lands in the private directory");
    add(jvmOptions, own, "-XX:ErrorFile=" + privateDir.resolve("hs_err_pid%p.log"),
        "a crash report lands in the private directory, never in the service's workdir");
    add(jvmOptions, own, "-Djava.io.tmpdir=" + privateDir.resolve("tmp"),
        "temporary files in the private directory, removed with it");
    add(jvmOptions, own, "-Dtwin.profile=" + profile.name(), "tells service code which profile it runs under");
    if (!profile.databases().isEmpty()) {
      add(jvmOptions, own, "-D" + DatabaseConfig.PROPERTY + "=" + privateDir.resolve(DatabaseConfig.FILE_NAME),
          "the databases of the profile, for sql and twin sql (a 0600 file)");
    }
    for (String option : interactiveDefaults(jvmOptions)) {
      add(jvmOptions, own, option, INTERACTIVE_REASONS.get(option));
    }
    Map<String, String> env = environment(profile, facts, options, keep, decisions);
    // Command-line options win over JAVA_TOOL_OPTIONS, so the twin's identity goes last.
    List<String> effective = new ArrayList<>();
    OPTION_VARIABLES.stream().filter(env::containsKey).forEach(v -> effective.addAll(ArgFiles.tokenize(env.get(v))));
    effective.addAll(jvmOptions);
    jvmOptions.addAll(apmIdentity(effective, profile.name(), decisions));

    List<String> classpath = new ArrayList<>(facts.classpath());
    // After the service's own entries: an added driver never shadows the service's classes.
    classpath.addAll(profile.twin().extraClasspath());
    classpath.add(options.runtimeJar().toString());
    if (!facts.hasClojure()) {
      options.clojureJars().forEach(jar -> classpath.add(jar.toString()));
    }

    ServiceFacts.TargetUser user = facts.user();
    List<String> wrapper = wrapper(facts.tools(), user, options, heap, own);

    Path channel = privateDir.resolve("channel.sock");
    return new LaunchPlan(profile.name(), profile.file(), options.twinId(), wrapper, facts.java(),
        facts.javaVersion(), jvmOptions, classpath, RUNTIME_MAIN, List.of(channel.toString()), env,
        facts.workdir(), user.name(), privateDir, channel, profile.twin().init(), decisions, own, facts.warnings(),
        ClassDataArchive.skipped("not decided"));
  }

  /** Applies the rule table to options from one origin; records every decision. */
  static List<String> filter(String origin, List<String> options, List<String> keep, Path privateDir,
      List<Decision> decisions) {
    List<String> kept = new ArrayList<>();
    for (String option : options) {
      Optional<OptionRule> rule = OptionRules.find(option);
      if (rule.isEmpty()) {
        kept.add(option);
        continue;
      }
      OptionRule r = rule.get();
      if (isKept(option, keep)) {
        decisions.add(new Decision(origin, option, Action.KEEP, option, r.id(), "kept by twin.keep-options"));
        kept.add(option);
        continue;
      }
      switch (r.action()) {
        case REWRITE -> {
          String rewritten = r.rewrite().apply(option, privateDir);
          decisions.add(new Decision(origin, option, Action.REWRITE, rewritten, r.id(), r.reason()));
          kept.add(rewritten);
        }
        case STRIP, REPLACE, KEEP -> decisions.add(new Decision(origin, option, r.action(), null, r.id(), r.reason()));
      }
    }
    return kept;
  }

  private static boolean isKept(String option, List<String> keep) {
    return keep.stream().anyMatch(k -> option.equals(k) || (!k.isEmpty() && option.startsWith(k)));
  }

  private static Map<String, String> environment(Profile profile, ServiceFacts facts, PlanOptions options,
      List<String> keep, List<Decision> decisions) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : facts.env().entrySet()) {
      String name = e.getKey();
      if (OPTION_VARIABLES.contains(name)) {
        List<String> filtered = filter(name, ArgFiles.tokenize(e.getValue()), keep, options.privateDir(), decisions);
        if (!filtered.isEmpty()) {
          env.put(name, joinOptions(filtered));
        }
      } else if (APM_PREFIXES.stream().anyMatch(name::startsWith) && !keep.contains(name)) {
        decisions.add(new Decision("env", name, Action.STRIP, null, "apm-identity",
            "APM identity variables make the twin report as the live service; set one under twin.env to keep it"));
      } else {
        env.put(name, e.getValue());
      }
    }
    env.putAll(profile.twin().env());
    profile.twin().unsetEnv().forEach(env::remove);
    env.put("TWIN", "1");
    env.put("TWIN_PROFILE", profile.name());
    env.put("TWIN_ID", options.twinId());
    return env;
  }

  /** Room for the heap plus metaspace, code cache and threads: twice the heap, at least 512M. */
  static String scopeMemory(String heap) {
    long bytes = parseSize(heap);
    long mib = Math.max(512, 2 * bytes / (1024 * 1024));
    return mib + "M";
  }

  static long parseSize(String size) {
    char unit = Character.toLowerCase(size.charAt(size.length() - 1));
    long factor = switch (unit) {
      case 'k' -> 1024L;
      case 'm' -> 1024L * 1024;
      case 'g' -> 1024L * 1024 * 1024;
      default -> 1L;
    };
    String digits = Character.isDigit(unit) ? size : size.substring(0, size.length() - 1);
    return Long.parseLong(digits) * factor;
  }

  private static String joinOptions(List<String> options) {
    List<String> quoted = new ArrayList<>();
    for (String o : options) {
      quoted.add(o.chars().anyMatch(Character::isWhitespace) ? "\"" + o.replace("\"", "\\\"") + "\"" : o);
    }
    return String.join(" ", quoted);
  }

  /**
   * A twin lives minutes, not months: the serial collector and the C1 compiler reach the prompt
   * sooner and use less memory (see bench/). A small initial heap (8m; the service's -Xms is
   * stripped) lets the heap grow with what the twin does instead of starting at 1/64 of the host's
   * memory: the twin's RSS after its first evaluation went from 81 to 58 MiB (bench/run row 4),
   * for the same CPU time (a dozen young collections of about 1 ms while Clojure loads). One C1
   * thread instead of two: a fresh twin's eval took a median 650 against 677 ms over 90
   * interleaved runs on two cores. The service's own GC, compiler or initial heap choice (kept
   * with twin.keep-options) wins.
   */
  private static final Map<String, String> INTERACTIVE_REASONS = Map.of(
      "-XX:+UseSerialGC", "a short interactive life: one collector thread (the service chose no collector)",
      "-XX:TieredStopAtLevel=1", "C1 only: a faster start and less CPU for the JIT (the service chose no compiler setting)",
      "-XX:CICompilerCount=1", "one compiler thread: C1 alone would get two on two cores, both competing with Clojure's "
          + "load (the service chose no compiler setting)",
      "-Xms8m", "starts small; the heap grows as the forms need it (the service set no initial heap)");

  private static void add(List<String> jvmOptions, List<TwinSetting> own, String option, String reason) {
    jvmOptions.add(option);
    own.add(new TwinSetting(option, reason));
  }

  static List<String> interactiveDefaults(List<String> options) {
    List<String> defaults = new ArrayList<>();
    boolean choosesGc = options.stream().anyMatch(o -> o.matches("-XX:\\+Use\\w*GC"));
    boolean choosesCompiler = options.stream().anyMatch(o -> o.startsWith("-XX:TieredStopAtLevel")
        || o.startsWith("-XX:-TieredCompilation") || o.startsWith("-XX:+TieredCompilation")
        || o.startsWith("-XX:CICompilerCount=") || o.startsWith("-XX:+CICompilerCountPerCPU")
        || o.startsWith("-XX:-CICompilerCountPerCPU"));
    boolean choosesInitialHeap = options.stream().anyMatch(o -> o.startsWith("-Xms")
        || o.startsWith("-XX:InitialHeapSize=") || o.startsWith("-XX:MinHeapSize="));
    if (!choosesGc) {
      defaults.add("-XX:+UseSerialGC");
    }
    if (!choosesCompiler) {
      defaults.add("-XX:TieredStopAtLevel=1");
      defaults.add("-XX:CICompilerCount=1");
    }
    if (!choosesInitialHeap) {
      defaults.add("-Xms8m");
    }
    return defaults;
  }

  /** Known APM agents, by jar name, and the property that names the service they report as. */
  static final Map<String, String> APM_AGENTS = Map.of(
      "dd-java-agent", "dd.service",
      "opentelemetry-javaagent", "otel.service.name",
      "newrelic", "newrelic.config.app_name",
      "elastic-apm-agent", "elastic.apm.service_name");

  /** A kept APM agent must report as the twin, never as the live service. */
  private static List<String> apmIdentity(List<String> options, String name, List<Decision> decisions) {
    List<String> added = new ArrayList<>();
    for (String option : options) {
      if (!option.startsWith("-javaagent:")) {
        continue;
      }
      String jar = option.substring("-javaagent:".length()).split("=", 2)[0];
      String file = Path.of(jar).getFileName() == null ? jar : Path.of(jar).getFileName().toString();
      APM_AGENTS.forEach((agent, property) -> {
        if (file.startsWith(agent)) {
          String identity = "-D" + property + "=" + name + "-twin";
          added.add(identity);
          decisions.add(new Decision("jvm-options", option, Action.KEEP, identity, "apm-identity",
              "a kept APM agent reports as '" + name + "-twin', never as the live service"));
        }
      });
    }
    return added;
  }

  private static List<String> wrapper(ServiceFacts.HostTools tools, ServiceFacts.TargetUser user, PlanOptions options,
      String heap, List<TwinSetting> own) {
    List<String> wrapper = new ArrayList<>();
    if (options.scope()) {
      if (tools.systemdRun() == null || !tools.systemdRunning()) {
        throw TwinException.failed("--scope needs systemd: " + (tools.systemdRun() == null
            ? "systemd-run is not installed" : "systemd is not running on this host (no /run/systemd/system)")
            + "; launch without --scope (the twin still runs at low priority, with its own heap limit)");
      }
      wrapper.addAll(List.of(tools.systemdRun().toString(), "--scope", "--quiet", "--collect",
          "-p", "MemoryMax=" + scopeMemory(heap), "-p", "MemorySwapMax=0", "-p", "CPUWeight=20",
          "-p", "IOWeight=20", "--"));
      own.add(new TwinSetting("systemd-run --scope -p MemoryMax=" + scopeMemory(heap) + " ...",
          "--scope: a transient unit caps the twin's memory (no swap) and weighs its CPU and IO low"));
    }
    if (tools.setsid() != null) {
      // Its own session: a Ctrl-C or hangup at the operator's terminal never reaches the twin.
      wrapper.add(tools.setsid().toString());
      own.add(new TwinSetting("setsid", "its own session: a Ctrl-C or hangup at your terminal never reaches it"));
    }
    if (tools.nice() != null) {
      wrapper.addAll(List.of(tools.nice().toString(), "-n", "10"));
      own.add(new TwinSetting("nice -n 10", "lower CPU priority: the live service comes first"));
    }
    if (tools.ionice() != null) {
      wrapper.addAll(List.of(tools.ionice().toString(), "-c", "2", "-n", "7"));
      own.add(new TwinSetting("ionice -c 2 -n 7", "the lowest best-effort IO priority"));
    }
    boolean switchUser = user.uid() != options.invokingUid();
    if (switchUser) {
      if (options.invokingUid() != 0) {
        throw TwinException.notPermitted("the profile runs the service as user '" + user.name()
            + "', but you are '" + options.invokingUser() + "'; run twin as root or as " + user.name());
      }
      if (tools.setpriv() == null) {
        throw TwinException.notPermitted("cannot switch to user '" + user.name()
            + "': setpriv (util-linux) is not installed");
      }
      wrapper.addAll(List.of(tools.setpriv().toString(), "--reuid=" + user.uid(), "--regid=" + user.gid(),
          "--init-groups", "--inh-caps=-all", "--"));
      own.add(new TwinSetting("setpriv --reuid=" + user.uid() + " --regid=" + user.gid() + " --init-groups",
          "runs as the service's user '" + user.name() + "', with its groups and no capabilities"));
    }
    return wrapper;
  }
}
