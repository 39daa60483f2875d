package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * A detached twin that a non-root user started: that user and root may use it, through twin's
 * own commands and as a plain client; nobody else gets in. Needs root (as CI runs): it creates a
 * user and runs twin as that user from a world-readable copy, as RootUserIT does.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DetachedOwnerIT {
  private static final String USER = "twin-detach-it";
  private static final Duration STEP = Duration.ofSeconds(60);

  private Path base;
  private TwinCli root;
  private long uid;
  private long gid;
  private final List<String> ids = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    SystemUsers.requireRoot("DetachedOwnerIT must run as root (CI does): it creates a user and switches to it");
    SystemUsers.Account account = SystemUsers.systemUser(USER);
    uid = account.uid();
    gid = account.gid();

    base = Files.createTempDirectory(Path.of("/tmp"), "twin-detached-owner-");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    SystemUsers.copyClient(base);
    Fixtures.copyWorldReadable(Fixtures.demoDir().resolve("target/lib"), base.resolve("app/lib"));
    Files.copy(Fixtures.demoJar(), base.resolve("app/demo-service.jar"));
    Files.setPosixFilePermissions(base.resolve("app/demo-service.jar"), PosixFilePermissions.fromString("rw-r--r--"));
    Fixtures.writeProfile(base.resolve("profiles"), "owned", String.join("\n",
        "name: owned",
        "workdir: " + Fixtures.q(base.resolve("app")),
        "jar: demo-service.jar",
        "env: {DEMO_API_TOKEN: \"owned-token-not-a-secret-5d1e\", DEMO_DB_PATH: \"/nonexistent/demo.db\"}",
        ""));
    Files.setPosixFilePermissions(base.resolve("profiles"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(base.resolve("profiles/owned.yaml"), PosixFilePermissions.fromString("rw-r--r--"));
    for (String dir : List.of("user", "user/home")) {
      Path p = Files.createDirectories(base.resolve(dir));
      DetachedSupport.exec(Duration.ofSeconds(10), null, "chown", uid + ":" + gid, p.toString());
    }
    // Root's twin commands look into the user's runtime dir.
    root = new TwinCli(Files.createDirectories(base.resolve("root")))
        .env("TWIN_HOME", base.resolve("home").toString())
        .env("TWIN_RUNTIME_DIR", userRuntime().toString());
  }

  private Path userRuntime() {
    return base.resolve("user/run");
  }

  @AfterEach
  void tearDown() throws Exception {
    if (root != null) {
      try {
        asUser(Duration.ofSeconds(30), "stop", "--all");
      } catch (AssertionError | RuntimeException e) {
        // best effort
      }
      DetachedSupport.cleanUp(root, ids);
    }
    if (base != null) {
      try (Stream<Path> paths = Files.walk(base)) {
        paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Runs the copied bin/twin as USER with its own HOME and runtime dir. */
  private TwinCli.Result asUser(Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups",
        base.resolve("bin/twin").toString()));
    command.addAll(List.of(args));
    Map<String, String> env = Map.of(
        "HOME", base.resolve("user/home").toString(),
        "TWIN_HOME", base.resolve("home").toString(),
        "TWIN_RUNTIME_DIR", userRuntime().toString(),
        "TWIN_STATE_DIR", base.resolve("user/state").toString(),
        "TWIN_CACHE_DIR", base.resolve("user/cache").toString());
    return root.spawn(base, env, command.toArray(String[]::new)).await(timeout);
  }

  @Test
  void theOwnerAndRootMayUseTheTwin() throws Exception {
    TwinCli.Result launch = asUser(Duration.ofSeconds(90), "launch",
        base.resolve("profiles/owned.yaml").toString(), "--detach", "--reason", "owner test");
    assertThat(launch.exitCode()).as(launch.describe()).isZero();
    String id = launch.stdout().strip();
    assertThat(id).as(launch.describe()).matches("owned-[0-9a-f]{6}");
    ids.add(id);
    Path dir = userRuntime().resolve("twins").resolve(id);
    Path socket = dir.resolve("twin.sock");
    assertThat(ownerOf(socket)).as("the socket's owner").isEqualTo(uid);
    assertThat(DetachedSupport.perms(socket)).isEqualTo("rw-------");

    // The owner itself.
    TwinCli.Result own = asUser(STEP, "eval", id, "(System/getProperty \"user.name\")", "(def shared 7)");
    assertThat(own.exitCode()).as(own.describe()).isZero();
    assertThat(own.stdoutLines()).as(own.describe()).containsExactly("\"" + USER + "\"", "#'user/shared");

    // Root, through twin's commands: ps, eval.
    TwinCli.Result ps = root.run(STEP, null, "ps", "--json");
    assertThat(ps.exitCode()).as(ps.describe()).isZero();
    assertThat(ps.stdout()).as(ps.describe()).contains("\"id\":\"" + id + "\"", "\"user\":\"" + USER + "\"",
        "\"reason\":\"owner test\"");
    TwinCli.Result byRoot = root.run(STEP, null, "eval", id, "(inc shared)");
    assertThat(byRoot.exitCode()).as("root evaluates in the user's twin: %s", byRoot.describe()).isZero();
    assertThat(byRoot.stdoutLines()).as(byRoot.describe()).containsExactly("8");

    // Root as a plain client.
    TwinCli.Result plain = DetachedSupport.exec(Duration.ofSeconds(30), "(* shared 6)\n",
        "socat", "-t", "5", "-", "UNIX-CONNECT:" + socket);
    assertThat(plain.stdout().lines().map(l -> l.replace("twin:owned user=> ", "").strip()))
        .as("root with socat: %s", plain.describe()).contains("42");
    assertThat(plain.stdout()).as(plain.describe()).doesNotContain("access denied");
    String log = Files.readString(dir.resolve("supervisor.log"));
    assertThat(log).as("supervisor.log").doesNotContain("refused");

    // Root stops it.
    TwinCli.Result stop = root.run(STEP, null, "stop", id);
    assertThat(stop.exitCode()).as(stop.describe()).isZero();
    Host.await(Duration.ofSeconds(10), "the user's twin gone after root's stop",
        () -> DetachedSupport.leftovers(root, id).isEmpty() && !Files.exists(dir),
        () -> Host.describe(DetachedSupport.leftovers(root, id)));
  }

  private static long ownerOf(Path path) throws IOException {
    return ((Number) Files.getAttribute(path, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS)).longValue();
  }
}
