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
 * twin.allowed-users and twin.allowed-groups: root's detached twin, shared with one user and one
 * group. The named user, and a member of the group by supplementary membership, use it through
 * twin's own commands and socat; anyone else is stopped by the file system and, even through an
 * opened path, by the supervisor's peer check. Needs root (as CI runs): it creates the users and
 * the group, and switches to them with setpriv.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AllowedUsersIT {
  private static final String ALLOWED = "twin-allow-a";
  private static final String MEMBER = "twin-allow-b";
  private static final String STRANGER = "twin-allow-c";
  private static final String GROUP = "twin-allow-g";
  private static final Duration STEP = Duration.ofSeconds(60);

  private Path base;
  private TwinCli root;
  private final List<String> ids = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    SystemUsers.requireRoot("AllowedUsersIT must run as root (CI does): it creates users and switches to them");
    assertThat(exec("sh", "-c", "command -v setfacl && command -v getfacl").exitCode())
        .as("setfacl and getfacl are required (apt-get install acl); .ci/run installs them").isZero();
    for (String user : List.of(ALLOWED, MEMBER, STRANGER)) {
      SystemUsers.systemUser(user);
    }
    SystemUsers.systemGroup(GROUP, MEMBER);

    base = Files.createTempDirectory(Path.of("/tmp"), "twin-allowed-");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    // The other users run a world-readable copy of the client.
    SystemUsers.copyClient(base);
    Files.createDirectories(base.resolve("root"));
    root = new TwinCli(base.resolve("root"));
  }

  @AfterEach
  void tearDown() throws Exception {
    DetachedSupport.cleanUp(root, ids);
    if (base != null) {
      try (Stream<Path> paths = Files.walk(base)) {
        paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The demo's profile (profile demo-e2e) with these lines added to its twin section. */
  private Path profile(String twinLines) throws Exception {
    Path dir = Files.createDirectories(base.resolve("profiles"));
    return Fixtures.demoProfile(dir, Host.freePort(), Host.freePort(), base.resolve("nonexistent/demo.db"), twinLines);
  }

  @Test
  void theNamedUserAndGroupGetInAndNobodyElse() throws Exception {
    Path profile = profile("  allowed-users: [" + ALLOWED + "]\n  allowed-groups: [" + GROUP + "]\n");
    DetachedSupport.Detached d = DetachedSupport.detach(root, profile.toString(), "--reason", "shared twin test");
    ids.add(d.id());
    Path dir = DetachedSupport.twinDir(root, d.id());
    Path socket = DetachedSupport.socket(root, d.id());

    // Owner-only modes; named ACL entries for exactly the listed user and group.
    String acl = check(exec("getfacl", "-p", socket.toString())).stdout();
    assertThat(acl).as("the socket's ACL").contains("user::rw-", "user:" + ALLOWED + ":rw-", "group::---",
        "group:" + GROUP + ":rw-", "other::---").doesNotContain(STRANGER);
    String dirAcl = check(exec("getfacl", "-p", dir.toString())).stdout();
    assertThat(dirAcl).as("the twin directory's ACL").contains("user:" + ALLOWED + ":r-x", "group:" + GROUP + ":r-x",
        "group::---", "other::---");
    String runtimeAcl = check(exec("getfacl", "-p", root.runtimeDir().toString())).stdout();
    assertThat(runtimeAcl).as("the runtime dir: passage only").contains("user:" + ALLOWED + ":--x", "other::---");
    assertThat(Files.readString(dir.resolve("supervisor.log"))).as("supervisor.log")
        .contains("shared with " + ALLOWED + ", group " + GROUP);

    // The named user: twin's own commands.
    TwinCli.Result eval = asUser(ALLOWED, "eval", d.id(), "(+ 1 2)", "(def from-a 40)");
    assertThat(eval.exitCode()).as(eval.describe()).isZero();
    assertThat(eval.stdoutLines()).as(eval.describe()).containsExactly("3", "#'user/from-a");
    TwinCli.Result ps = asUser(ALLOWED, "ps", "--json");
    assertThat(ps.exitCode()).as(ps.describe()).isZero();
    assertThat(ps.stdout()).as(ps.describe()).contains("\"id\":\"" + d.id() + "\"", "\"reason\":\"shared twin test\"");

    // A member of the group by supplementary membership only: twin eval, and socat.
    TwinCli.Result member = asUser(MEMBER, "eval", d.id(), "(+ from-a 2)");
    assertThat(member.exitCode()).as(member.describe()).isZero();
    assertThat(member.stdoutLines()).as(member.describe()).containsExactly("42");
    TwinCli.Result plain = exec(Duration.ofSeconds(30), "(* from-a 2)\n", setpriv(MEMBER, "socat", "-t", "5", "-",
        "UNIX-CONNECT:" + socket));
    assertThat(plain.stdout().lines().map(l -> l.replaceAll("twin:[a-z0-9-]+ user=> ", "").strip()))
        .as("socat as a member of %s: %s", GROUP, plain.describe()).contains("80");

    // Anyone else: twin's client says the twins are not shared, socat cannot reach the socket.
    TwinCli.Result stranger = asUser(STRANGER, "eval", d.id(), "(+ 1 2)");
    assertThat(stranger.exitCode()).as(stranger.describe()).isEqualTo(3);
    assertThat(stranger.stderr()).as(stranger.describe()).contains("twin: error: cannot look into " + root.runtimeDir()
        + ": permission denied (its twins are not shared with you");
    assertThat(stranger.stdout()).as(stranger.describe()).isEmpty();
    TwinCli.Result strangerSocat = exec(Duration.ofSeconds(30), "(+ 1 2)\n", setpriv(STRANGER, "socat", "-t", "3", "-",
        "UNIX-CONNECT:" + socket));
    assertThat(strangerSocat.exitCode()).as(strangerSocat.describe()).isNotZero();
    assertThat(strangerSocat.stdout()).as(strangerSocat.describe()).doesNotContain("=>");

    // Even with the path opened to them, the supervisor's peer check refuses the stranger.
    List<Path> path = List.of(root.runtimeDir(), DetachedSupport.twinsDir(root), dir, socket);
    TwinCli.Result refused;
    try {
      for (Path p : path) {
        check(exec("setfacl", "-m", "u:" + STRANGER + ":" + (p.equals(socket) ? "rw-" : "--x"), p.toString()));
      }
      refused = exec(Duration.ofSeconds(30), null, setpriv(STRANGER, "socat", "-t", "3", "-", "UNIX-CONNECT:" + socket));
    } finally {
      for (Path p : path) {
        exec("setfacl", "-x", "u:" + STRANGER, p.toString());
      }
    }
    assertThat(refused.stdout()).as("the stranger through an opened path: %s", refused.describe())
        .contains("twin: access denied: user " + STRANGER + " may not use this twin").doesNotContain("=>");
    assertThat(Files.readString(dir.resolve("supervisor.log"))).as("supervisor.log")
        .contains("refused a connection from user " + STRANGER);

    // The twin is unharmed; once stopped, the shared user sees nothing.
    TwinCli.Result after = root.run(STEP, null, "eval", d.id(), "from-a");
    assertThat(after.stdoutLines()).as(after.describe()).containsExactly("40");
    TwinCli.Result stop = asUser(ALLOWED, "stop", d.id());
    assertThat(stop.exitCode()).as("an allowed user may stop the shared twin: %s", stop.describe()).isZero();
    DetachedSupport.awaitGone(root, d, Duration.ofSeconds(30), "stopped by the allowed user");
    TwinCli.Result psAfter = asUser(ALLOWED, "ps", "--json");
    assertThat(psAfter.stdout()).as(psAfter.describe()).doesNotContain(d.id());
  }

  @Test
  void theSharedDirectoriesEntriesGoWithTheLastTwinThatNeedsThem() throws Exception {
    Path both = profile("  allowed-users: [" + ALLOWED + "]\n  allowed-groups: [" + GROUP + "]\n");
    DetachedSupport.Detached a = DetachedSupport.detach(root, both.toString());
    ids.add(a.id());
    Path onlyUser = Files.createDirectories(base.resolve("profiles-b"));
    Path userProfile = Fixtures.demoProfile(onlyUser, Host.freePort(), Host.freePort(),
        base.resolve("nonexistent/demo.db"), "  allowed-users: [" + ALLOWED + "]\n");
    DetachedSupport.Detached b = DetachedSupport.detach(root, userProfile.toString());
    ids.add(b.id());
    List<Path> shared = List.of(root.runtimeDir(), DetachedSupport.twinsDir(root));
    for (Path p : shared) {
      assertThat(acl(p)).as("%s with both twins", p).contains("user:" + ALLOWED + ":", "group:" + GROUP + ":");
    }

    // The group's entries go with the one twin that shared with it; the user's stay for the other.
    check(root.run(STEP, null, "stop", a.id()));
    DetachedSupport.awaitGone(root, a, Duration.ofSeconds(30), "stopped");
    for (Path p : shared) {
      assertThat(acl(p)).as("%s after the first twin", p).contains("user:" + ALLOWED + ":").doesNotContain(GROUP);
    }
    TwinCli.Result eval = asUser(ALLOWED, "eval", b.id(), "(+ 1 2)");
    assertThat(eval.stdoutLines()).as(eval.describe()).containsExactly("3");

    check(root.run(STEP, null, "stop", b.id()));
    DetachedSupport.awaitGone(root, b, Duration.ofSeconds(30), "stopped");
    for (Path p : shared) {
      assertThat(acl(p)).as("%s after both twins", p).doesNotContain(ALLOWED).doesNotContain(GROUP)
          .contains("user::rwx", "other::---");
    }
    TwinCli.Result ps = asUser(ALLOWED, "ps");
    assertThat(ps.exitCode()).as(ps.describe()).isEqualTo(3);
    assertThat(ps.stderr()).as(ps.describe()).contains("its twins are not shared with you");
  }

  private static String acl(Path path) {
    return check(exec("getfacl", "-pc", path.toString())).stdout();
  }

  @Test
  void anUnknownUserOrGroupIsRefusedBeforeAnythingStarts() throws Exception {
    Path profile = profile("  allowed-users: [no-such-user-twin]\n");
    TwinCli.Result r = root.run(STEP, null, "launch", profile.toString(), "--detach");
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(2);
    assertThat(r.stderr()).as(r.describe())
        .contains("twin: error: twin.allowed-users: there is no user 'no-such-user-twin' on this host")
        .doesNotContain("Exception").doesNotContainPattern("(?m)^\\s+at ");
    assertThat(DetachedSupport.twinDirs(root)).as("no twin started").isEmpty();

    Path group = profile("  allowed-groups: [no-such-group-twin]\n");
    TwinCli.Result g = root.run(STEP, null, "launch", group.toString(), "--detach");
    assertThat(g.exitCode()).as(g.describe()).isEqualTo(2);
    assertThat(g.stderr()).as(g.describe())
        .contains("twin: error: twin.allowed-groups: there is no group 'no-such-group-twin' on this host");
  }

  private TwinCli.Result asUser(String user, String... args) {
    List<String> command = new ArrayList<>(List.of(setpriv(user, base.resolve("bin/twin").toString())));
    command.addAll(List.of(args));
    Map<String, String> env = Map.of(
        "HOME", base.resolve(user).toString(),
        "TWIN_HOME", base.resolve("home").toString(),
        "TWIN_RUNTIME_DIR", root.runtimeDir().toString(),
        "TWIN_STATE_DIR", base.resolve(user + "-state").toString(),
        "TWIN_CACHE_DIR", base.resolve(user + "-cache").toString());
    return root.spawn(base, env, command.toArray(String[]::new)).await(STEP);
  }

  private static String[] setpriv(String user, String... command) {
    List<String> argv = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups"));
    argv.addAll(List.of(command));
    return argv.toArray(String[]::new);
  }

  private static TwinCli.Result exec(String... command) {
    return exec(Duration.ofSeconds(30), null, command);
  }

  private static TwinCli.Result exec(Duration timeout, String stdin, String... command) {
    return DetachedSupport.exec(timeout, stdin, command);
  }

  private static TwinCli.Result check(TwinCli.Result r) {
    assertThat(r.exitCode()).as(r.describe()).isZero();
    return r;
  }
}
