package twin.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twin.ExitCodes;
import twin.TwinException;
import twin.profile.Profile;
import twin.profile.ProfileException;
import twin.profile.ProfileLoader;

/** A profile's source: the live launch under the profile's own keys, and one line when it is gone. */
class LiveSourceTest {
  @TempDir Path temp;
  Path proc;
  LiveSource source;

  @BeforeEach
  void fakeHost() throws IOException {
    proc = Files.createDirectories(temp.resolve("proc"));
    Path passwd = Files.writeString(temp.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n"
        + "orders:x:1001:1001::/opt/orders:/usr/sbin/nologin\n");
    source = new LiveSource(new ProcReader(proc, passwd), new SystemdUnits(List.of(temp.resolve("units"))));
  }

  private Profile profile(String yaml) throws ProfileException {
    return new ProfileLoader().parse(yaml, temp.resolve("x.yaml"));
  }

  @Test
  void theLiveLaunchIsTakenWhole() throws Exception {
    fakeProcess(44, 1001, "java", "-Xmx1g", "-Dx=1", "-cp", "a.jar:lib/*", "com.example.Main", "--port", "80");

    Profile p = source.resolve(profile("name: x\nsource: {pid: 44}\n"));

    assertThat(p.java()).isEqualTo("/jdk/bin/java");
    assertThat(p.workdir()).isEqualTo(temp.resolve("app"));
    assertThat(p.user()).isEqualTo("orders");
    assertThat(p.classpath()).containsExactly(temp.resolve("app/a.jar").toString(), temp.resolve("app/lib") + "/*");
    assertThat(p.jar()).isNull();
    assertThat(p.main()).isEqualTo("com.example.Main");
    assertThat(p.args()).containsExactly("--port", "80");
    assertThat(p.jvmOptions()).containsExactly("-Xmx1g", "-Dx=1");
    assertThat(p.env()).as("all but the shell's _").containsExactly(Map.entry("A", "1"),
        Map.entry("DB_PASSWORD", "s3cret-value"), Map.entry("odd.name", "kept"));
    assertThat(p.source()).isNotNull();
  }

  @Test
  void keysWrittenInTheProfileOverrideWhatIsRead() throws Exception {
    fakeProcess(45, 1001, "java", "-Xmx1g", "-cp", "a.jar", "com.example.Main");
    Files.writeString(temp.resolve("extra.env"), "A=from-file\nE=file\n");

    Profile p = source.resolve(profile("name: x\nsource: {pid: 45}\njava: /opt/jdk21/bin/java\nuser: root\n"
        + "workdir: /srv\njar: other.jar\njvm-options: [-Dy=2]\nenv-files: [extra.env]\nenv: {E: env, C: new}\n"));

    assertThat(p.java()).isEqualTo("/opt/jdk21/bin/java");
    assertThat(p.user()).isEqualTo("root");
    assertThat(p.workdir()).isEqualTo(Path.of("/srv"));
    assertThat(p.jar()).as("a written jar replaces the live classpath").isEqualTo("other.jar");
    assertThat(p.classpath()).isEmpty();
    assertThat(p.main()).as("not written: the live one").isEqualTo("com.example.Main");
    assertThat(p.jvmOptions()).containsExactly("-Dy=2");
    assertThat(p.envFiles()).isEmpty();
    assertThat(p.env()).as("live, then env-files, then env, variable by variable")
        .containsExactly(Map.entry("A", "from-file"), Map.entry("DB_PASSWORD", "s3cret-value"),
            Map.entry("odd.name", "kept"), Map.entry("E", "env"), Map.entry("C", "new"));
  }

  @Test
  void aProfileWithoutSourceIsReturnedAsItIs() throws Exception {
    Profile written = profile("name: x\njar: a.jar\n");
    assertThat(source.resolve(written)).isSameAs(written);
  }

  @Test
  void aDeadPidSaysWhatToDo() {
    assertGone("name: x\nsource:\n  pid: 999999999\n", ExitCodes.USAGE,
        "profile 'x', source pid: 999999999 (" + temp.resolve("x.yaml") + ":3:8): no process with pid 999999999; "
            + LiveSource.WHAT_TO_DO);
  }

