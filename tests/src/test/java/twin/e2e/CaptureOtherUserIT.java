package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Another user's JVM: its environment is not readable, so capture, a live-linked launch and diff
 * each say "run as root" in one line, exit 3 ("run as root or as USER" when USER is not root). The
 * JVM is this test's own (root's); twin runs as an unprivileged user through setpriv.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CaptureOtherUserIT {
  private static final String USER = "twin-capture-it";

  private Path base;
  private long uid;
  private long gid;
  private TwinCli root;

  @BeforeEach
  void setUp() throws Exception {
    SystemUsers.requireRoot("CaptureOtherUserIT must run as root (CI does): it creates a user and switches to it");
    SystemUsers.Account account = SystemUsers.systemUser(USER);
    uid = account.uid();
    gid = account.gid();

    base = Files.createTempDirectory(Path.of("/tmp"), "twin-capture-user-");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    SystemUsers.copyClient(base);
    Path userDir = Files.createDirectories(base.resolve("user"));
    DetachedSupport.exec(Duration.ofSeconds(10), null, "chown", uid + ":" + gid, userDir.toString());
    root = new TwinCli(Files.createDirectories(base.resolve("root")));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (root != null) {
      root.close();
    }
    if (base != null) {
      try (Stream<Path> paths = Files.walk(base)) {
        paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private TwinCli.Result asUser(String... args) {
    List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups",
        base.resolve("bin/twin").toString()));
    command.addAll(List.of(args));
    Map<String, String> env = Map.of(
        "HOME", base.resolve("user").toString(),
        "TWIN_HOME", base.resolve("home").toString(),
        "TWIN_RUNTIME_DIR", base.resolve("user/run").toString(),
        "TWIN_STATE_DIR", base.resolve("user/state").toString(),
        "TWIN_CACHE_DIR", base.resolve("user/cache").toString());
    return root.spawn(base.resolve("user"), env, command.toArray(String[]::new)).await(Duration.ofSeconds(60));
  }

  @Test
  void rootsJvmCannotBeReadByAnotherUser() throws Exception {
    long pid = ProcessHandle.current().pid();
    Path profile = Fixtures.writeProfile(Files.createDirectories(base.resolve("profiles")), "other",
        "name: other\nsource:\n  pid: " + pid + "\n");
    Files.setPosixFilePermissions(profile, PosixFilePermissions.fromString("rw-r--r--"));
    String reason = "cannot read the environment of pid " + pid + " (user root): run as root";

    TwinCli.Result capture = asUser("capture", "--pid", Long.toString(pid));
    TwinCli.Result launch = asUser("launch", profile.toString(), "--dry-run");
    TwinCli.Result diff = asUser("diff", profile.toString(), "--pid", Long.toString(pid));
    Path plain = Fixtures.writeProfile(base.resolve("profiles"), "plain", "name: plain\njar: app.jar\n");
    Files.setPosixFilePermissions(plain, PosixFilePermissions.fromString("rw-r--r--"));
    TwinCli.Result diffPlain = asUser("diff", plain.toString(), "--pid", Long.toString(pid));

    assertOneLine(capture, "twin: error: " + reason);
    String sourceLine = "twin: error: profile 'other', source pid: " + pid + " (" + profile + ":3:8): " + reason;
    assertOneLine(launch, sourceLine);
    // diff resolves the profile as a launch does, so the source is read first.
    assertOneLine(diff, sourceLine);
    assertOneLine(diffPlain, "twin: error: " + reason);
  }

  private static void assertOneLine(TwinCli.Result r, String line) {
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(3);
    assertThat(r.stdout()).as(r.describe()).isEmpty();
    assertThat(r.stderrLines()).as(r.describe()).containsExactly(line);
  }
}
