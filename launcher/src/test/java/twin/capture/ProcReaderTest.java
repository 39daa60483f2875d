package twin.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
