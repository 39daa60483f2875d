package twin.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The class-data archive decision: create, then use; a changed jar, a directory or another user. */
class ClassDataArchiveTest {
  @TempDir
  Path tmp;

  private LaunchPlan plan(List<String> classpath) {
    return new LaunchPlan("orders", tmp.resolve("orders.yaml"), "orders-abc123", List.of(), Path.of("/usr/bin/java"),
        "17.0.15", List.of("-Xmx512m", "-Djava.io.tmpdir=" + tmp.resolve("run/orders-abc123/tmp")), classpath,
        LaunchPlanner.RUNTIME_MAIN, List.of(), Map.of(), tmp, "orders", tmp.resolve("run/orders-abc123"),
        tmp.resolve("run/orders-abc123/channel.sock"), List.of(), List.of(), List.of(), List.of(),
        ClassDataArchive.skipped("-"));
  }

  private Path jar(String name, String content) throws IOException {
    Path jar = tmp.resolve(name);
    Files.writeString(jar, content);
    return jar;
  }

  @Test
  void theFirstTwinStartsATrainingRunAndTheNextUsesTheArchive() throws IOException {
    Path a = jar("a.jar", "a");
    LaunchPlan plan = plan(List.of(a.toString()));
    ClassDataArchive first = ClassDataArchive.decide(plan, tmp.resolve("cache"), false);

    assertThat(first.use()).isNull();
    assertThat(first.options()).as("the twin itself never dumps: it may hold secrets").isEmpty();
    assertThat(first.create()).isEqualTo(Path.of(first.target() + ".part"));
    List<String> training = first.trainingCommand(plan);
    assertThat(training).contains("-XX:ArchiveClassesAtExit=" + first.create(), "--archive")
        .noneMatch(o -> o.startsWith("-D"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.target().getParent())))
        .isEqualTo("rwx------");

