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
        .contains("  FAIL  runtime dir " + open + " is open to other users (rwxrwxrwx: its group can list and add and "
            + "remove files in it; other users can list and add and remove files in it); chmod go-rw " + open)
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

  @Test
  void theRuntimeDirModesTwinSetsItselfAreFine() throws Exception {
    // 0711: root launched a twin as another user, which passes through to its own directory.
    Path passage = Files.createDirectories(temp.resolve("passage"));
    Files.setPosixFilePermissions(passage, PosixFilePermissions.fromString("rwx--x--x"));
    TwinCli.Result r = new TwinCli(temp).env("TWIN_RUNTIME_DIR", passage.toString()).run(STEP, null, "doctor");
    assertThat(r.stdout()).as(r.describe()).contains("  ok    runtime dir " + passage + " (rwx--x--x; search only")
        .doesNotContain("FAIL");
    assertThat(r.exitCode()).as(r.describe()).isZero();

    // twin.allowed-users: a named ACL entry for passage, whose mask shows in the group bits.
    Path shared = Files.createDirectories(temp.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwx------"));
    TwinCli.Result acl = host("setfacl", "-m", "u:nobody:--x", shared.toString());
    assertThat(acl.exitCode()).as(acl.describe()).isZero();
    r = new TwinCli(temp).env("TWIN_RUNTIME_DIR", shared.toString()).run(STEP, null, "doctor");
    assertThat(r.stdout()).as(r.describe()).contains("  ok    runtime dir " + shared + " (rwx--x---; search only")
        .doesNotContain("FAIL");
    assertThat(r.exitCode()).as(r.describe()).isZero();

    // A listing is not twin's: one line that names it.
    Files.setPosixFilePermissions(passage, PosixFilePermissions.fromString("rwx--xr-x"));
    r = new TwinCli(temp).env("TWIN_RUNTIME_DIR", passage.toString()).run(STEP, null, "doctor");
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
    assertThat(r.stdout()).as(r.describe()).contains("  FAIL  runtime dir " + passage
        + " is open to other users (rwx--xr-x: other users can list it); chmod go-rw " + passage);
  }

  @Test
  void aStateOrCacheDirTwinCannotWriteOrMakeFails() throws Exception {
    Path file = Files.writeString(temp.resolve("a-file"), "x");
    TwinCli.Result r = new TwinCli(temp).env("TWIN_STATE_DIR", file.toString()).env("TWIN_CACHE_DIR", "/dev/null")
        .run(STEP, null, "doctor");
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
    assertThat(r.stdout()).as(r.describe())
        .contains("  FAIL  state dir (transcripts) " + file + " is not a directory; set TWIN_STATE_DIR")
        .contains("  FAIL  cache dir (class-data archives) /dev/null is not a directory; set TWIN_CACHE_DIR")
        .contains("2 problems found");

    // Permission bits do not tell (root passes them): /proc takes no new directory.
    r = new TwinCli(temp).env("TWIN_STATE_DIR", "/proc/twin-doctor-it").env("TWIN_CACHE_DIR",
        file.resolve("sub").toString()).env("TWIN_RUNTIME_DIR", "/proc/twin-doctor-it-run").run(STEP, null, "doctor");
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
    assertThat(r.stdout()).as(r.describe())
        .contains("  FAIL  runtime dir /proc/twin-doctor-it-run cannot be made: no directory can be made in /proc (")
        .contains("  FAIL  state dir (transcripts) /proc/twin-doctor-it cannot be made: no directory can be made in /proc (")
        .contains("  FAIL  cache dir (class-data archives) " + file.resolve("sub") + " cannot be made: " + file
            + " is not a directory; set TWIN_CACHE_DIR")
        .contains("3 problems found");
    assertThat(r.stderr()).as(r.describe()).isEmpty();
    try (var left = Files.list(temp)) {
      assertThat(left.map(p -> p.getFileName().toString())).as("doctor's probes are gone")
          .noneMatch(n -> n.startsWith(".twin-doctor-"));
    }
  }

  private static TwinCli.Result host(String... command) {
    Host.Ran ran = Host.run(new ProcessBuilder(command).redirectErrorStream(true), STEP);
    return new TwinCli.Result(ran.ended() ? ran.exitCode() : -1, ran.text(), "");
  }
}
