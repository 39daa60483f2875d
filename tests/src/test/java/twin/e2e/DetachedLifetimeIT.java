package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How a detached twin ends: idle timeout, maximum lifetime, stop; and how ps shows it meanwhile. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DetachedLifetimeIT {
  private static final Duration STEP = Duration.ofSeconds(30);

  @TempDir Path temp;
  private TwinCli twin;
  private final List<String> ids = new ArrayList<>();

  @BeforeEach
  void setUp() {
    twin = new TwinCli(temp);
  }

  @AfterEach
  void tearDown() {
    DetachedSupport.cleanUp(twin, ids);
  }

  private DetachedSupport.Detached detach(String... extra) {
    DetachedSupport.Detached d = DetachedSupport.detach(twin, "demo", extra);
    ids.add(d.id());
    return d;
  }

  @Test
  void anIdleTwinEnds() throws Exception {
    DetachedSupport.Detached d = detach("--idle-timeout", "3s");
    assertThat(d.launch().stderr()).contains("idle timeout 3s");
    TwinCli.Result r = twin.run(STEP, null, "eval", d.id(), "(+ 1 2)");
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdoutLines()).as(r.describe()).containsExactly("3");

    // An evaluation longer than the idle timeout is not idleness.
    TwinCli.Result slow = twin.run(STEP, null, "eval", d.id(), "(do (Thread/sleep 4500) :done)");
    assertThat(slow.exitCode()).as("an eval longer than the idle timeout: %s", slow.describe()).isZero();
    assertThat(slow.stdoutLines()).as(slow.describe()).containsExactly(":done");

    // Nor is a plain session that is attached and silent.
    try (SocketChannel silent = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      silent.connect(UnixDomainSocketAddress.of(DetachedSupport.socket(twin, d.id())));
      Host.sleep(Duration.ofMillis(4500));
      assertThat(DetachedSupport.alive(d.supervisorPid()) && DetachedSupport.alive(d.twinPid()))
          .as("the twin while a silent plain session stays attached past the idle timeout").isTrue();
    }

    DetachedSupport.awaitGone(twin, d, Duration.ofSeconds(15), "idle for 3s after one eval");
    assertThat(Host.twinPids(twin.runtimeDir())).isEmpty();
  }

  @Test
  void theMaximumLifetimeEndsEvenABusyTwin() {
    DetachedSupport.Detached d = detach("--max-lifetime", "5s");
    Spawned busy = twin.start("eval", d.id(), "(Thread/sleep 20000)");
    long started = System.nanoTime();
    DetachedSupport.awaitGone(twin, d, Duration.ofSeconds(20), "max lifetime 5s, a session busy");
    TwinCli.Result r = busy.await(Duration.ofSeconds(10));
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    System.out.println("DetachedLifetimeIT: the busy eval after the max lifetime, " + seconds + " s: " + r.describe());
    assertThat(seconds).as("the busy eval ended with the twin, before its 20 s sleep: %s", r.describe())
        .isLessThan(19);
    assertThat(r.exitCode()).as("the eval client whose twin ended under it: %s", r.describe()).isNotZero();
    assertThat(r.stderr()).as(r.describe()).isNotBlank();
    assertThat(r.stackTraceLines()).as("no Java stack trace: %s", r.describe()).isEmpty();
  }

  @Test
  void psListsTwinsAndStopEndsThem() {
    String reason = "INC-1234 stuck orders";
    DetachedSupport.Detached a = detach("--reason", reason);
    DetachedSupport.Detached b = detach();

    TwinCli.Result ps = twin.run(STEP, null, "ps");
    assertThat(ps.exitCode()).as(ps.describe()).isZero();
    List<String> lines = ps.stdoutLines();
    assertThat(lines).as(ps.describe()).hasSize(3);
    assertThat(lines.get(0)).as("the header").contains("ID", "PROFILE", "TWIN", "SUPER", "USER", "SESS", "REASON");
    String rowA = lines.stream().filter(l -> l.startsWith(a.id() + " ")).findFirst().orElse("");
    assertThat(rowA.split("\\s+")).as("the row of %s: %s", a.id(), ps.describe())
        .contains(a.id(), "demo", Long.toString(a.twinPid()), Long.toString(a.supervisorPid()), "root", "0");
    assertThat(rowA).as(ps.describe()).endsWith(reason);
    String rowB = lines.stream().filter(l -> l.startsWith(b.id() + " ")).findFirst().orElse("");
    assertThat(rowB.split("\\s+")).as("the row of %s: %s", b.id(), ps.describe())
        .contains(b.id(), "demo", Long.toString(b.twinPid()), Long.toString(b.supervisorPid()));

    TwinCli.Result json = twin.run(STEP, null, "ps", "--json");
    assertThat(json.exitCode()).as(json.describe()).isZero();
    String array = json.stdout().strip();
    assertThat(array).as(json.describe()).startsWith("[{").endsWith("}]")
        .contains("\"id\":\"" + a.id() + "\"", "\"id\":\"" + b.id() + "\"", "\"profile\":\"demo\"",
            "\"twin-pid\":" + a.twinPid(), "\"supervisor-pid\":" + a.supervisorPid(),
            "\"user\":\"root\"", "\"sessions\":0", "\"reason\":\"" + reason + "\"", "\"require-reason\":false");
    assertThat(array.split("\\},\\{")).as("two objects: %s", array).hasSize(2);

    // With two twins of demo, the profile name is ambiguous: a usage error naming both.
    TwinCli.Result ambiguous = twin.run(STEP, null, "eval", "demo", "(+ 1 2)");
    assertThat(ambiguous.exitCode()).as(ambiguous.describe()).isEqualTo(2);
    assertThat(ambiguous.stderr()).as(ambiguous.describe()).contains(a.id()).contains(b.id());

    TwinCli.Result stopA = twin.run(STEP, null, "stop", a.id());
    assertThat(stopA.exitCode()).as(stopA.describe()).isZero();
    assertThat(stopA.stderr()).as(stopA.describe()).contains("twin: stopped " + a.id());
    DetachedSupport.awaitGone(twin, a, Duration.ofSeconds(10), "stop " + a.id());
    assertThat(DetachedSupport.alive(b.twinPid())).as("the other twin after stop " + a.id()).isTrue();
    TwinCli.Result stillB = twin.run(STEP, null, "eval", "demo", "(+ 1 2)");
    assertThat(stillB.stdoutLines()).as("demo now names the one twin left: %s", stillB.describe())
        .containsExactly("3");

    TwinCli.Result all = twin.run(STEP, null, "stop", "--all");
    assertThat(all.exitCode()).as(all.describe()).isZero();
    assertThat(all.stderr()).as(all.describe()).contains("twin: stopped " + b.id()).doesNotContain(a.id());
    DetachedSupport.awaitGone(twin, b, Duration.ofSeconds(10), "stop --all");
    assertThat(Host.twinPids(twin.runtimeDir())).as("twin JVMs left").isEmpty();

    TwinCli.Result empty = twin.run(STEP, null, "ps", "--json");
    assertThat(empty.stdout().strip()).as(empty.describe()).isEqualTo("[]");
    TwinCli.Result none = twin.run(STEP, null, "stop", "--all");
    assertThat(none.exitCode()).as(none.describe()).isZero();
    assertThat(none.stderr()).as(none.describe()).contains("no detached twins are running");
  }

  @Test
  void theTwinsDeathOrATermOfTheSupervisorEndsEverything() throws Exception {
    DetachedSupport.Detached killed = detach();
    List<DetachedSupport.Detached> termed = List.of(detach(), detach());
    Host.signal(killed.twinPid(), "KILL");
    DetachedSupport.awaitGone(twin, killed, Duration.ofSeconds(10), "SIGKILL of the twin JVM");
    assertThat(twin.runtimeDir().resolve(killed.id())).as("the twin's private directory").doesNotExist();
    // A twin that died leaves its supervisor's log where it stays, for the post-mortem.
    Path kept = twin.runtimeDir().getParent().resolve("state/logs/" + killed.id() + ".log");
    Host.await(Duration.ofSeconds(10), "the kept log " + kept, () -> java.nio.file.Files.isRegularFile(kept));
    assertThat(kept).content().contains("twin " + killed.id() + " ready", "ending: the twin JVM exited");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(kept)))
        .isEqualTo("rw-------");

    // A TERM is a polite end: the supervisor ends its twin and removes its files, as on stop.
    for (DetachedSupport.Detached t : termed) {
      Host.signal(t.supervisorPid(), "TERM");
    }
    for (DetachedSupport.Detached t : termed) {
      Host.await(Duration.ofSeconds(10), "no process of " + t.id() + " after SIGTERM of its supervisor",
          () -> DetachedSupport.leftovers(twin, t.id()).isEmpty(),
          () -> Host.describe(DetachedSupport.leftovers(twin, t.id())));
    }
    Host.sleep(Duration.ofSeconds(2));
    for (DetachedSupport.Detached t : termed) {
      Path dir = DetachedSupport.twinDir(twin, t.id());
      assertThat(dir).as("twins/%s after SIGTERM of its supervisor (holds: %s)", t.id(),
          dir.toFile().list() == null ? "-" : String.join(", ", dir.toFile().list())).doesNotExist();
      assertThat(twin.runtimeDir().resolve(t.id())).as("the twin's private directory").doesNotExist();
    }

    TwinCli.Result ps = twin.run(STEP, null, "ps");
    assertThat(ps.exitCode()).as(ps.describe()).isZero();
    assertThat(ps.stderr()).as("nothing stale to clean: %s", ps.describe()).doesNotContain("stale");
    assertThat(ps.stdoutLines()).as(ps.describe()).hasSize(1);

    TwinCli.Result stop = twin.run(STEP, null, "stop", killed.id());
    assertThat(stop.exitCode()).as("stop of a twin that is gone: %s", stop.describe()).isEqualTo(2);
    assertThat(stop.stderr()).as(stop.describe()).contains("no running twin '" + killed.id() + "'");
    TwinCli.Result attach = twin.run(STEP, null, "attach", killed.id());
    assertThat(attach.exitCode()).as("attach to a twin that is gone: %s", attach.describe()).isEqualTo(2);
  }

  @Test
  void badDurationsAndATwinThatCannotStartAreReported() {
    TwinCli.Result badUnit = twin.run(STEP, null, "launch", "demo", "--detach", "--idle-timeout", "5x");
    assertThat(badUnit.exitCode()).as(badUnit.describe()).isEqualTo(2);
    assertThat(badUnit.stderr()).as(badUnit.describe()).contains("--idle-timeout").contains("90s");
    TwinCli.Result zero = twin.run(STEP, null, "launch", "demo", "--detach", "--max-lifetime", "0s");
    assertThat(zero.exitCode()).as(zero.describe()).isEqualTo(2);
    TwinCli.Result noDetach = twin.run(STEP, null, "launch", "demo", "--idle-timeout", "5m", "-e", "1");
    assertThat(noDetach.exitCode()).as(noDetach.describe()).isEqualTo(2);
    assertThat(noDetach.stderr()).as(noDetach.describe()).contains("--detach");
    TwinCli.Result withForms = twin.run(STEP, null, "launch", "demo", "--detach", "-e", "1");
    assertThat(withForms.exitCode()).as(withForms.describe()).isEqualTo(2);
    assertThat(DetachedSupport.twinDirs(twin)).as("no twin started by a usage error").isEmpty();

    Path profile = Fixtures.writeProfile(temp.resolve("profiles"), "broken", String.join("\n",
        "name: broken",
        "java: java",
        "workdir: " + Fixtures.q(Fixtures.demoDir()),
        "jar: target/demo-service.jar",
        "jvm-options: [\"-XX:+NoSuchOptionForTwinTests\"]",
        "env: {DEMO_API_TOKEN: \"not-a-secret\"}",
        ""));
    TwinCli.Result broken = twin.run(STEP, null, "launch", profile.toString(), "--detach");
    assertThat(broken.exitCode()).as(broken.describe()).isEqualTo(1);
    assertThat(broken.stdout()).as("no id for a twin that did not start: %s", broken.describe()).isBlank();
    assertThat(broken.stderr()).as(broken.describe()).contains("the detached twin did not start")
        .contains("NoSuchOptionForTwinTests");
    assertThat(broken.stackTraceLines()).as(broken.describe()).isEmpty();
    Host.await(Duration.ofSeconds(10), "no process of the broken twin",
        () -> Host.twinPids(twin.runtimeDir()).isEmpty()
            && DetachedSupport.twinDirs(twin).stream().allMatch(id -> DetachedSupport.supervisorPids(id).isEmpty()));
    System.out.println("DetachedLifetimeIT: left under twins/ after a failed detach: " + DetachedSupport.twinDirs(twin));
    TwinCli.Result ps = twin.run(STEP, null, "ps", "--json");
    assertThat(ps.stdout().strip()).as(ps.describe()).isEqualTo("[]");
  }

  /**
   * Asking for status is neither a session nor an evaluation: {@code ps} must show the idle time
   * growing, and polling it must not keep an idle twin alive.
   */
  @Test
  void psDoesNotCountAsActivity() {
    DetachedSupport.Detached d = detach("--idle-timeout", "6s");
    Pattern idle = Pattern.compile("\"idle-seconds\":(\\d+)");
    long maxIdle = -1;
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    boolean ended = false;
    while (System.nanoTime() < deadline) {
      if (!DetachedSupport.alive(d.supervisorPid())) {
        ended = true;
        break;
      }
      TwinCli.Result ps = twin.run(STEP, null, "ps", "--json");
      Matcher m = idle.matcher(ps.stdout());
      if (m.find()) {
        maxIdle = Math.max(maxIdle, Long.parseLong(m.group(1)));
      }
      Host.sleep(Duration.ofMillis(700));
    }
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(maxIdle).as("the largest idle-seconds ps showed while polling a twin nobody used").isGreaterThanOrEqualTo(2);
    soft.assertThat(ended).as("the twin (idle timeout 6s) ended within 15 s although ps polled it").isTrue();
    soft.assertAll();
  }
}
