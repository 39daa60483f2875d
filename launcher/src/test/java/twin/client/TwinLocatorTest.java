package twin.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twin.ExitCodes;
import twin.TwinException;

/** The client's vetting of a twin's socket, on real directories and real unix sockets. */
class TwinLocatorTest {
  @TempDir Path temp;
  private Path dir;
  private Path socket;
  private ServerSocketChannel server;

  @BeforeEach
  void bind() throws Exception {
    dir = Files.createDirectories(temp.resolve("run/twins/demo-abc123"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    socket = dir.resolve("twin.sock");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
  }

  @AfterEach
  void close() throws Exception {
    server.close();
  }

  private TwinLocator.Entry entry() {
    return new TwinLocator.Entry("demo-abc123", dir, socket);
  }

  @Test
  void aPrivateSocketPasses() {
    TwinLocator.vet(entry());
    TwinLocator locator = new TwinLocator(temp.resolve("run"), List.of());
    assertThat(locator.running()).extracting(t -> t.entry().id()).containsExactly("demo-abc123");
  }

  @Test
  void aSharedTwinsAclMaskOnTheDirectoryPasses() throws Exception {
    // setfacl u:alice:r-x shows as group r-x: readable and searchable, never writable.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
    TwinLocator.vet(entry());
  }

  @Test
  void aDirectoryOthersCouldWriteIsRefused() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwx---"));
    assertRefused("is open to other users (rwxrwx---)");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx-----x"));
    assertRefused("is open to other users (rwx-----x)");
  }

  @Test
  void aSocketOpenToOthersIsRefused() throws Exception {
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw----rw-"));
    assertRefused("twin.sock is open to other users (rw----rw-)");
  }

  @Test
  void linksAndPlainFilesAreNeverFollowed() throws Exception {
    server.close();
    Files.delete(socket);
    Path elsewhere = temp.resolve("elsewhere.sock");
    try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      other.bind(UnixDomainSocketAddress.of(elsewhere));
      Files.createSymbolicLink(socket, elsewhere);
      assertRefused("twin.sock is not a socket (or is a link)");
      Files.delete(socket);
      Files.writeString(socket, "not a socket");
      assertRefused("twin.sock is not a socket (or is a link)");
    }
  }

  @Test
  void aDeadSupervisorsSocketIsCleanedUp() throws Exception {
    server.close();
    TwinLocator locator = new TwinLocator(temp.resolve("run"), List.of());
    assertThat(locator.running()).isEmpty();
    assertThat(dir).doesNotExist();
  }

  @Test
  void aBadEntryIsSkippedAndTheOthersListed() throws Exception {
    Path fake = Files.createDirectories(temp.resolve("run/twins/demo-fake02"));
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(fake.resolve("twin.sock"), "hi");
    TwinLocator locator = new TwinLocator(temp.resolve("run"), List.of());
    assertThat(locator.running()).extracting(t -> t.entry().id()).containsExactly("demo-abc123");
    assertThat(locator.find("demo-nosuch")).as("an id that names nothing").isNull();
    assertThat(fake.resolve("twin.sock")).as("the bad entry, never used nor removed").exists();
    // Named by its own id, the bad entry is still refused.
    assertThatThrownBy(() -> locator.find("demo-fake02")).isInstanceOf(TwinException.class)
        .hasMessageContaining("is not a socket (or is a link); refusing to use it");
  }

  @Test
  void aSupervisorThatNeverAnswersIsReportedInBoundedTime() {
    // Bound, listening, never accepting: what a stopped (SIGSTOP) supervisor looks like to a client.
    RemoteTwin twin = new RemoteTwin(entry());
    for (Runnable request : List.<Runnable>of(twin::status, twin::stop,
        () -> twin.openSession("eval", new NoListener()))) {
      assertThatThrownBy(request::run).isInstanceOf(TwinException.class)
          .hasMessageStartingWith("twin demo-abc123 did not answer within " + RemoteTwin.ANSWER_TIMEOUT.toSeconds()
              + " s (its supervisor may be stopped or overloaded)")
          .satisfies(e -> assertThat(((TwinException) e).exitCode()).isEqualTo(ExitCodes.FAILED));
    }
  }

  @Test
  void aTwinThatVanishedBeforeItsStopCountsAsStopped() throws Exception {
    RemoteTwin twin = new RemoteTwin(entry());
    server.close();
    assertThat(twin.stop()).as("a socket nothing listens on any more").isFalse();
    Files.delete(socket);
    assertThat(twin.stop()).as("a socket removed").isFalse();
  }

  /** A session listener that ignores everything. */
  private static final class NoListener implements twin.supervisor.SessionListener {
    @Override public void onOut(String text) { }
    @Override public void onErr(String text) { }
    @Override public void onTap(String printed) { }
    @Override public void onResult(String ns, String printed, boolean failed, String form, String ms) { }
    @Override public void onReady(String ns) { }
    @Override public void onNotice(String message) { }
    @Override public void onClosed(String reason) { }
  }

  private void assertRefused(String message) {
    assertThatThrownBy(() -> TwinLocator.vet(entry()))
        .isInstanceOf(TwinException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((TwinException) e).exitCode()).isEqualTo(ExitCodes.NOT_PERMITTED));
  }
}
