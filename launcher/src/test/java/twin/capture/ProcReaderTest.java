package twin.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twin.ExitCodes;
import twin.Os;
import twin.TwinException;

class ProcReaderTest {
  @TempDir Path temp;

  @Test
  void readsThisJvm() {
    long pid = ProcessHandle.current().pid();
    LiveProcess p = new ProcReader().read(pid);

    assertThat(p.pid()).isEqualTo(pid);
    assertThat(p.cmdline()).isNotEmpty();
    assertThat(p.exe().toString()).endsWith("/java");
    assertThat(p.cwd()).isEqualTo(Path.of(System.getProperty("user.dir")));
    assertThat(p.uid()).isEqualTo(Os.uid());
    assertThat(p.user()).isEqualTo(System.getProperty("user.name"));
    assertThat(p.env()).isNotEmpty();
    // This JVM's own command line parses: surefire starts it with -jar or a main class.
    assertThat(JavaCommandLine.parse(p.cmdline(), p.cwd()).runs()).isNotNull();
  }

  @Test
  void aPidThatDoesNotExist() {
    assertThatThrownBy(() -> new ProcReader().read(999_999_999L))
        .isInstanceOfSatisfying(TwinException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
        .hasMessage("no process with pid 999999999");
  }

  @Test
  void aProcessThatIsNotAJvm() throws IOException {
    Path proc = fakeProc();
    fakeProcess(proc, 42, "/usr/bin/sleep", 0, "sleep", "30");
    assertThatThrownBy(() -> new ProcReader(proc, passwd()).read(42))
        .isInstanceOfSatisfying(TwinException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.USAGE))
        .hasMessageContaining("process 42 runs 'sleep', not java")
        .hasMessageContaining("--pid")
        .hasMessageContaining("--match");
  }

