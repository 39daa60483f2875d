package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import twin.e2e.HostileFixture.FileState;
import twin.e2e.HostileFixture.PlanDecision;

/**
 * A twin of a "hostile" live service, one started with every JVM option that would harm it if a
 * twin copied it verbatim (security-notes §4): socket REPL, JMX remote, JDWP, java agents (also in
 * JAVA_TOOL_OPTIONS), an -Xlog file with rotation, heap dumps to a fixed path, JFR, an
 * OnOutOfMemoryError hook, a log file and a tmpdir. The twin must start beside it, and leave its
 * ports and files alone, even when it runs out of memory.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class HostileServiceIT {
  @TempDir Path temp;

  @Test
  void aTwinOfAServiceWithEveryHazardousOptionLeavesTheLiveServiceAlone() throws IOException {
    long started = System.nanoTime();
    HostileFixture fx = new HostileFixture(temp);
    Path runDir = temp.resolve("run");
    Path profile = fx.writeProfile(temp.resolve("profiles"), "hostile", "");
    Path keepProfile = fx.writeProfile(temp.resolve("profiles"), "hostile-keep",
        "twin:\n  keep-options: [" + Fixtures.q("-javaagent:" + fx.agentJar) + "]\n");

    TwinCli twin = new TwinCli(temp).env("TWIN_RUNTIME_DIR", runDir.toString()).env("HOME", temp.resolve("home").toString());
    Spawned live = null;
    try {
      // ---- 1. the plan, before anything runs ----------------------------------------------------
      TwinCli.Result dry = twin.run("launch", profile.toString(), "--dry-run");
      assertThat(dry.exitCode()).as(dry.describe()).isZero();
      assertDryRunPlan(fx, dry.stdout());

      TwinCli.Result keep = twin.run("launch", keepProfile.toString(), "--dry-run");
      assertThat(keep.exitCode()).as(keep.describe()).isZero();
      String keptAgent = "-javaagent:" + fx.agentJar + "=" + fx.live("agent-marker");
      assertThat(HostileFixture.decisions(keep.stdout())).as(keep.stdout())
          .anySatisfy(d -> {
            assertThat(d.action()).isEqualTo("keep");
            assertThat(d.option()).isEqualTo(keptAgent);
            assertThat(d.origin()).isEqualTo("jvm-options");
            assertThat(d.rule()).isEqualTo("java-agent");
            assertThat(d.reason()).isNotBlank();
          });
      assertThat(argv(keep.stdout())).as(keep.stdout()).contains(keptAgent);

      // ---- the live service, with every hazard at once ----------------------------------------
      ProcessBuilder liveBuilder = new ProcessBuilder(fx.liveCommand()).directory(fx.work.toFile());
      liveBuilder.environment().clear();
      liveBuilder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      liveBuilder.environment().put("HOME", temp.resolve("home").toString());
      liveBuilder.environment().putAll(fx.serviceEnv());
      live = Spawned.start(liveBuilder, null);
      live.awaitStdout("hostile: listening", Duration.ofSeconds(30));
      Spawned service = live;
      Host.await(Duration.ofSeconds(20), "the live service's ports " + fx.ports(), fx::allListening, service::dump);
      long livePid = live.pid();
      // Let the JVM write a few GC and log lines first.
      Host.await(Duration.ofSeconds(10), "a tick in app.log",
          () -> Files.exists(fx.live.resolve("app.log")) && readQuietly(fx.live.resolve("app.log")).contains("tick=1"));
      System.out.printf("live service pid %d up after %d ms%n", livePid, elapsedMs(started));

      Map<String, FileState> before = snapshot(fx);
      TreeSet<String> liveNamesBefore = HostileFixture.names(fx.live);
      TreeSet<String> dumpsBefore = HostileFixture.listing(fx.live.resolve("dumps"));
      TreeSet<String> tmpBefore = HostileFixture.names(fx.live.resolve("tmp"));
      assertThat(before.get("agent-marker").text()).as("the live agent marker").isEqualTo("agent pid=" + livePid + "\n");
      assertThat(before.get("agent-marker-jto").text()).as("the live JAVA_TOOL_OPTIONS agent marker")
          .isEqualTo("agent pid=" + livePid + "\n");
      assertThat(dumpsBefore).as("the live dumps dir").isEmpty();

      // ---- 2. a twin beside it -----------------------------------------------------------------
      long t2 = System.nanoTime();
      TwinCli.Result r = twin.run("launch", profile.toString(),
          "-e", "(System/getProperty \"hostile.from.tool.options\")",
          "-e", "(+ 1 2)",
          "-e", "(str (java.lang.ProcessHandle/current))",
          "-e", "(hostile.Service/log \"from-the-twin\")",
          "-e", "(System/getProperty \"java.io.tmpdir\")",
          "-e", "(System/getProperty \"clojure.server.repl\")");
      System.out.printf("twin -e run took %d ms%n", elapsedMs(t2));
      assertThat(r.exitCode()).as(r.describe()).isZero();
      assertThat(r.stderr()).as(r.describe()).doesNotContainIgnoringCase("address already in use")
          .doesNotContain("BindException").doesNotContain("Port already in use");
      List<String> out = r.stdoutLines();
      assertThat(out).as(r.describe()).hasSize(6);
      assertThat(out.subList(0, 2)).as(r.describe()).containsExactly("\"yes\"", "3");
      assertThat(out.get(2)).as(r.describe()).matches("\"\\d+\"");
      long twinPid = Long.parseLong(out.get(2).replace("\"", ""));
      assertThat(twinPid).as("the twin is another JVM").isNotEqualTo(livePid);
      assertThat(out.get(3)).as("where the service's log call in the twin wrote%n%s", r.describe())
          .startsWith("\"" + runDir + "/").endsWith("/app.log\"").doesNotContain(fx.live.toString());
      assertThat(out.get(4)).as("the twin's java.io.tmpdir%n%s", r.describe())
          .startsWith("\"" + runDir + "/").doesNotContain(fx.live.toString());
      assertThat(out.get(5)).as("clojure.server.repl in the twin%n%s", r.describe()).isEqualTo("nil");

      // ---- 3. the live service after the twin ---------------------------------------------------
      assertThat(Host.twinPids(runDir)).as("twin JVMs left after the -e run").isEmpty();
      assertLiveIntact(fx, live, livePid, twinPid, before, liveNamesBefore, dumpsBefore, tmpBefore);

      // ---- 4. the twin runs out of memory ---------------------------------------------------------
      long t4 = System.nanoTime();
      Map<String, FileState> beforeOom = snapshot(fx);
      TwinCli.Result oom = twin.run(Duration.ofSeconds(60), null, "launch", profile.toString(), "--heap", "64m",
          "-e", "(def x (java.util.ArrayList.)) (while true (.add x (long-array 1000000)))");
      System.out.printf("OOM twin ended after %d ms: %s%n", elapsedMs(t4), oom.describe());
      assertThat(oom.exitCode()).as("a twin that ran out of memory%n%s", oom.describe()).isNotZero();
      assertThat(oom.stderr()).as("why the twin ended%n%s", oom.describe()).contains("OutOfMemoryError");
      assertThat(fx.live.resolve("oom-hook-ran")).as("the live service's OnOutOfMemoryError hook").doesNotExist();
      assertThat(HostileFixture.listing(fx.live.resolve("dumps"))).as("the live dumps dir after the twin's OOM")
          .isEqualTo(dumpsBefore);
      assertThat(hprofFilesUnder(temp)).as("heap dumps anywhere under the test's temp dir").isEmpty();
      Host.await(Duration.ofSeconds(10), "no twin JVM under " + runDir, () -> Host.twinPids(runDir).isEmpty(),
          () -> Host.describe(Host.twinPids(runDir)));
      assertLiveIntact(fx, live, livePid, -1, beforeOom, liveNamesBefore, dumpsBefore, tmpBefore);
      System.out.printf("HostileServiceIT done in %d ms%n", elapsedMs(started));
    } finally {
      if (live != null) {
        live.close();
      }
      twin.close();
      Host.killTwins(runDir);
    }
  }

  /** The dry-run plan: a decision with rule and reason for every hazard, and no live path in argv. */
  private static void assertDryRunPlan(HostileFixture fx, String plan) {
    List<PlanDecision> decisions = HostileFixture.decisions(plan);
    String privateDir = HostileFixture.privateDir(plan);
    assertThat(privateDir).as("the twin's private dir").doesNotContain(fx.live.toString());
    assertThat(decisions).as(plan).allSatisfy(d -> {
      assertThat(d.rule()).isNotBlank();
      assertThat(d.reason()).isNotBlank();
    });

    String agent = "-javaagent:" + fx.agentJar;
    Map<String, String[]> expected = new LinkedHashMap<>();
    // option -> {action, rule, origin}
    List<String> opts = fx.jvmOptions();
    expected.put(opts.get(0), new String[] {"strip", "clojure-server", "jvm-options"});
    for (int i = 1; i <= 5; i++) {
      expected.put(opts.get(i), new String[] {"strip", "jmx-remote", "jvm-options"});
    }
    expected.put(opts.get(6), new String[] {"strip", "jdwp", "jvm-options"});
    expected.put(opts.get(7), new String[] {"rewrite", "gc-log", "jvm-options"});
    expected.put(opts.get(8), new String[] {"replace", "heap-dump", "jvm-options"});
    expected.put(opts.get(9), new String[] {"replace", "heap-dump", "jvm-options"});
    expected.put(opts.get(10), new String[] {"strip", "flight-recorder", "jvm-options"});
    expected.put(opts.get(11), new String[] {"strip", "error-hooks", "jvm-options"});
    expected.put(opts.get(12), new String[] {"strip", "java-agent", "jvm-options"});
    expected.put(opts.get(13), new String[] {"rewrite", "log-file", "jvm-options"});
    expected.put(opts.get(14), new String[] {"replace", "tmpdir", "jvm-options"});
    expected.put(agent + "=" + fx.live("agent-marker-jto"), new String[] {"strip", "java-agent", "JAVA_TOOL_OPTIONS"});

    for (Map.Entry<String, String[]> e : expected.entrySet()) {
      String[] want = e.getValue();
      assertThat(decisions).as("a '%s [%s]' decision for %s (from %s) in:%n%s", want[0], want[1], e.getKey(), want[2], plan)
          .anySatisfy(d -> {
            assertThat(d.option()).isEqualTo(e.getKey());
            assertThat(d.action()).isEqualTo(want[0]);
            assertThat(d.rule()).isEqualTo(want[1]);
            assertThat(d.origin()).isEqualTo(want[2]);
          });
    }
    PlanDecision gc = decisions.stream().filter(d -> d.option().equals(opts.get(7))).findFirst().orElseThrow();
    assertThat(gc.result()).as("the rewritten -Xlog option%n%s", plan)
        .isEqualTo("-Xlog:gc*:file=" + privateDir + "/gc.log:time:filecount=3,filesize=1m");
    PlanDecision log = decisions.stream().filter(d -> d.option().equals(opts.get(13))).findFirst().orElseThrow();
    assertThat(log.result()).as("the rewritten log file%n%s", plan).startsWith("-Dlogging.file.name=" + privateDir + "/")
        .endsWith("/app.log");

    List<String> argv = argv(plan);
    assertThat(argv).as(plan)
        .contains(Host.TWIN_MAIN, gc.result(), log.result(), "-XX:+ExitOnOutOfMemoryError", "-XX:-HeapDumpOnOutOfMemoryError")
        .doesNotContain("hostile.Service")
        .noneMatch(a -> a.contains(fx.live + "/") || a.equals(fx.live.toString()))
        .noneMatch(a -> a.startsWith("-javaagent") || a.startsWith("-agentlib") || a.contains("jmxremote")
            || a.startsWith("-Dclojure.server") || a.contains("FlightRecording") || a.contains("OnOutOfMemoryError="));

    List<String> env = Fixtures.planSection(plan, "environment");
    assertThat(env).as(plan)
        .contains("JAVA_TOOL_OPTIONS=-Dhostile.from.tool.options=yes")
        .contains("HOSTILE_PORT=" + fx.appPort)
        .noneMatch(l -> l.contains(fx.live.toString()));
  }

  /** The live service still owns its ports, and its files show no trace of a twin. */
  private static void assertLiveIntact(HostileFixture fx, Spawned live, long livePid, long twinPid,
      Map<String, FileState> before, TreeSet<String> namesBefore, TreeSet<String> dumpsBefore, TreeSet<String> tmpBefore) {
    assertThat(live.isAlive()).as("the live service still runs%n%s", live.dump()).isTrue();
    for (int port : fx.ports()) {
      assertThat(Host.listening(port)).as("the live service still accepts on port %d (ports %s)", port, fx.ports()).isTrue();
    }
    Map<String, FileState> after = snapshot(fx);
    for (Map.Entry<String, FileState> e : before.entrySet()) {
      FileState was = e.getValue();
      FileState now = after.get(e.getKey());
      assertThat(now.inode()).as("inode of %s (was %s, now %s)", e.getKey(), was, now).isEqualTo(was.inode());
      if (e.getKey().equals("app.log") || e.getKey().equals("gc.log")) {
        // Still written by the live service: it may only have grown, by appending.
        assertThat(now.size()).as("size of %s (was %s, now %s)", e.getKey(), was, now).isGreaterThanOrEqualTo(was.size());
        assertThat(java.util.Arrays.copyOf(now.content(), was.content().length)).as("%s only appended to", e.getKey())
            .isEqualTo(was.content());
      } else {
        assertThat(now.size()).as("size of %s (was %s, now %s)", e.getKey(), was, now).isEqualTo(was.size());
        assertThat(now.mtime()).as("mtime of %s (was %s, now %s)", e.getKey(), was, now).isEqualTo(was.mtime());
        assertThat(now.content()).as("content of %s", e.getKey()).isEqualTo(was.content());
      }
    }
    assertThat(after.get("app.log").text().lines()).as("app.log: only the live service's lines")
        .allMatch(l -> l.startsWith("hostile pid=" + livePid + " "))
        .noneMatch(l -> l.contains("from-the-twin"));
    if (twinPid > 0) {
      assertThat(after.get("app.log").text()).doesNotContain("pid=" + twinPid + " ");
    }
    for (String marker : List.of("agent-marker", "agent-marker-jto")) {
      assertThat(after.get(marker).text()).as(marker).isEqualTo("agent pid=" + livePid + "\n");
    }
    assertThat(HostileFixture.names(fx.live)).as("the files in %s (no gc.log.0 rotation, no hook file)", fx.live)
        .isEqualTo(namesBefore)
        .doesNotContain("gc.log.0", "oom-hook-ran");
    assertThat(HostileFixture.listing(fx.live.resolve("dumps"))).as("the live dumps dir").isEqualTo(dumpsBefore);
    assertThat(HostileFixture.names(fx.live.resolve("tmp"))).as("the live service's tmpdir").isEqualTo(tmpBefore);
  }

  /** gc.log, rec.jfr (0 bytes until the live service exits), app.log and both agent markers. */
  private static Map<String, FileState> snapshot(HostileFixture fx) {
    Map<String, FileState> files = new LinkedHashMap<>();
    for (String name : List.of("gc.log", "rec.jfr", "app.log", "agent-marker", "agent-marker-jto")) {
      Path file = fx.live.resolve(name);
      assertThat(file).as("the live service's %s", name).exists();
      files.put(name, FileState.of(file));
    }
    return files;
  }

  /** The twin's argv from a plan, unquoted. */
  private static List<String> argv(String plan) {
    List<String> argv = new ArrayList<>();
    Fixtures.planSection(plan, "argv").forEach(a -> argv.add(Fixtures.unquote(a)));
    return argv;
  }

  /** Heap dumps under {@code dir}; files that vanish during the walk (a twin's private dir) are skipped. */
  private static List<Path> hprofFilesUnder(Path dir) throws IOException {
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (file.getFileName().toString().endsWith(".hprof")) {
          found.add(file);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        return FileVisitResult.CONTINUE;
      }
    });
    return found;
  }

  private static String readQuietly(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  private static long elapsedMs(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }
}
