package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code twin doctor} on this host: what is fine, and each problem on one line with what to do. */
class DoctorIT {
  private static final Duration STEP = Duration.ofSeconds(30);

  @TempDir Path temp;

  @Test
  void aHealthyHostHasNoProblems() {
    TwinCli twin = new TwinCli(temp);
    TwinCli.Result r = twin.run(STEP, null, "doctor");
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdout()).as(r.describe())
        .contains("  ok    install ", "twin-runtime.jar", "  ok    java 17", "  ok    runtime dir " + twin.runtimeDir(),
            "  ok    unix sockets", "  ok    setpriv", "  ok    setfacl", "valid profile")
        .doesNotContain("FAIL");
    assertThat(r.stdout().strip()).as(r.describe()).endsWith(r.stdout().contains("  note  ") ? "note)" : "no problems");
    assertThat(twin.runtimeDir()).as("doctor changes nothing: the runtime dir is not made").doesNotExist();
  }

  @Test
  void eachProblemIsOneLineWithWhatToDo() throws Exception {
    Path profiles = Files.createDirectories(temp.resolve("profiles"));
    Files.writeString(profiles.resolve("broken.yaml"), "name: broken\njar: x.jar\njvm-option: []\n");
    Path open = Files.createDirectories(temp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    TwinCli twin = new TwinCli(temp).env("TWIN_PROFILES", profiles.toString()).env("TWIN_RUNTIME_DIR", open.toString());
    TwinCli.Result r = twin.run(STEP, null, "doctor");
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
    assertThat(r.stdout()).as(r.describe())
        .contains("  FAIL  runtime dir " + open + " is open to other users (rwxrwxrwx); chmod 700 " + open)
        .contains("  FAIL  " + profiles.resolve("broken.yaml") + ":3:1: error: unknown key 'jvm-option'")
        .contains("2 problems found");
    assertThat(r.stderr()).as(r.describe()).isEmpty();

    Path deep = temp.resolve("x".repeat(60)).resolve("y".repeat(30));
    TwinCli.Result tooLong = new TwinCli(temp).env("TWIN_RUNTIME_DIR", deep.toString()).run(STEP, null, "doctor");
    assertThat(tooLong.exitCode()).as(tooLong.describe()).isEqualTo(1);
    assertThat(tooLong.stdout()).as(tooLong.describe())
        .containsPattern("FAIL  runtime dir .*: socket paths under it would be \\d+ bytes, more than the 107 a unix "
            + "socket allows; set TWIN_RUNTIME_DIR to a shorter path");
  }
}
