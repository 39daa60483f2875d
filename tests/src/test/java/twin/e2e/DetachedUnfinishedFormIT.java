package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input that ends inside a form is the twin reader's syntax error, reported and exit 1, through a
 * running twin as through a fresh one. The error comes only when the session's input is closed,
 * after the client has been told everything it sent was read: a supervisor that hung up as the
 * client closed lost it about every other time, hence the repetitions.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class DetachedUnfinishedFormIT {
  private static final Duration STEP = Duration.ofSeconds(30);
  private static final int REPEATS = 15;

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

  /** Exit 1, the reader's error on stderr, no stack trace, and {@code stdout} exactly. */
  private static void assertEofError(TwinCli.Result r, String what, String... stdout) {
    assertThat(r.exitCode()).as("%s: exit code%n%s", what, r.describe()).isEqualTo(1);
    assertThat(r.stderr()).as("%s: the reader's error%n%s", what, r.describe())
        .contains("Syntax error reading source").contains("EOF while reading");
    assertThat(r.stdoutLines()).as("%s: stdout%n%s", what, r.describe()).containsExactly(stdout);
    assertThat(r.stackTraceLines()).as("%s: no stack trace%n%s", what, r.describe()).isEmpty();
  }

  @Test
  void anUnfinishedFormIsASyntaxErrorEveryTimeInARunningTwin() throws Exception {
    // The reference: a fresh twin, which ends with the command.
    assertEofError(twin.run(STEP, null, "eval", "demo", "(+ 1"), "eval in a fresh twin");

    DetachedSupport.Detached d = DetachedSupport.detach(twin, "demo");
    ids.add(d.id());
    Path file = Files.writeString(temp.resolve("unfinished.clj"), "(+ 1 ");

    for (int i = 1; i <= REPEATS; i++) {
      assertEofError(twin.run(STEP, null, "eval", d.id(), "(+ 1"), "eval '(+ 1' #" + i);
      assertEofError(twin.run(STEP, null, "run", d.id(), file.toString()), "run of '(+ 1 ' #" + i);
    }
    for (int i = 1; i <= 5; i++) {
      assertEofError(twin.run(STEP, null, "eval", d.id(), "\"abc"), "eval of an unclosed string #" + i);
      assertEofError(twin.run(STEP, null, "eval", d.id(), "(+ 1 2) ("), "a whole form, then an open one #" + i,
          "3");
    }

    // The twin took no harm: the next client is served as usual.
    TwinCli.Result after = twin.run(STEP, null, "eval", d.id(), "(+ 1 2)");
    assertThat(after.exitCode()).as(after.describe()).isZero();
    assertThat(after.stdoutLines()).as(after.describe()).containsExactly("3");
  }
}