  @Test
  void aProcessThatEndsWhileBeingRead() throws IOException {
    Path proc = fakeProc();
    Path dir = fakeProcess(proc, 43, "/jdk/bin/java", 0, "java", "-cp", "a.jar", "Main");
    Files.delete(dir.resolve("environ"));
    assertThatThrownBy(() -> new ProcReader(proc, passwd()).read(43))
        .isInstanceOfSatisfying(TwinException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.FAILED))
        .hasMessage("process 43 ended while it was being read");
  }

  @Test
  void readsAFakeProcess() throws IOException {
    Path proc = fakeProc();
    fakeProcess(proc, 44, "/jdk/bin/java", 1001, "java", "-cp", "a.jar", "Main");
    LiveProcess p = new ProcReader(proc, passwd()).read(44);
    assertThat(p.cmdline()).containsExactly("java", "-cp", "a.jar", "Main");
    assertThat(p.exe()).isEqualTo(Path.of("/jdk/bin/java"));
    assertThat(p.env()).containsEntry("A", "1").containsEntry("B", "x=y").doesNotContainKey("junk");
    assertThat(p.cwd()).isEqualTo(temp);
    assertThat(p.user()).isEqualTo("orders");
  }

  @Test
  void unknownUidsStayNumeric() throws IOException {
    assertThat(new ProcReader(fakeProc(), passwd()).userName(4242)).isEqualTo("4242");
    assertThat(new ProcReader(fakeProc(), passwd()).userName(1001)).isEqualTo("orders");
  }

  @Test
  void findListsJvmsWithTheTextButNotTwinOrOtherPrograms() throws IOException {
    Path proc = fakeProc();
    fakeProcess(proc, 100, "/jdk/bin/java", 1001, "java", "-Dmark=abc", "-cp", "a.jar", "com.example.Main");
    fakeProcess(proc, 101, "/jdk/bin/java", 0, "java", "-Dmark=abc", "-jar", "/usr/share/twin/twin.jar", "capture");
    fakeProcess(proc, 102, "/jdk/bin/java", 0, "java", "-cp", "x", "twin.runtime.TwinMain", "abc");
    fakeProcess(proc, 103, "/usr/bin/sleep", 0, "sleep", "abc");
    fakeProcess(proc, 104, "/jdk/bin/java", 0, "java", "-cp", "a.jar", "other.Main");
    fakeProcess(proc, 105, "/jdk/bin/java", 0, "java", "-Dmark=abc", "-jar", "orders.jar");

    List<ProcReader.Candidate> found = new ProcReader(proc, passwd()).find("mark=abc");
    assertThat(found).containsExactly(
        new ProcReader.Candidate(100, "orders", "com.example.Main"),
        new ProcReader.Candidate(105, "root", "-jar orders.jar"));
  }

  @Test
  void findMatchesAJarServiceByItsManifestMainClassReadThroughItsCwd() throws IOException {
    Path proc = fakeProc();
    // cwd of every fake process is temp: relative jars and argfiles are read from there.
    jar(temp.resolve("orders.jar"), "com.example.orders.Main");
    jar(Files.createDirectories(temp.resolve("lib")).resolve("slashed.jar"), "com/example/orders/Main");
    jar(temp.resolve("other.jar"), "com.example.other.Main");
    jar(temp.resolve("none.jar"), null);
    jar(temp.resolve("huge.jar"), "com.example.orders.Main", 2 << 20);
    Files.writeString(temp.resolve("args.txt"), "-Xmx1g -jar orders.jar\n");
    fakeProcess(proc, 200, "/jdk/bin/java", 0, "java", "-Xmx1g", "-jar", "orders.jar", "--port", "8080");
    fakeProcess(proc, 201, "/jdk/bin/java", 0, "java", "-jar", temp.resolve("lib/slashed.jar").toString());
    fakeProcess(proc, 202, "/jdk/bin/java", 0, "java", "@args.txt");
    fakeProcess(proc, 203, "/jdk/bin/java", 0, "java", "-jar", "other.jar");
    fakeProcess(proc, 204, "/jdk/bin/java", 0, "java", "-jar", "none.jar");
    fakeProcess(proc, 205, "/jdk/bin/java", 0, "java", "-jar", "gone.jar");
    fakeProcess(proc, 206, "/jdk/bin/java", 0, "java", "-cp", "orders.jar", "com.example.Other");
    fakeProcess(proc, 207, "/jdk/bin/java", 0, "java", "-cp", "orders.jar", "com.example.orders.Main");
    fakeProcess(proc, 208, "/usr/bin/python3", 0, "python3", "-jar", "orders.jar");
    fakeProcess(proc, 209, "/jdk/bin/java", 0, "java", "-jar", "huge.jar");

    ProcReader reader = new ProcReader(proc, passwd());
    assertThat(reader.find("com.example.orders.Main")).extracting(ProcReader.Candidate::pid)
        .as("the Main-Class of its -jar (also in an argfile, also written with slashes), or in its command line; "
            + "not a jar on a -cp, nor a manifest too big to read")
        .containsExactly(200L, 201L, 202L, 207L);
    assertThat(reader.find("orders.Main")).as("Main-Class must be the whole text; the command line may contain it")
        .extracting(ProcReader.Candidate::pid).containsExactly(207L);
    assertThat(reader.find("com.example.other.Main")).extracting(ProcReader.Candidate::runs)
        .containsExactly("-jar other.jar");
  }

  @Test
  void splitsNulSeparatedText() {
    assertThat(ProcReader.split("a\0b c\0\0d\0".getBytes(StandardCharsets.UTF_8))).containsExactly("a", "b c", "", "d");
    assertThat(ProcReader.split(new byte[0])).isEmpty();
  }

  private Path fakeProc() throws IOException {
    return Files.createDirectories(temp.resolve("proc"));
  }

  private Path passwd() throws IOException {
    Path file = temp.resolve("passwd");
    Files.writeString(file, "root:x:0:0:root:/root:/bin/bash\norders:x:1001:1001::/opt/orders:/usr/sbin/nologin\n");
    return file;
  }

  private static void jar(Path file, String mainClass) throws IOException {
    jar(file, mainClass, 0);
  }

  /** A jar holding only a manifest, with {@code padding} characters of an extra attribute. */
  private static void jar(Path file, String mainClass, int padding) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (mainClass != null) {
      manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    }
    if (padding > 0) {
      manifest.getMainAttributes().putValue("Padding", "x".repeat(padding));
    }
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(file), manifest)) {
      out.flush();
    }
  }

  private Path fakeProcess(Path proc, long pid, String exe, long uid, String... argv) throws IOException {
    Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.write(dir.resolve("cmdline"), (String.join("\0", argv) + "\0").getBytes(StandardCharsets.UTF_8));
    Files.writeString(dir.resolve("status"), "Name:\tx\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n");
    Files.write(dir.resolve("environ"), "A=1\0B=x=y\0junk\0".getBytes(StandardCharsets.UTF_8));
    Files.createSymbolicLink(dir.resolve("exe"), Path.of(exe));
    Files.createSymbolicLink(dir.resolve("cwd"), temp);
    return dir;
  }
}
