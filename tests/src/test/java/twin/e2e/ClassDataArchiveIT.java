package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class-data archives, for correctness only (speed is bench/'s job): the second launch maps the
 * archive the first one caused; a changed jar is never mapped with the old archive; a classpath
 * with a directory still launches.
 */
@Timeout(180)
class ClassDataArchiveIT {
  @TempDir
  Path tmp;

  private static String classesLine(TwinCli.Result dryRun) {
    return dryRun.stdout().lines().filter(l -> l.startsWith("classes:")).findFirst().orElse("(no classes line)");
  }

  private static List<Path> archives(Path cache) throws Exception {
    Path dir = cache.resolve("cds");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("app-") && p.toString().endsWith(".jsa")).toList();
    }
  }

  @Test
  void theArchiveIsMadeOnceUsedNextAndRebuiltWhenAJarChanges() throws Exception {
    Path app = Files.createDirectories(tmp.resolve("app"));
    Path jar = app.resolve("demo-service.jar");
    Files.copy(Fixtures.demoJar(), jar);
    Files.createDirectories(app.resolve("lib"));
    Files.copy(Fixtures.demoDir().resolve("target/lib/sqlite-jdbc.jar"), app.resolve("lib/sqlite-jdbc.jar"));
    Path profile = Fixtures.writeProfile(tmp.resolve("profiles"), "app", String.join("\n",
        "name: app", "workdir: " + Fixtures.q(app), "jar: demo-service.jar",
        "env: {DEMO_API_TOKEN: \"x-not-secret\"}", ""));
    try (TwinCli twin = new TwinCli(tmp)) {
      Path cache = tmp.resolve("cache");
      assertThat(classesLine(twin.run("launch", profile.toString(), "--dry-run"))).contains("making");
      TwinCli.Result first = twin.run("launch", profile.toString(), "-e", "(+ 1 2)");
      assertThat(first.stdout()).contains("3");
      Host.await(Duration.ofSeconds(60), "the archive", () -> {
        try {
          return archives(cache).size() == 1;
        } catch (Exception e) {
          return false;
        }
      });
      TwinCli.Result dry = twin.run("launch", profile.toString(), "--dry-run");
      assertThat(classesLine(dry)).contains("using");
      assertThat(dry.stdout()).contains("-XX:SharedArchiveFile=");
      TwinCli.Result second = twin.run("launch", profile.toString(), "-e", "(+ 2 3)");
      assertThat(second.exitCode()).as(second.toString()).isZero();
      assertThat(second.stdout()).contains("5");

      // A rebuilt jar: the old archive must not be mapped, and a new one is made.
      Files.copy(Fixtures.demoJar(), jar, StandardCopyOption.REPLACE_EXISTING);
      Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 10_000));
      TwinCli.Result changed = twin.run("launch", profile.toString(), "--dry-run");
      assertThat(classesLine(changed)).contains("making");
      assertThat(changed.stdout()).doesNotContain("-XX:SharedArchiveFile=");
      TwinCli.Result third = twin.run("launch", profile.toString(), "-e", "(+ 3 4)");
      assertThat(third.stdout()).contains("7");
      Host.await(Duration.ofSeconds(60), "a second archive", () -> {
        try {
          return archives(cache).size() == 2;
        } catch (Exception e) {
          return false;
        }
      });
    }
  }

  @Test
  void aClasspathWithUserCljGetsNoArchiveAndOnlyTheTwinLoadsIt() throws Exception {
    // Clojure runs user.clj when it starts: the service's code, which a training run must not run.
    Path marker = tmp.resolve("user-clj-ran");
    Path jar = tmp.resolve("user-clj.jar");
    try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new java.util.jar.JarEntry("user.clj"));
      out.write(("(spit " + Fixtures.q(marker.toString()) + " (str (.pid (java.lang.ProcessHandle/current)) \"\\n\") :append true)\n")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.closeEntry();
    }
    Path profile = Fixtures.writeProfile(tmp.resolve("profiles"), "userclj", String.join("\n",
        "name: userclj", "workdir: " + Fixtures.q(Fixtures.demoDir()), "jar: target/demo-service.jar",
        "env: {DEMO_API_TOKEN: \"x-not-secret\"}", "twin: {extra-classpath: [" + Fixtures.q(jar.toString()) + "]}", ""));
    try (TwinCli twin = new TwinCli(tmp)) {
      Path cds = tmp.resolve("cache").resolve("cds");
      assertThat(classesLine(twin.run("launch", profile.toString(), "--dry-run"))).contains("making");
      TwinCli.Result first = twin.run("launch", profile.toString(), "-e", "(System/getProperty \"twin.profile\")");
      assertThat(first.exitCode()).as(first.toString()).isZero();
      Host.await(Duration.ofSeconds(60), "the training run's refusal", () -> {
        try (Stream<Path> files = Files.list(cds)) {
          return files.anyMatch(f -> f.getFileName().toString().startsWith("userclj-") && f.toString().endsWith(".jsa.none"));
        } catch (Exception e) {
          return false;
        }
      });
      try (Stream<Path> files = Files.list(cds)) {
        assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.startsWith("userclj-")))
            .as("no archive, no half-written dump").allMatch(f -> f.endsWith(".jsa.none"));
      }
      assertThat(Files.readAllLines(marker)).as("user.clj ran in the twin only, as in the service").hasSize(1);
      TwinCli.Result dry = twin.run("launch", profile.toString(), "--dry-run");
      assertThat(classesLine(dry)).contains("skipped").contains("user.clj");
      assertThat(dry.stdout()).doesNotContain("-XX:SharedArchiveFile=");
    }
  }

  @Test
  void aClasspathWithADirectoryStillLaunches() {
    Path profile = Fixtures.writeProfile(tmp.resolve("profiles"), "clj", String.join("\n",
        "name: clj", "classpath: [" + Fixtures.q(Fixtures.fixtureSrc()) + ", "
            + Fixtures.q(Fixtures.twinHome().resolve("clojure") + "/*") + "]", ""));
    try (TwinCli twin = new TwinCli(tmp)) {
      assertThat(classesLine(twin.run("launch", profile.toString(), "--dry-run"))).contains("skipped").contains("directory");
      TwinCli.Result r = twin.run("launch", profile.toString(), "-e", "(+ 1 2)");
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.stdout()).contains("3");
    }
  }

  /**
   * bin/twin's archive of the launcher: its training run launches one twin in a sandbox (so that
   * what only a launch loads is archived too), leaves nothing behind, writes nothing into the
   * user's twin directories, and the next launch maps it, those classes included.
   */
  @Test
  void theLaunchersArchiveIsTrainedInASandboxAndMapped() throws Exception {
    Path scratch = Files.createDirectories(tmp.resolve("scratch"));
    try (TwinCli twin = new TwinCli(tmp).env("TMPDIR", scratch.toString())) {
      Path cds = tmp.resolve("cache").resolve("cds");
      assertThat(twin.run("--version").exitCode()).isZero();
      Host.await(Duration.ofSeconds(90), "the launcher's archive", () -> launcherArchive(cds) != null && !TwinCli.archiveInProgress(cds));
      try (Stream<Path> left = Files.list(scratch)) {
        assertThat(left).as("the training's sandbox is removed").isEmpty();
      }
      assertThat(tmp.resolve("state").resolve("transcripts")).as("no transcript of the training's twin").doesNotExist();
      assertThat(tmp.resolve("runtime")).as("no twin of the training in the user's runtime dir").doesNotExist();

      Path log = tmp.resolve("class-load.log");
      TwinCli.Result r = twin.env("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log)
          .run("eval", Fixtures.repo().resolve("profiles/demo.yaml").toString(), "(+ 1 2)");
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.stdout()).contains("3");
      String loads = Files.readString(log);
      // The launcher's main class, and classes only a launch loads (the channel's socket, the
      // token's random), come from the archive: the JDK's own archive has neither.
      assertThat(loads).contains("twin.Main source: shared objects file (top)")
          .contains("twin.supervisor.Supervisor source: shared objects file (top)")
          .contains("sun.nio.ch.UnixDomainSockets source: shared objects file (top)")
          .contains("sun.security.provider.NativePRNG source: shared objects file (top)");
    }
  }

  private static Path launcherArchive(Path cds) {
    try (Stream<Path> s = Files.list(cds)) {
      return s.filter(p -> p.getFileName().toString().matches("launcher-.*\\.jsa")).findFirst().orElse(null);
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
