package twin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocationsTest {
  @TempDir
  Path tmp;

  private static String mode(Path dir) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(dir));
  }

  @Test
  void theRuntimeDirIsMade0700Or0711() throws Exception {
    assertThat(mode(Locations.ensureRuntimeDir(tmp.resolve("own"), false))).isEqualTo("rwx------");
    assertThat(mode(Locations.ensureRuntimeDir(tmp.resolve("passage"), true))).isEqualTo("rwx--x--x");
  }

  @Test
  void aTwinOfOurOwnKeepsThePassageATwinRunAsAnotherUserNeeds() throws Exception {
    Path dir = Locations.ensureRuntimeDir(tmp.resolve("run"), true);

    Locations.ensureRuntimeDir(dir, false);

    assertThat(mode(dir)).isEqualTo("rwx--x--x");
  }

  @Test
  void readAndWriteBitsAreTakenAwaySearchBitsKept() throws Exception {
    Path dir = Files.createDirectory(tmp.resolve("run"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxr-x"));

    Locations.ensureRuntimeDir(dir, false);

    assertThat(mode(dir)).isEqualTo("rwx--x--x");
  }

  @Test
  void aRuntimeDirProblemNamesWhoCanDoWhat() {
    assertThat(Locations.runtimeDirProblem(PosixFilePermissions.fromString("rwx--x--x"))).isNull();
    assertThat(Locations.runtimeDirProblem(PosixFilePermissions.fromString("rwx--x---"))).isNull();
    assertThat(Locations.runtimeDirProblem(PosixFilePermissions.fromString("rwxr-x-w-")))
        .isEqualTo("its group can list it; other users can add and remove files in it");
  }
}
