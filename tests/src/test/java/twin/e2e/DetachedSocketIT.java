package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A detached twin's socket: private from the first moment, a text REPL for plain clients with
 * secrets masked, closed to other users (by the directory, and by SO_PEERCRED when the directory
 * is opened up), and cleaned up when its supervisor was killed. One twin serves the whole class;
 * the last test kills it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DetachedSocketIT {
  private static final String OTHER_USER = "twin-detach-it";
  private static final String PROMPT = "twin:demo user=> ";

  @TempDir static Path temp;
  private TwinCli twin;
  private DetachedSupport.Detached d;
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final AtomicInteger dirSightings = new AtomicInteger();
  private final AtomicInteger socketSightings = new AtomicInteger();

  @BeforeAll
  void launchWhileWatchingTheRuntimeDir() throws Exception {
    twin = new TwinCli(temp);
    Path twins = twin.runtimeDir().resolve("twins");
    AtomicBoolean stop = new AtomicBoolean();
    Thread watcher = new Thread(() -> watch(twins, stop), "runtime-dir-watcher");
    watcher.setDaemon(true);
    watcher.start();
    try {
      d = DetachedSupport.detach(twin, "demo");
      // The launcher returns once the socket exists; keep watching for a second more.
      Host.sleep(Duration.ofSeconds(1));
    } finally {
      stop.set(true);
      watcher.join(5_000);
    }
  }

  /** Polls every 2 ms: each twins/ID seen must be 0700, each *.sock* in it 0600. */
  private void watch(Path twins, AtomicBoolean stop) {
    while (!stop.get()) {
      if (Files.isDirectory(twins, LinkOption.NOFOLLOW_LINKS)) {
        try (Stream<Path> dirs = Files.list(twins)) {
          for (Path dir : (Iterable<Path>) dirs::iterator) {
            check(dir, "rwx------", dirSightings);
            try (Stream<Path> files = Files.list(dir)) {
              for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().contains(".sock")) {
                  check(f, "rw-------", socketSightings);
                }
              }
            } catch (IOException e) {
              // the directory went away or was not readable yet
            }
          }
        } catch (IOException e) {
          // listing raced with a change
        }
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void check(Path path, String expected, AtomicInteger sightings) {
    try {
      String actual = DetachedSupport.perms(path);
      sightings.incrementAndGet();
      if (!actual.equals(expected)) {
        violations.add(path + " was " + actual + " (expected " + expected + ")");
      }
    } catch (IOException e) {
      // gone between listing and stat (e.g. the .tmp name after its rename)
    }
  }

  @AfterAll
  void tearDown() {
    DetachedSupport.cleanUp(twin, d == null ? List.of() : List.of(d.id()));
  }

  @Test
  @Order(1)
  void theDirectoryAndSocketAreNeverOpenToOthers() throws IOException {
    System.out.printf("DetachedSocketIT: while starting, twins/ID seen %d times, a socket %d times%n",
        dirSightings.get(), socketSightings.get());
    assertThat(dirSightings.get()).as("times twins/ID was seen while starting").isPositive();
    assertThat(socketSightings.get()).as("times a socket was seen while starting").isPositive();
    assertThat(violations).as("modes seen while the detached twin started").isEmpty();
    assertThat(DetachedSupport.perms(DetachedSupport.twinDir(twin, d.id()))).isEqualTo("rwx------");
    assertThat(DetachedSupport.perms(DetachedSupport.socket(twin, d.id()))).isEqualTo("rw-------");
    assertThat(DetachedSupport.perms(DetachedSupport.twinDir(twin, d.id()).resolve("supervisor.log")))
        .as("the supervisor log").isEqualTo("rw-------");
    assertThat(Files.readAttributes(DetachedSupport.socket(twin, d.id()), java.nio.file.attribute.BasicFileAttributes.class,
        LinkOption.NOFOLLOW_LINKS).isOther()).as("twin.sock is a socket").isTrue();
  }

  @Test
  @Order(2)
  void aPlainClientGetsATextReplWithSecretsMasked() {
    TwinCli.Result r = DetachedSupport.exec(Duration.ofSeconds(30),
        "(+ 1 2)\n(println \"hi\")\n(/ 1 0)\n(System/getenv \"DEMO_API_TOKEN\")\n",
        "socat", "-t", "5", "-", "UNIX-CONNECT:" + DetachedSupport.socket(twin, d.id()));
    assertThat(r.exitCode()).as(r.describe()).isZero();
    List<String> lines = r.stdout().lines().map(l -> l.replace(PROMPT, "").strip()).toList();
    assertThat(lines).as(r.describe()).contains("3", "hi", "\"***\"");
    assertThat(r.stdout()).as(r.describe()).contains("Divide by zero").contains("Execution error");
    assertThat(r.stdout() + r.stderr()).as("the real token never shows").doesNotContain(Fixtures.DEMO_TOKEN);
  }

  @Test
  @Order(2)
  void netcatIsAPlainClientToo() {
    TwinCli.Result r = DetachedSupport.exec(Duration.ofSeconds(30), "(+ 1 2)\n(throw (ex-info \"boom\" {}))\n",
        "nc", "-N", "-U", DetachedSupport.socket(twin, d.id()).toString());
    assertThat(r.exitCode()).as("nc -N -U (netcat-openbsd; .ci/run installs it): %s", r.describe()).isZero();
    List<String> lines = r.stdout().lines().map(l -> l.replace(PROMPT, "").strip()).toList();
    assertThat(lines).as(r.describe()).contains("3", "boom");
    assertThat(r.stdout()).as("the prompt, as socat shows it: %s", r.describe()).contains(PROMPT);
  }

  /**
   * Like Clojure's socket REPL, a plain client shows the prompt also when its input comes in one
   * piece (a pipe into socat), not only when a human is slower than the twin.
   */
  @Test
  @Order(2)
  void aPipedPlainClientSeesThePrompt() {
    List<String> withoutPrompt = new ArrayList<>();
    int runs = 10;
    for (int i = 0; i < runs; i++) {
      TwinCli.Result r = DetachedSupport.exec(Duration.ofSeconds(30), "(+ 1 2)\n",
          "socat", "-t", "5", "-", "UNIX-CONNECT:" + DetachedSupport.socket(twin, d.id()));
      assertThat(r.exitCode()).as(r.describe()).isZero();
      assertThat(r.stdout().lines().map(l -> l.replace(PROMPT, "").strip())).as(r.describe()).contains("3");
      if (!r.stdout().contains(PROMPT)) {
        withoutPrompt.add("run " + (i + 1) + ": " + r.stdout().replace("\n", "\\n"));
      }
    }
    assertThat(withoutPrompt).as("runs of `echo '(+ 1 2)' | socat - UNIX-CONNECT:...` (of %d) with no prompt '%s'",
        runs, PROMPT).isEmpty();
  }

  /** A plain client that connects and waits (a person at socat) gets the prompt, then answers. */
  @Test
  @Order(2)
  void anInteractivePlainClientGetsPromptsAndAnswers() throws Exception {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(DetachedSupport.socket(twin, d.id())));
      channel.configureBlocking(false);
      StringBuilder seen = new StringBuilder();
      readUntil(channel, seen, () -> seen.toString().contains(PROMPT), "the first prompt");
      write(channel, "(+ 20 22)\n");
      readUntil(channel, seen, () -> seen.indexOf(PROMPT, seen.indexOf("42")) > 0, "42 and a second prompt");
      write(channel, "(System/getenv \"DEMO_API_TOKEN\")\n");
      readUntil(channel, seen, () -> seen.toString().contains("\"***\"") && seen.toString().endsWith(PROMPT),
          "the masked token and a third prompt");
      assertThat(seen.toString()).as("what the client read").startsWith(PROMPT)
          .doesNotContain(Fixtures.DEMO_TOKEN).doesNotContain("Exception");
    }
  }

  private static void write(SocketChannel channel, String text) throws IOException {
    ByteBuffer out = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    while (out.hasRemaining()) {
      channel.write(out);
    }
  }

  /** Reads (non-blocking, polling) into {@code seen} until {@code done} holds; fails after 15 s. */
  private static void readUntil(SocketChannel channel, StringBuilder seen, java.util.function.BooleanSupplier done,
      String what) throws IOException {
    ByteBuffer in = ByteBuffer.allocate(8192);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!done.getAsBoolean()) {
      in.clear();
      int n = channel.read(in);
      if (n < 0) {
        throw new AssertionError("the connection closed before " + what + "; read:\n" + seen);
      }
      if (n > 0) {
        seen.append(new String(in.array(), 0, n, StandardCharsets.UTF_8));
      } else if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; read:\n" + seen);
      } else {
        Host.sleep(Duration.ofMillis(10));
      }
    }
  }

  @Test
  @Order(3)
  void anotherUserIsStoppedByThePrivateDirectory() throws Exception {
    long[] user = otherUser();
    TwinCli.Result r = asOtherUser(user, "(+ 1 2)\n");
    assertThat(r.exitCode() != 0 || r.stdout().contains("twin: access denied"))
        .as("socat as %s must fail or be refused: %s", OTHER_USER, r.describe()).isTrue();
    assertThat(r.stdout()).as(r.describe()).doesNotContain(PROMPT);
    assertThat(r.stdout().lines().map(String::strip)).as(r.describe()).doesNotContain("3");
    assertAnswers();
  }

  @Test
  @Order(4)
  void peerCredentialsRefuseAnotherUserEvenThroughAnOpenSocket() throws Exception {
    long[] user = otherUser();
    Path dir = DetachedSupport.twinDir(twin, d.id());
    Path socket = DetachedSupport.socket(twin, d.id());
    List<Path> opened = List.of(temp, twin.runtimeDir(), twin.runtimeDir().resolve("twins"), dir);
    List<String> before = new ArrayList<>();
    for (Path p : opened) {
      before.add(DetachedSupport.perms(p));
    }
    String socketBefore = DetachedSupport.perms(socket);
    TwinCli.Result refused;
    TwinCli.Result asRoot;
    TwinCli.Result opened3;
    try {
      for (Path p : opened) {
        DetachedSupport.chmod(p, "rwx--x--x");
      }
      DetachedSupport.chmod(socket, "rw-rw-rw-");
      // Nothing on stdin: socat then only reads, and shows what the supervisor says.
      refused = asOtherUser(user, null);
      // twin's own client refuses a socket others could reach.
      opened3 = twin.run(Duration.ofSeconds(30), null, "eval", d.id(), "(+ 1 2)");
      asRoot = DetachedSupport.exec(Duration.ofSeconds(30), "(+ 40 2)\n",
          "socat", "-t", "5", "-", "UNIX-CONNECT:" + socket);
    } finally {
      for (int i = 0; i < opened.size(); i++) {
        DetachedSupport.chmod(opened.get(i), before.get(i));
      }
      DetachedSupport.chmod(socket, socketBefore);
    }
    assertThat(refused.stdout()).as("as %s through a 0666 socket: %s", OTHER_USER, refused.describe())
        .contains("twin: access denied: user " + OTHER_USER + " may not use this twin")
        .doesNotContain(PROMPT);
    assertThat(opened3.exitCode()).as("twin eval through an opened socket: %s", opened3.describe()).isEqualTo(3);
    assertThat(opened3.stderr()).as(opened3.describe()).contains("refusing");
    String log = Files.readString(dir.resolve("supervisor.log"));
    assertThat(log).as("supervisor.log").contains("refused a connection from user " + OTHER_USER);
    assertThat(asRoot.stdout().lines().map(l -> l.replace(PROMPT, "").strip())).as("root is accepted: %s", asRoot.describe()).contains("42");
    assertThat(asRoot.stdout()).as(asRoot.describe()).doesNotContain("access denied");
    assertAnswers();
  }

  @Test
  @Order(5)
  void aKilledSupervisorTakesItsTwinAlongAndPsRemovesTheStaleSocket() {
    Path dir = DetachedSupport.twinDir(twin, d.id());
    assertThat(DetachedSupport.alive(d.twinPid())).as("the twin before the kill").isTrue();
    Host.signal(d.supervisorPid(), "KILL");
    Host.await(Duration.ofSeconds(5), "no twin JVM left after SIGKILL of the supervisor",
        () -> !DetachedSupport.alive(d.twinPid()) && Host.twinPids(twin.runtimeDir()).isEmpty(),
        () -> Host.describe(Host.twinPids(twin.runtimeDir())));
    assertThat(DetachedSupport.socket(twin, d.id())).as("the socket left behind by SIGKILL").exists();

    TwinCli.Result ps = twin.run(Duration.ofSeconds(30), null, "ps");
    assertThat(ps.exitCode()).as(ps.describe()).isZero();
    assertThat(ps.stderr()).as(ps.describe()).contains("twin: removed the stale socket of twin " + d.id());
    assertThat(ps.stdout()).as(ps.describe()).doesNotContain(d.id());
    assertThat(dir).as("the stale twin's directory after ps").doesNotExist();

    TwinCli.Result again = twin.run(Duration.ofSeconds(30), null, "ps");
    assertThat(again.stderr()).as("a second ps has nothing to clean: %s", again.describe()).doesNotContain("stale");
  }

  /** The twin still evaluates for its owner. */
  private void assertAnswers() {
    TwinCli.Result r = twin.run(Duration.ofSeconds(30), null, "eval", d.id(), "(+ 1 2)");
    assertThat(r.exitCode()).as(r.describe()).isZero();
    assertThat(r.stdoutLines()).as(r.describe()).containsExactly("3");
    assertThat(Host.twinPids(twin.runtimeDir())).as("the same twin JVM").containsExactly(d.twinPid());
  }

  private TwinCli.Result asOtherUser(long[] user, String stdin) {
    return DetachedSupport.exec(Duration.ofSeconds(30), stdin, "setpriv", "--reuid=" + user[0], "--regid=" + user[1],
        "--clear-groups", "socat", "-t", "3", "-", "UNIX-CONNECT:" + DetachedSupport.socket(twin, d.id()));
  }

  /** The uid and gid of a system user made for this test (needs root, as CI runs). */
  private static long[] otherUser() {
    SystemUsers.requireRoot("this test must run as root (CI does): it creates a user and switches to it");
    SystemUsers.Account account = SystemUsers.systemUser(OTHER_USER);
    return new long[] {account.uid(), account.gid()};
  }
}
