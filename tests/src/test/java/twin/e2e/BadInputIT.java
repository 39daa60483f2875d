package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input: a clear message, its documented exit code, and never a stack trace. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BadInputIT {
  @TempDir Path temp;
  TwinCli twin;
  Path profiles;

  @BeforeEach
  void setUp() {
    twin = new TwinCli(temp);
    profiles = temp.resolve("profiles");
  }

  @AfterEach
  void tearDown() {
    twin.close();
  }

  /**
   * Asserts the exit code, that stderr's first line other than a {@code twin: warning:} starts
   * with {@code prefix}, nothing on stdout, and no stack trace.
   */
  private static void assertError(TwinCli.Result r, int exitCode, String prefix) {
    assertThat(r.exitCode()).as(r.describe()).isEqualTo(exitCode);
    assertThat(nonWarnings(r)).as(r.describe()).isNotEmpty();
    assertThat(nonWarnings(r).get(0)).as(r.describe()).startsWith(prefix);
    assertThat(r.stdout()).as("nothing on stdout%n%s", r.describe()).isEmpty();
    assertThat(r.stackTraceLines()).as(r.describe()).isEmpty();
  }

  /** {@link #assertError} for a plain {@code twin: error:} failure, which is exactly one line. */
  private static void assertOneLineError(TwinCli.Result r, int exitCode, String prefix) {
    assertError(r, exitCode, prefix);
    assertThat(nonWarnings(r)).as("one error line on stderr%n%s", r.describe()).hasSize(1);
  }

  private static List<String> nonWarnings(TwinCli.Result r) {
    return r.stderrLines().stream().filter(l -> !l.startsWith("twin: warning: ")).toList();
  }

  @Test
  void missingProfile() {
    TwinCli.Result r = twin.in(temp).env("TWIN_PROFILES", null).run("launch", "nosuch", "-e", "1");

    assertOneLineError(r, 2, "twin: error: no profile named 'nosuch'");
    assertThat(r.stderr()).contains("(searched: ");

    // eval, run and sql take a running twin or a profile: the error says both were looked for.
    for (String[] args : new String[][] {{"eval", "demo-000000", "1"}, {"sql", "demo-000000", "select 1"}}) {
      TwinCli.Result neither = twin.in(temp).env("TWIN_PROFILES", null).run(args);
      assertOneLineError(neither, 2, "twin: error: no running twin and no profile named 'demo-000000' (searched: ");
      assertThat(neither.stderr()).contains("; twin ps lists the running twins");
    }
  }

  @Test
  void invalidYaml() {
    Path bad = Fixtures.writeProfile(profiles, "bad", "name: bad\njava: java\n  jar: [x\n");

    TwinCli.Result r = twin.run("launch", bad.toString(), "-e", "1");

    assertError(r, 2, bad + ":3:6: error: ");
  }

  @Test
  void javaNotFound() {
    Path profile = Fixtures.writeProfile(profiles, "nojava", "name: nojava\n"
        + "java: /nonexistent/bin/java\n"
        + "jar: " + Fixtures.q(Fixtures.demoJar()) + "\n");

    assertOneLineError(twin.run("launch", profile.toString(), "-e", "1"), 2,
        "twin: error: java not found: /nonexistent/bin/java");
  }

  @Test
  void aMissingClasspathEntryIsSkippedWithAWarning() {
    Path profile = Fixtures.writeProfile(profiles, "somecp", "name: somecp\n"
        + "java: java\n"
        + "classpath: [/nonexistent/a.jar, " + Fixtures.q(Fixtures.demoJar()) + "]\n");

    TwinCli.Result r = twin.run("launch", profile.toString(), "-e", "(+ 1 1)", "-e", "(.getName demo.Config)");

    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdoutLines()).as(r.describe()).containsExactly("2", "\"demo.Config\"");
    assertThat(r.stderrLines()).as(r.describe())
        .anyMatch(l -> l.startsWith("twin: warning: classpath entry /nonexistent/a.jar does not exist; skipped"));
    assertThat(r.stackTraceLines()).as(r.describe()).isEmpty();
  }

  @Test
  void noClasspathEntryExists() {
    Path profile = Fixtures.writeProfile(profiles, "nocp", "name: nocp\n"
        + "java: java\n"
        + "classpath: [/nonexistent/a.jar, /nonexistent/lib/*]\n");

    assertOneLineError(twin.run("launch", profile.toString(), "-e", "1"), 2,
        "twin: error: no entry of the classpath of profile 'nocp' exists");
  }

  @Test
  void serviceJavaOlderThan17() throws IOException {
    Path fakeJdk = temp.resolve("fakejdk");
    Path java = Files.createDirectories(fakeJdk.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\nexit 1\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(fakeJdk.resolve("release"), "JAVA_VERSION=\"11.0.2\"\n");
    Path profile = Fixtures.writeProfile(profiles, "oldjava", "name: oldjava\n"
        + "java: " + Fixtures.q(java) + "\n"
        + "jar: " + Fixtures.q(Fixtures.demoJar()) + "\n");

    TwinCli.Result r = twin.run("launch", profile.toString(), "-e", "1");

    assertOneLineError(r, 2, "twin: error: the service's java ");
    assertThat(r.stderr()).contains("is version 11.0.2; twin needs java 17 or later");
  }

  @Test
  void twinJvmCrashesAtStart() {
    Path profile = Fixtures.writeProfile(profiles, "crash", "name: crash\n"
        + "java: java\n"
        + "jar: " + Fixtures.q(Fixtures.demoJar()) + "\n"
        + "jvm-options: [\"-XX:+NoSuchOptionForTwin\"]\n");

    TwinCli.Result r = twin.run("launch", profile.toString(), "-e", "1");

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
    List<String> err = r.stderrLines();
    int error = err.indexOf("twin: error: the twin JVM exited at start (exit code 1)");
    assertThat(error).as("the error line%n%s", r.describe()).isNotNegative();
    assertThat(String.join("\n", err.subList(error + 1, err.size())))
        .as("the twin's last stderr lines, after the error%n%s", r.describe())
        .contains("Unrecognized VM option");
    assertThat(r.stackTraceLines()).as(r.describe()).isEmpty();
    assertThat(Host.twinPids(twin.runtimeDir())).isEmpty();
  }

  @Test
  void noProfileIsAUsageError() {
    TwinCli.Result r = twin.run("launch");

    assertError(r, 2, "twin: error: Missing required parameter: 'PROFILE'");
  }

  @Test
  void unknownOptionIsAUsageError() {
    TwinCli.Result r = twin.run("launch", "demo", "--bogus");

    assertError(r, 2, "twin: error: Unknown option: '--bogus'");
  }

  @Test
  void validateChecksWhatALaunchWouldFindOnThisHost() throws Exception {
    Path profile = Fixtures.writeProfile(profiles, "noenv", "name: noenv\n"
        + "java: java\n"
        + "jar: " + Fixtures.q(Fixtures.demoJar()) + "\n"
        + "env-files: [/nonexistent/noenv.env]\n");

    TwinCli.Result validate = twin.run("profiles", "validate", profile.toString());
    assertOneLineError(validate, 2, profile + ": error: on this host: /nonexistent/noenv.env: cannot read env file: "
        + "no such file (" + profile + ":4:12)");
    TwinCli.Result syntax = twin.run("profiles", "validate", "--syntax-only", profile.toString());
    assertThat(syntax.exitCode()).as(syntax.describe()).isZero();
    assertThat(syntax.stdoutLines()).containsExactly(profile + ": ok");
    // The launch says the same, with one "error:".
    assertOneLineError(twin.run("launch", profile.toString(), "--dry-run"), 2,
        "twin: error: /nonexistent/noenv.env: cannot read env file: no such file (" + profile + ":4:12)");

    // A live-linked profile is checked against its live service, as a launch reads it.
    Path linked = Fixtures.writeProfile(profiles, "gone", "name: gone\nsource:\n  match: no-such-service-d41d8cd9\n");
    assertOneLineError(twin.run("profiles", "validate", linked.toString()), 2, linked
        + ": error: on this host: profile 'gone', source match: no-such-service-d41d8cd9 (" + linked
        + ":3:10): no JVM has 'no-such-service-d41d8cd9' in its command line");
    assertThat(twin.run("profiles", "validate", "--syntax-only", linked.toString()).exitCode()).isZero();
  }

  @Test
  void aRuntimeOrStateDirThatIsAFileIsAnErrorNotAnEmptyList() throws Exception {
    Path file = Files.writeString(temp.resolve("not-a-dir"), "");
    assertOneLineError(twin.env("TWIN_RUNTIME_DIR", file.toString()).run("ps"), 2,
        "twin: error: the runtime dir " + file + " is not a directory (TWIN_RUNTIME_DIR?)");
    TwinCli.Result audit = twin.env("TWIN_STATE_DIR", file.toString()).run("audit", "show");
    assertOneLineError(audit, 2, "twin: error: the transcripts' directory ");
    assertThat(audit.stderr()).contains(file + " is not a directory (TWIN_STATE_DIR?)");
  }

  @Test
  void auditShowSinceTakesADateAndSaysWhatItTakes() {
    TwinCli.Result date = twin.run("audit", "show", "--since", "2026-11-22");
    assertThat(date.exitCode()).as(date.describe()).isZero();
    assertOneLineError(twin.run("audit", "show", "--since", "yesterday"), 2,
        "twin: error: --since takes a duration ago (2h, 30m, 7d), a date (2026-11-22), a local time "
            + "(2026-11-22T14:30) or an instant (2026-11-22T14:30:00Z), not 'yesterday'");
  }

  @Test
  void aFileOfFormsInLatin1IsOneLineAndAByteOrderMarkIsNoForm() throws Exception {
    Path latin1 = Files.write(temp.resolve("latin1.clj"), "(str \"M\u00fcller\")\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertOneLineError(twin.run("run", "demo", latin1.toString()), 2, "twin: error: cannot read " + latin1
        + ": it is not UTF-8");
    Path bom = Files.writeString(temp.resolve("bom.clj"), "\uFEFF(str \"M\u00fcller\")\n");
    TwinCli.Result r = twin.run("run", "demo", bom.toString());
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdoutLines()).containsExactly("\"M\u00fcller\"");
  }

  @Test
  void aLifetimeBeyondAYearIsAUsageError() {
    assertOneLineError(twin.run("launch", "demo", "--detach", "--max-lifetime", "99999999999999d"), 2,
        "twin: error: --max-lifetime takes a duration such as 90s, 30m, 8h or 2d, not '99999999999999d'");
    assertOneLineError(twin.run("launch", "demo", "--detach", "--idle-timeout", "9999999d"), 2,
        "twin: error: --idle-timeout takes at most 366d, not '9999999d'");
  }

  @Test
  void badHeapSizeIsAUsageError() {
    // A bare number is bytes to the JVM, which then refuses to start: refused here instead.
    for (String heap : List.of("abc", "512", "0m")) {
      TwinCli.Result r = twin.run("launch", "demo", "--heap", heap, "-e", "1");

      assertOneLineError(r, 2, "twin: error: --heap takes a size with a unit, such as 512m or 2g, not '" + heap + "'");
    }
    assertThat(Host.twinPids(twin.runtimeDir())).isEmpty();
  }

  @Test
  void aHeapTheHostCannotReserveIsReportedWithTheJvmsOwnReason() {
    TwinCli.Result r = twin.run("launch", "demo", "--heap", "99999g", "-e", "1");

    assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
    // HotSpot says why on stdout, not stderr.
    assertThat(r.stderr()).as(r.describe()).contains("twin: error: the twin JVM exited at start (exit code 1)",
        "its last lines of output:", "Could not reserve enough space");
    assertThat(r.stackTraceLines()).as(r.describe()).isEmpty();
  }
}
