package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * System users and groups for the tests that switch users (they need root, as CI runs), and a
 * copy of twin's client that those users can run.
 */
final class SystemUsers {
  private SystemUsers() {}

  /** A system user: its name, uid and primary gid. */
  record Account(String name, long uid, long gid) {}

  /** Fails the test, saying why, unless it runs as root. */
  static void requireRoot(String why) {
    assertThat(exec("id", "-u").stdout().strip()).as(why).isEqualTo("0");
  }

  /** The system user {@code name}, made (no home, no login shell) if it does not exist yet. */
  static Account systemUser(String name) {
    if (exec("id", "-u", name).exitCode() != 0) {
      DetachedSupport.exec(Duration.ofSeconds(30), null, "useradd", "--system", "--no-create-home", "--shell",
          "/usr/sbin/nologin", name);
    }
    TwinCli.Result uid = exec("id", "-u", name);
    assertThat(uid.exitCode()).as("user %s: %s", name, uid.describe()).isZero();
    TwinCli.Result gid = exec("id", "-g", name);
    return new Account(name, Long.parseLong(uid.stdout().strip()), Long.parseLong(gid.stdout().strip()));
  }

  /** The system group {@code group}, made if missing, with {@code members} added to it. */
  static void systemGroup(String group, String... members) {
    if (exec("getent", "group", group).exitCode() != 0) {
      check(DetachedSupport.exec(Duration.ofSeconds(30), null, "groupadd", "--system", group));
    }
    for (String member : members) {
      check(DetachedSupport.exec(Duration.ofSeconds(30), null, "usermod", "-a", "-G", group, member));
    }
  }

  /** twin's jars under {@code base/home} and bin/twin under {@code base/bin}, readable by every user. */
  static void copyClient(Path base) throws IOException {
    Fixtures.copyWorldReadable(Fixtures.twinHome(), base.resolve("home"));
    Fixtures.copyWorldReadable(Fixtures.repo().resolve("bin"), base.resolve("bin"));
    Files.setPosixFilePermissions(base.resolve("bin/twin"), PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static TwinCli.Result exec(String... command) {
    return DetachedSupport.exec(Duration.ofSeconds(10), null, command);
  }

  private static void check(TwinCli.Result r) {
    assertThat(r.exitCode()).as(r.describe()).isZero();
  }
}