    Files.writeString(first.target(), "archive");
    ClassDataArchive second = ClassDataArchive.decide(plan, tmp.resolve("cache"), false);
    assertThat(second.use()).isEqualTo(first.target());
    assertThat(second.options()).contains("-XX:SharedArchiveFile=" + first.target());
  }

  @Test
  void theTrainingRunRemovesTheProfilesArchivesNobodyMappedForAWeek() throws Exception {
    LaunchPlan plan = plan(List.of(jar("a.jar", "a").toString()));
    ClassDataArchive archive = ClassDataArchive.decide(plan, tmp.resolve("cache"), false);
    Path dir = archive.target().getParent();
    Path stale = dir.resolve("orders-" + "0".repeat(24) + ".jsa");
    Path recent = dir.resolve("orders-" + "1".repeat(24) + ".jsa");
    Path otherProfile = dir.resolve("orders-eu-" + "2".repeat(24) + ".jsa");
    Path launcher = dir.resolve("launcher-1-2-3.jsa");
    Path staleMarker = dir.resolve("orders-" + "3".repeat(24) + ".jsa.none");
    for (Path p : List.of(stale, recent, otherProfile, launcher, staleMarker)) {
      Files.writeString(p, "archive");
    }
    FileTime old = FileTime.fromMillis(System.currentTimeMillis() - (ClassDataArchive.STALE_DAYS + 2) * 86_400_000L);
    for (Path p : List.of(stale, otherProfile, launcher, staleMarker)) {
      Files.setAttribute(p, "lastAccessTime", old);
    }

    // The real shell script around a stand-in for the JVM that just writes the dump.
    List<String> command = new java.util.ArrayList<>(archive.trainingCommand(plan).subList(0, 4));
    command.addAll(List.of("/usr/bin/touch", archive.create().toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    assertThat(archive.target()).exists();
    assertThat(archive.create()).doesNotExist();
    assertThat(stale).as("a stale key of this profile").doesNotExist();
    assertThat(staleMarker).as("a stale refusal marker of this profile").doesNotExist();
    assertThat(recent).as("mapped within the week").exists();
    assertThat(otherProfile).as("another profile's, however old").exists();
    assertThat(launcher).as("the launcher's own are bin/twin's to prune").exists();
  }

  @Test
  void aRefusedTrainingRunIsRememberedAndTheNextTwinSkipsTheArchive() throws Exception {
    LaunchPlan plan = plan(List.of(jar("a.jar", "a").toString()));
    ClassDataArchive archive = ClassDataArchive.decide(plan, tmp.resolve("cache"), false);

    // The real script around a stand-in for the JVM that refuses, as the runtime does for a user.clj.
    List<String> command = new java.util.ArrayList<>(archive.trainingCommand(plan).subList(0, 4));
    command.addAll(List.of("/bin/sh", "-c", "exit " + ClassDataArchive.REFUSED_EXIT));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    assertThat(archive.target()).doesNotExist();
    ClassDataArchive next = ClassDataArchive.decide(plan, tmp.resolve("cache"), false);
    assertThat(next.use()).isNull();
    assertThat(next.create()).as("no training run again for this key").isNull();
    assertThat(next.note()).contains("user.clj");
  }

  @Test
  void aFailedTrainingRunLeavesNothingAndTheNextTwinTriesAgain() throws Exception {
    LaunchPlan plan = plan(List.of(jar("a.jar", "a").toString()));
    ClassDataArchive archive = ClassDataArchive.decide(plan, tmp.resolve("cache"), false);
    List<String> command = new java.util.ArrayList<>(archive.trainingCommand(plan).subList(0, 4));
    command.addAll(List.of("/bin/sh", "-c", "touch \"$0\"; exit 1", archive.create().toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    assertThat(archive.target()).doesNotExist();
    assertThat(archive.create()).as("a half-written dump is removed").doesNotExist();
    assertThat(ClassDataArchive.decide(plan, tmp.resolve("cache"), false).create()).isNotNull();
  }

  @Test
  void aChangedJarGetsANewArchiveAndTheOldOneIsNotUsed() throws IOException {
    Path a = jar("a.jar", "a");
    ClassDataArchive first = ClassDataArchive.decide(plan(List.of(a.toString())), tmp.resolve("cache"), false);
    Files.writeString(first.target(), "archive");

    Files.writeString(a, "a, rebuilt");
    Files.setLastModifiedTime(a, FileTime.fromMillis(System.currentTimeMillis() + 5000));
    ClassDataArchive after = ClassDataArchive.decide(plan(List.of(a.toString())), tmp.resolve("cache"), false);

    assertThat(after.use()).isNull();
    assertThat(after.target()).isNotEqualTo(first.target());
  }

  @Test
  void wildcardsCountEveryJarInTheDirectory() throws IOException {
    Files.createDirectories(tmp.resolve("lib"));
    Files.writeString(tmp.resolve("lib/x.jar"), "x");
    String wildcard = tmp.resolve("lib") + "/*";
    ClassDataArchive before = ClassDataArchive.decide(plan(List.of(wildcard)), tmp.resolve("cache"), false);
    Files.writeString(tmp.resolve("lib/y.jar"), "y");
    ClassDataArchive after = ClassDataArchive.decide(plan(List.of(wildcard)), tmp.resolve("cache"), false);

    assertThat(after.target()).isNotEqualTo(before.target());
  }

  @Test
  void aDirectoryOnTheClasspathOrAnotherUserSkipsQuietly() throws IOException {
    Path classes = Files.createDirectories(tmp.resolve("classes"));
    ClassDataArchive dir = ClassDataArchive.decide(plan(List.of(classes.toString())), tmp.resolve("cache"), false);
    assertThat(dir.options()).isEmpty();
    assertThat(dir.note()).startsWith("skipped:").contains("directory");

    ClassDataArchive user = ClassDataArchive.decide(plan(List.of(jar("a.jar", "a").toString())), tmp.resolve("cache"), true);
    assertThat(user.options()).isEmpty();
    assertThat(user.note()).contains("another user");
  }

  @Test
  void anArchiveBeingMadeIsLeftAlone() throws IOException {
    LaunchPlan plan = plan(List.of(jar("a.jar", "a").toString()));
    ClassDataArchive first = ClassDataArchive.decide(plan, tmp.resolve("cache"), false);
    Files.createFile(first.create());

    ClassDataArchive second = ClassDataArchive.decide(plan, tmp.resolve("cache"), false);
    assertThat(second.options()).isEmpty();
    assertThat(second.create()).isNull();
    assertThat(second.note()).contains("right now");
  }

  @Test
  void interactiveDefaultsRespectTheServicesOwnChoices() {
    assertThat(LaunchPlanner.interactiveDefaults(List.of("-Xmx1g")))
        .containsExactly("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-Xms8m");
    assertThat(LaunchPlanner.interactiveDefaults(List.of("-XX:+UseG1GC", "-XX:-TieredCompilation", "-Xms2g")))
        .isEmpty();
    assertThat(LaunchPlanner.interactiveDefaults(List.of("-XX:InitialHeapSize=64m")))
        .containsExactly("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1");
    assertThat(LaunchPlanner.interactiveDefaults(List.of("-XX:CICompilerCount=4")))
        .as("a compiler thread count is a compiler choice").containsExactly("-XX:+UseSerialGC", "-Xms8m");
  }
}
