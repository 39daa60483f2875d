package twin.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What twin diff reports, from two launches and what the live JVM has open. */
class DriftTest {
  @TempDir Path temp;
  Path java;
  Path a;
  Path b;
  Instant started;

  @BeforeEach
  void files() throws Exception {
    java = Files.createFile(temp.resolve("java"));
    a = Files.writeString(Files.createDirectories(temp.resolve("lib")).resolve("a.jar"), "a");
    b = Files.writeString(temp.resolve("lib/b.jar"), "b");
    started = Instant.now().minusSeconds(60);
    Files.setLastModifiedTime(a, FileTime.from(started.minusSeconds(60)));
    Files.setLastModifiedTime(b, FileTime.from(started.minusSeconds(60)));
  }

  private Drift.Side side(List<String> options, List<String> classpath, Map<String, String> env) {
    return new Drift.Side(java, "17.0.15", temp, "orders", options, classpath, env);
  }

  private Drift compare(Drift.Side profile, Drift.Side live, Map<Path, Object> open) {
    return Drift.compare("orders", temp.resolve("orders.yaml"), 42, profile, live, started, open, List.of("LICENCE"));
  }

  @Test
  void theSameLaunchIsNoDriftWithWildcardsExpandedOnEitherSide() {
    Drift d = compare(side(List.of("-Xmx1g"), List.of(temp + "/lib/*"), Map.of("A", "1")),
        side(List.of("-Xmx1g"), List.of(a.toString(), b.toString()), Map.of("A", "1")), Map.of());

    assertThat(d.same()).isTrue();
    assertThat(d.human()).startsWith("no drift: profile 'orders' (" + temp.resolve("orders.yaml") + ") against pid 42");
    assertThat(d.json()).contains("\"same\":true");
  }

  @Test
  void controlCharactersFromTheLiveProcessAreShownEscaped() {
    Drift d = compare(side(List.of(), List.of(a.toString()), Map.of("BANNER", "a")),
        side(List.of(), List.of(a.toString()), Map.of("BANNER", "line\nforged\u001b[2J")), Map.of());
    assertThat(d.human()).contains("  ~ BANNER: a -> line\\nforged\\x1b[2J\n").doesNotContain("\u001b");
  }

  @Test
  void optionsEnvAndSettingsEachWay() {
    Map<String, String> was = new LinkedHashMap<>(Map.of("KEPT", "x", "GONE", "old", "PORT", "8080",
        "DB_PASSWORD", "old-secret-value", "LICENCE_ID", "lic-1111", "DB_URL", "postgres://u:pw-one@db/x"));
    Map<String, String> is = new LinkedHashMap<>(Map.of("KEPT", "x", "NEW", "on", "PORT", "8081",
        "DB_PASSWORD", "new-secret-value", "LICENCE_ID", "lic-2222", "DB_URL", "postgres://u:pw-two@db/x"));
    Drift.Side profile = side(List.of("-Xmx1g", "-Da=1", "-Da=1"), List.of(a.toString()), was);
    Drift.Side live = new Drift.Side(java, "17.0.16", temp.resolve("lib"), "root", List.of("-Da=1", "-Db=2"),
        List.of(a.toString()), is);

    Drift d = compare(profile, live, Map.of());

    assertThat(d.options()).extracting(Drift.Entry::change, Drift.Entry::name).containsExactly(
        org.assertj.core.groups.Tuple.tuple(Drift.Change.REMOVED, "-Xmx1g"),
        org.assertj.core.groups.Tuple.tuple(Drift.Change.REMOVED, "-Da=1"),
        org.assertj.core.groups.Tuple.tuple(Drift.Change.ADDED, "-Db=2"));
    assertThat(d.human()).contains("  ~ PORT: 8080 -> 8081\n", "  - GONE=old\n", "  + NEW=on\n",
        "  ~ DB_PASSWORD: changed (a secret: value not shown)\n",
        "  ~ LICENCE_ID: changed (a secret: value not shown)\n",
        "  ~ DB_URL: changed (a secret: value not shown)\n",
        "java-version: 17.0.15 -> 17.0.16\n", "workdir: " + temp + " -> " + temp.resolve("lib") + "\n",
        "user: orders -> root\n", "12 differences");
    for (String out : List.of(d.human(), d.json())) {
      assertThat(out).doesNotContain("secret-value").doesNotContain("lic-").doesNotContain("pw-one").doesNotContain("pw-two");
    }
    assertThat(d.json()).contains("{\"change\":\"changed\",\"name\":\"DB_PASSWORD\",\"secret\":true}",
        "{\"change\":\"added\",\"name\":\"NEW\",\"detail\":\"on\"}",
        "{\"name\":\"user\",\"profile\":\"orders\",\"live\":\"root\"}");
  }

  @Test
  void aJarTheJvmHasOpenIsChangedWhenThePathHoldsAnotherFileNow() throws Exception {
    Object openKey = Files.readAttributes(a, BasicFileAttributes.class).fileKey();
    Drift.Side both = side(List.of(), List.of(a.toString(), b.toString()), Map.of());

    assertThat(compare(both, both, Map.of(a, openKey)).same()).as("the same inode").isTrue();

    Path replacement = Files.writeString(temp.resolve("new.jar"), "a, rebuilt");
    Files.move(replacement, a, StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(a, FileTime.from(started.minusSeconds(60)));
    Drift d = compare(both, both, Map.of(a, openKey));

    assertThat(d.classpath()).extracting(Drift.Entry::change, Drift.Entry::name)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(Drift.Change.CHANGED, a.toString()));
    assertThat(d.classpath().get(0).detail()).startsWith("replaced since the service opened it (it still runs the old "
        + "file; now 10 bytes");
  }

  @Test
  void aJarNotOpenIsChangedOnlyWhenModifiedWellAfterTheStart() throws Exception {
    Drift.Side both = side(List.of(), List.of(a.toString(), b.toString()), Map.of());
    Files.setLastModifiedTime(a, FileTime.from(started.plusSeconds(1)));
    assertThat(compare(both, both, Map.of()).same()).as("within the boot clock's slack").isTrue();

    Files.setLastModifiedTime(b, FileTime.from(started.plusSeconds(30)));
    Drift d = compare(both, both, Map.of());
    assertThat(d.classpath()).extracting(Drift.Entry::name).containsExactly(b.toString());
    assertThat(d.classpath().get(0).detail()).startsWith("modified after the service started");
  }

  @Test
  void entriesOnOneSideOnly() {
    Drift d = compare(side(List.of(), List.of(a.toString()), Map.of()),
        side(List.of(), List.of(b.toString()), Map.of()), Map.of());

    assertThat(d.human()).contains("classpath:\n  - " + a + ": 1 bytes, modified ", "  + " + b + ": 1 bytes");
  }
}