  @Test
  void aPidFileThatIsMissingEmptyOrStale() throws IOException {
    Path pidFile = temp.resolve("run/x.pid");
    assertGone("name: x\nsource: {pid-file: run/x.pid}\n", ExitCodes.USAGE,
        "profile 'x', source pid-file: " + pidFile + " (" + temp.resolve("x.yaml") + ":2:20): the pid file "
            + pidFile + " does not exist; " + LiveSource.WHAT_TO_DO);
    Files.createDirectories(pidFile.getParent());
    Files.writeString(pidFile, "starting\n");
    assertThatThrownBy(() -> source.resolve(profile("name: x\nsource: {pid-file: run/x.pid}\n")))
        .hasMessageEndingWith("the pid file " + pidFile + " holds no pid; " + LiveSource.WHAT_TO_DO);
    Files.writeString(pidFile, "999999999\n");
    assertThatThrownBy(() -> source.resolve(profile("name: x\nsource: {pid-file: run/x.pid}\n")))
        .hasMessageEndingWith("the pid file " + pidFile + " names pid 999999999, which is not running "
            + "(a stale pid file); " + LiveSource.WHAT_TO_DO);
  }

  @Test
  void aMatchOfNoneOrOfSeveral() throws IOException {
    assertThatThrownBy(() -> source.resolve(profile("name: x\nsource: {match: orders}\n")))
        .isInstanceOfSatisfying(TwinException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
        .hasMessageEndingWith("no JVM has 'orders' in its command line or as its jar's Main-Class; "
            + LiveSource.WHAT_TO_DO);
    fakeProcess(46, 0, "java", "-Dapp=orders", "-cp", "a.jar", "Main");
    fakeProcess(47, 0, "java", "-Dapp=orders", "-cp", "a.jar", "Main");
    assertThatThrownBy(() -> source.resolve(profile("name: x\nsource: {match: orders}\n")))
        .hasMessageEndingWith("2 JVMs have 'orders' in their command line or as their jar's Main-Class (pids 46, 47): "
            + "make source.match more specific, or use source.pid-file");
  }

  @Test
  void aProcessThatEndsWhileReadIsExitOneWithoutStaleData() throws IOException {
    Path dir = fakeProcess(48, 0, "java", "-cp", "a.jar", "Main");
    Files.delete(dir.resolve("environ"));
    assertThatThrownBy(() -> source.resolve(profile("name: x\nsource: {pid: 48}\n")))
        .isInstanceOfSatisfying(TwinException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.FAILED))
        .hasMessageEndingWith(": process 48 ended while it was being read");
  }

  @Test
  void aUnitThatIsNotFoundOrHasNoExecStart() throws IOException {
    assertGone("name: x\nsource: {systemd-unit: orders}\n", ExitCodes.USAGE, "profile 'x', source systemd-unit: "
        + "orders (" + temp.resolve("x.yaml") + ":2:24): unit orders.service not found (searched: "
        + temp.resolve("units") + "); " + LiveSource.WHAT_TO_DO);
    Files.createDirectories(temp.resolve("units"));
    Files.writeString(temp.resolve("units/orders.service"), "[Service]\nUser=orders\n");
    assertThatThrownBy(() -> source.resolve(profile("name: x\nsource: {systemd-unit: orders}\n")))
        .hasMessageEndingWith("unit orders.service has no ExecStart=");
  }

  private void assertGone(String yaml, int exitCode, String message) {
    assertThatThrownBy(() -> source.resolve(profile(yaml)))
        .isInstanceOfSatisfying(TwinException.class, e -> assertThat(e.exitCode()).isEqualTo(exitCode))
        .hasMessage(message);
  }

  private Path fakeProcess(long pid, long uid, String... argv) throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.write(dir.resolve("cmdline"), (String.join("\0", argv) + "\0").getBytes(StandardCharsets.UTF_8));
    Files.writeString(dir.resolve("status"), "Name:\tjava\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n");
    Files.write(dir.resolve("environ"), "A=1\0DB_PASSWORD=s3cret-value\0_=/usr/bin/java\0odd.name=kept\0".getBytes(StandardCharsets.UTF_8));
    Files.createSymbolicLink(dir.resolve("exe"), Path.of("/jdk/bin/java"));
    Files.createDirectories(temp.resolve("app"));
    Files.createSymbolicLink(dir.resolve("cwd"), temp.resolve("app"));
    return dir;
  }
}
