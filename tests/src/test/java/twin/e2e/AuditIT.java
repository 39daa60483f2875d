package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Transcripts end to end: every form on the record, verify, redaction, failing closed, reasons. */
@Timeout(150)
class AuditIT {
  private static final String TOKEN = "demo-token-not-a-real-secret-7f3a";

  @TempDir
  Path tmp;

  private TwinCli twin;
  private Path profile;

  @BeforeEach
  void setUp() {
    twin = new TwinCli(tmp);
    profile = Fixtures.demoProfile(tmp.resolve("profiles"), Host.freePort(), Host.freePort(), tmp.resolve("demo.db"), "");
  }

  @AfterEach
  void tearDown() {
    twin.run("stop", "--all");
    twin.close();
  }

  private List<Path> transcripts() throws IOException {
    Path dir = tmp.resolve("state/transcripts");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
    }
  }

  private String all(List<Path> files) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (Path f : files) {
      sb.append(Files.readString(f));
    }
    return sb.toString();
  }

  @Test
  void everyFormIsRecordedInOrderVerifiedAndMasked() throws IOException {
    TwinCli.Result r = twin.run("launch", profile.toString(), "--reason", "INC-42 audit test",
        "-e", "(+ 40 2)", "-e", "(System/getenv \"DEMO_API_TOKEN\")",
        "-e", "(str \"" + TOKEN + "\")", "-e", "(/ 1 0)");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    List<Path> files = transcripts();
    Path eval = files.stream().filter(f -> f.getFileName().toString().contains("-eval-")).findFirst().orElseThrow();
    String text = Files.readString(eval);
    assertThat(text).contains("\"reason\":\"INC-42 audit test\"").contains("\"user\":\"");
    int plus = text.indexOf("\"form\":\"(+ 40 2)\",\"ok\":true,\"value\":\"42\"");
    int div = text.indexOf("\"form\":\"(/ 1 0)\",\"ok\":false");
    assertThat(plus).isPositive();
    assertThat(div).isGreaterThan(plus);
    assertThat(text).contains("Divide by zero").contains("\"type\":\"session-end\"");
    assertThat(all(files)).doesNotContain(TOKEN);
    assertThat(r.stdout() + r.stderr()).doesNotContain(TOKEN);
    assertThat(Files.getPosixFilePermissions(eval)).hasSize(2);

    TwinCli.Result verify = twin.run("audit", "verify", eval.toString());
    assertThat(verify.exitCode()).as(verify.toString()).isZero();
    assertThat(verify.stdout()).contains(": ok");

    List<String> lines = new ArrayList<>(Files.readAllLines(eval));
    lines.set(2, lines.get(2).replace("\"value\":\"42\"", "\"value\":\"43\""));
    assertThat(lines.get(2)).contains("\"value\":\"43\"");
    Path edited = tmp.resolve("edited.jsonl");
    Files.write(edited, lines);
    TwinCli.Result bad = twin.run("audit", "verify", edited.toString());
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.stderr()).contains(edited + ": line 3 or line 4 was edited");

    TwinCli.Result show = twin.run("audit", "show", "--since", "1h");
    assertThat(show.stdout()).contains("> (+ 40 2)").contains("=> 42").contains("INC-42 audit test");
    assertThat(show.exitCode()).as(show.toString()).isZero();
    // Shown, an edited transcript says it is not intact, and show fails.
    TwinCli.Result showEdited = twin.run("audit", "show", edited.toString());
    assertThat(showEdited.exitCode()).as(showEdited.toString()).isEqualTo(1);
    assertThat(showEdited.stdout()).contains("!! NOT INTACT: line 3 or line 4 was edited").contains("=> 43");
    assertThat(showEdited.stderrLines()).containsExactly("twin: warning: " + edited
        + " is not intact: line 3 or line 4 was edited, or records around them were removed, added or reordered "
        + "(line 4 does not point back to line 3)");
  }

  @Test
  void aReasonOrFormCannotForgeLinesOrReachTheAuditorsTerminal() {
    String forged = "INC-1\n2026-11-23T01:33:30.000000000Z > (harmless)\n2026-11-23T01:33:31Z == end: closed\u001b[2J";
    TwinCli.Result r = twin.run("launch", profile.toString(), "--reason", forged, "-e", "(str \"a\\nb\" \"\u001b[31m\")",
        "-e", "(println \"x\\u0007\") \n  :second-line");
    assertThat(r.exitCode()).as(r.toString()).isZero();

    TwinCli.Result show = twin.run("audit", "show");
    assertThat(show.exitCode()).as(show.toString()).isZero();
    assertThat(show.stdout()).doesNotContain("\u001b").doesNotContain("\u0007")
        .contains("reason: INC-1\\n2026-11-23T01:33:30.000000000Z > (harmless)\\n2026-11-23T01:33:31Z == end: closed\\x1b[2J");
    for (String line : show.stdoutLines()) {
      // Each line is a header, a record (a time first), or the indented rest of one.
      assertThat(line).as(show.stdout()).matches("(== .*|   reason: .*|\\d{4}-\\d\\d-\\d\\dT.*|    .*|)");
    }
    assertThat(show.stdout()).contains("\n      :second-line");
  }

  @Test
  void anUnwritableTranscriptDirRefusesToEvaluate() throws IOException {
    Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
    twin.env("TWIN_STATE_DIR", file.resolve("state").toString());
    TwinCli.Result r = twin.run("launch", profile.toString(), "-e", "(spit \"" + tmp.resolve("ran") + "\" \"yes\")");

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
    assertThat(r.stderr()).contains("twin: error: cannot write the transcript").contains("refusing to evaluate");
    assertThat(tmp.resolve("ran")).doesNotExist();
  }

  @Test
  void aProfileThatRequiresAReasonRefusesWithoutOne() {
    Path strict = Fixtures.demoProfile(tmp.resolve("strict"), Host.freePort(), Host.freePort(), tmp.resolve("s.db"),
        "  require-reason: true\n");
    TwinCli.Result refused = twin.run("launch", strict.toString(), "-e", "(+ 1 2)");
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(3);
    assertThat(refused.stderr()).contains("requires a reason");

    TwinCli.Result ok = twin.run("launch", strict.toString(), "--reason", "checking", "-e", "(+ 1 2)");
    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    assertThat(ok.stdout()).contains("3");
  }

  @Test
  void afterKillingTheSupervisorEveryAnsweredFormIsOnRecord() throws Exception {
    TwinCli.Result started = twin.run("launch", profile.toString(), "--detach", "--reason", "kill test");
    assertThat(started.exitCode()).as(started.toString()).isZero();
    String id = started.stdout().strip();
    for (int i = 0; i < 5; i++) {
      TwinCli.Result r = twin.run("eval", id, "(* " + i + " 1000001)");
      assertThat(r.stdout()).contains(Long.toString(i * 1000001L));
    }
    String ps = twin.run("ps", "--json").stdout();
    String pid = ps.replaceAll("(?s).*\"supervisor-pid\":(\\d+).*", "$1");
    Host.signal(Long.parseLong(pid), "KILL");
    Host.await(Duration.ofSeconds(10), "the twin to end", () -> Host.twinPids(twin.runtimeDir()).isEmpty());

    String text = all(transcripts());
    for (int i = 0; i < 5; i++) {
      assertThat(text).contains("\"value\":\"" + (i * 1000001L) + "\"");
    }
  }
}
