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
    assertThat(ps.stdout()).as("no session left: %s", ps.describe()).contains("\"sessions\":\"0\"");

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
