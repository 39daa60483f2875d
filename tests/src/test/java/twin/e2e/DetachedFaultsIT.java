package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detached twins when something around them goes wrong: a client killed mid-evaluation, a
 * supervisor that does not answer, a bad entry under the runtime dir, stops that race.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DetachedFaultsIT {
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

  private DetachedSupport.Detached detach() {
    DetachedSupport.Detached d = DetachedSupport.detach(twin, "demo");
    ids.add(d.id());
    return d;
  }

  private String eval(String id, String form) {
    TwinCli.Result r = twin.run(STEP, null, "eval", id, form);
    assertThat(r.exitCode()).as("eval %s: %s", form, r.describe()).isZero();
    return r.stdout().strip();
  }

  @Test
  void aKilledClientsEvaluationIsInterruptedAndRecorded() {
    DetachedSupport.Detached d = detach();
    eval(d.id(), "(do (def spins (atom 0)) (def spinner (promise)) :ok)");
    // A busy loop that ignores interrupts: only the escalation to Thread.stop ends it.
    Spawned client = twin.start("eval", d.id(),
        "(do (deliver spinner (Thread/currentThread)) (loop [] (swap! spins inc) (recur)))");
    Host.await(STEP, "the loop running in the twin", () -> !eval(d.id(), "@spins").equals("0"),
        client::dump);
    assertThat(eval(d.id(), "(.isAlive @spinner)")).as("the loop's thread while its client lives").isEqualTo("true");

    Host.signal(client.pid(), "KILL");
    client.await(STEP);
    Host.await(STEP, "the loop's thread ended after its client was killed",
        () -> eval(d.id(), "(.isAlive @spinner)").equals("false"),
        () -> "spins: " + eval(d.id(), "@spins"));
    String after = eval(d.id(), "@spins");
    assertThat(eval(d.id(), "@spins")).as("the counter once the loop's thread is gone").isEqualTo(after);

    TwinCli.Result ps = twin.run(STEP, null, "ps", "--json");
    assertThat(ps.stdout()).as("no session left: %s", ps.describe()).contains("\"sessions\":0");

    Host.await(STEP, "the killed client's session ended on the record",
        () -> transcriptWith("(loop []").contains("\"type\":\"session-end\""), () -> transcriptWith("(loop []"));
    String record = transcriptWith("(loop []");
    assertThat(record).as("the killed client's transcript")
        .contains("\"type\":\"notice\",\"text\":\"the session's client went away; interrupting its running evaluation\"")
        .contains("\"type\":\"result\"")
        .contains("\"reason\":\"its client went away\",\"evaluation\":\"interrupted because its client went away\"");
    assertThat(transcriptWith("(.isAlive @spinner)")).as("a client that ended normally")
        .contains("\"reason\":\"closed\"").doesNotContain("went away");
    List<String> verifyArgs = new ArrayList<>(List.of("audit", "verify"));
    transcripts().forEach(f -> verifyArgs.add(f.toString()));
    TwinCli.Result verify = twin.run(STEP, null, verifyArgs.toArray(String[]::new));
    assertThat(verify.exitCode()).as(verify.describe()).isZero();
    TwinCli.Result show = twin.run(STEP, null, "audit", "show");
    assertThat(show.stdout()).as(show.describe())
        .contains("-- the session's client went away; interrupting its running evaluation")
        .contains("== end: its client went away; evaluation interrupted because its client went away");
  }

  @Test
  void aStoppedSupervisorIsReportedAndTheOtherTwinsServed() {
    DetachedSupport.Detached wedged = detach();
    DetachedSupport.Detached fine = detach();
    Host.signal(wedged.supervisorPid(), "STOP");
    try {
      String notAnswering = "twin " + wedged.id() + " did not answer within 5 s (its supervisor pid "
          + wedged.supervisorPid() + " may be stopped or overloaded)";
      TwinCli.Result ps = twin.run(STEP, null, "ps");
      assertThat(ps.exitCode()).as(ps.describe()).isZero();
      assertThat(ps.stderr()).as(ps.describe()).isEqualTo("twin: warning: " + notAnswering + "\n");
      assertThat(ps.stdoutLines()).as(ps.describe()).hasSize(3);
      assertThat(ps.stdout()).as(ps.describe()).contains(fine.id() + " ");
      String row = ps.stdoutLines().stream().filter(l -> l.startsWith(wedged.id() + " ")).findFirst().orElse("");
      assertThat(row).as(ps.describe()).endsWith("(not answering)");
      assertThat(row.split("\\s+")).as(ps.describe()).contains(Long.toString(wedged.supervisorPid()));
      TwinCli.Result json = twin.run(STEP, null, "ps", "--json");
      assertThat(json.stdout()).as(json.describe())
          .contains("{\"id\":\"" + wedged.id() + "\",\"profile\":\"demo\",\"supervisor-pid\":"
              + wedged.supervisorPid() + ",\"state\":\"not answering\"}")
          .contains("\"id\":\"" + fine.id() + "\"");

      for (String[] args : List.of(new String[] {"eval", wedged.id(), "(+ 1 2)"},
          new String[] {"attach", wedged.id()}, new String[] {"stop", wedged.id()})) {
        TwinCli.Result r = twin.run(STEP, null, args);
        assertThat(r.exitCode()).as("%s: %s", args[0], r.describe()).isEqualTo(1);
        assertThat(r.stderr()).as("%s: %s", args[0], r.describe()).startsWith("twin: error: " + notAnswering);
        assertThat(r.stderr().strip().lines()).as("one line: %s", r.describe()).hasSize(1);
      }
      // Only the handshake is bounded: an evaluation longer than it is answered.
      assertThat(eval(fine.id(), "(do (Thread/sleep 6000) :slow)")).isEqualTo(":slow");

      TwinCli.Result all = twin.run(STEP, null, "stop", "--all");
      assertThat(all.exitCode()).as(all.describe()).isEqualTo(1);
      assertThat(all.stderr()).as(all.describe()).contains("twin: stopped " + fine.id())
          .contains("twin: error: " + notAnswering);
      DetachedSupport.awaitGone(twin, fine, STEP, "stop --all past a stopped supervisor");
    } finally {
      Host.signal(wedged.supervisorPid(), "CONT");
    }
  }

  @Test
  void aBadEntryUnderTwinsIsSkippedWithAWarning() throws IOException {
    DetachedSupport.Detached d = detach();
    Path fake = DetachedSupport.twinDir(twin, "demo-fake02");
    Files.createDirectory(fake);
    DetachedSupport.chmod(fake, "rwx------");
    Files.writeString(fake.resolve("twin.sock"), "hi\n");
    String warning = "twin: warning: skipping " + fake + ": " + fake.resolve("twin.sock")
        + " is not a socket (or is a link); refusing to use it";

    TwinCli.Result ps = twin.run(STEP, null, "ps");
    assertThat(ps.exitCode()).as(ps.describe()).isZero();
    assertThat(ps.stderr()).as(ps.describe()).contains(warning);
    assertThat(ps.stdout()).as(ps.describe()).contains(d.id() + " ").doesNotContain("demo-fake02");
    TwinCli.Result unknown = twin.run(STEP, null, "eval", "demo-0000ff", "1");
    assertThat(unknown.exitCode()).as(unknown.describe()).isEqualTo(2);
    assertThat(unknown.stderr()).as(unknown.describe()).contains("no running twin and ");
    assertThat(eval("demo", "(+ 1 2)")).as("the profile's one twin, past the bad entry").isEqualTo("3");
    TwinCli.Result direct = twin.run(STEP, null, "eval", "demo-fake02", "1");
    assertThat(direct.exitCode()).as("the bad entry named by its id: %s", direct.describe()).isEqualTo(3);

    TwinCli.Result all = twin.run(STEP, null, "stop", "--all");
    assertThat(all.exitCode()).as(all.describe()).isZero();
    assertThat(all.stderr()).as(all.describe()).contains(warning).contains("twin: stopped " + d.id());
    DetachedSupport.awaitGone(twin, d, STEP, "stop --all past a bad entry");
    assertThat(fake.resolve("twin.sock")).as("the bad entry, left alone").exists();
  }

  @Test
  void concurrentStopsOfAllEndEveryTwinWithoutErrors() {
    List<DetachedSupport.Detached> twins = List.of(detach(), detach(), detach());
    List<Spawned> stops = List.of(twin.start("stop", "--all"), twin.start("stop", "--all"),
        twin.start("stop", "--all"));
    for (Spawned stop : stops) {
      TwinCli.Result r = stop.await(STEP);
      assertThat(r.exitCode()).as(r.describe()).isZero();
      assertThat(r.stderr()).as(r.describe()).doesNotContain("error");
    }
    for (DetachedSupport.Detached d : twins) {
      DetachedSupport.awaitGone(twin, d, STEP, "three concurrent stop --all");
    }
  }

  private List<Path> transcripts() {
    try (Stream<Path> files = Files.list(temp.resolve("state/transcripts"))) {
      return files.sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The text of the first transcript that holds {@code text}, or "". */
  private String transcriptWith(String text) {
    try {
      for (Path f : transcripts()) {
        String content = Files.readString(f, StandardCharsets.UTF_8);
        if (content.contains(text.replace("\"", "\\\""))) {
          return content;
        }
      }
      return "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
