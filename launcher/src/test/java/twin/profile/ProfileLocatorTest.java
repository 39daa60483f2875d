package twin.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileLocatorTest {

  @TempDir Path tmp;

  private Path first;
  private Path second;
  private Path third;

  @BeforeEach
  void dirs() throws Exception {
    first = Files.createDirectories(tmp.resolve("first"));
    second = Files.createDirectories(tmp.resolve("second"));
    third = tmp.resolve("third-missing");
  }

  private static Path touch(Path file) throws Exception {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, "name: x\njar: a.jar\n");
  }

  @Test
  void standardSearchPathFollowsTheDesignOrder() {
    Path cwd = tmp.resolve("work");
    Path home = tmp.resolve("home");
    ProfileLocator locator = ProfileLocator.standard(
        Map.of("TWIN_PROFILES", "/srv/a::relative/b:"), cwd, home);
    assertThat(locator.searchPath()).containsExactly(
        Path.of("/srv/a"), cwd.resolve("relative/b"), cwd.resolve("profiles"),
        home.resolve(".config/twin/profiles"), Path.of("/etc/twin/profiles"));
  }

  @Test
  void standardSearchPathWithoutTwinProfilesOrHome() {
    ProfileLocator locator = ProfileLocator.standard(Map.of(), Path.of(""), null);
    assertThat(locator.searchPath()).containsExactly(
        Path.of("profiles"), Path.of("/etc/twin/profiles"));
  }

  @Test
  void theFirstDirectoryHoldingTheNameWins() throws Exception {
    Path inSecond = touch(second.resolve("orders.yaml"));
    Path inFirst = touch(first.resolve("orders.yml"));
    ProfileLocator locator = new ProfileLocator(List.of(third, first, second));
    assertThat(locator.resolve("orders")).isEqualTo(inFirst);
    assertThat(new ProfileLocator(List.of(second, first)).resolve("orders")).isEqualTo(inSecond);
  }

  @Test
  void yamlIsPreferredOverYmlInTheSameDirectory() throws Exception {
    Path yaml = touch(first.resolve("orders.yaml"));
    touch(first.resolve("orders.yml"));
    assertThat(new ProfileLocator(List.of(first)).resolve("orders")).isEqualTo(yaml);
  }

  @Test
  void anArgumentWithASlashOrExtensionIsAPath() throws Exception {
    Path elsewhere = touch(tmp.resolve("elsewhere/svc.yaml"));
    touch(first.resolve("svc.yaml.yaml"));
    ProfileLocator locator = new ProfileLocator(List.of(first), tmp);
    assertThat(locator.resolve(elsewhere.toString())).isEqualTo(elsewhere);
    assertThat(locator.resolve("elsewhere/svc.yaml")).isEqualTo(elsewhere);
    touch(tmp.resolve("local.yml"));
    assertThat(locator.resolve("local.yml")).isEqualTo(tmp.resolve("local.yml"));
  }

  @Test
  void relativePathsStayAsTypedWithAnEmptyCwd() throws Exception {
    ProfileLocator locator = new ProfileLocator(List.of());
    ProfileException e = catchThrowableOfType(ProfileException.class,
        () -> locator.resolve("profiles/none-such-" + System.nanoTime() + ".yaml"));
    assertThat(e.getMessage()).startsWith("profiles/none-such-")
        .endsWith(".yaml: error: no such profile file");
  }

  @Test
  void aMissingPathIsAFileError() {
    ProfileLocator locator = new ProfileLocator(List.of(first), tmp);
    ProfileException e = catchThrowableOfType(ProfileException.class,
        () -> locator.resolve("nope/orders.yaml"));
    assertThat(e).isNotInstanceOf(ProfileNotFoundException.class);
    assertThat(e.getMessage())
        .isEqualTo(tmp.resolve("nope/orders.yaml") + ": error: no such profile file");
  }

  @Test
  void aLinkThatLeadsNowhereSaysSo() throws Exception {
    ProfileLocator locator = new ProfileLocator(List.of(first), tmp);
    Files.createSymbolicLink(tmp.resolve("loop1.yaml"), tmp.resolve("loop2.yaml"));
    Files.createSymbolicLink(tmp.resolve("loop2.yaml"), tmp.resolve("loop1.yaml"));
    Files.createSymbolicLink(tmp.resolve("dangling.yaml"), tmp.resolve("gone.yaml"));
    assertThat(catchThrowableOfType(ProfileException.class, () -> locator.resolve("loop1.yaml")).getMessage())
        .isEqualTo(tmp.resolve("loop1.yaml") + ": error: a symbolic link that leads to no file "
            + "(a loop of symbolic links)");
    assertThat(catchThrowableOfType(ProfileException.class, () -> locator.resolve("dangling.yaml")).getMessage())
        .isEqualTo(tmp.resolve("dangling.yaml") + ": error: a symbolic link that leads to no file "
            + "(its target does not exist)");
  }

  @Test
  void anUnknownNameListsTheDirectoriesSearched() {
    ProfileLocator locator = new ProfileLocator(List.of(first, second, third));
    ProfileNotFoundException e = catchThrowableOfType(ProfileNotFoundException.class,
        () -> locator.resolve("billing"));
    assertThat(e.getMessage()).isEqualTo("no profile named 'billing' (searched: "
        + first + ", " + second + ", " + third + ")");
    assertThat(e.problem()).isEqualTo(e.getMessage());
    assertThat(e.name()).isEqualTo("billing");
    assertThat(e.searched()).containsExactly(first, second, third);
    assertThat(e.mark()).isEmpty();
  }

  @Test
  void listShowsEachNameOnceSortedWithTheFirstOccurrenceWinning() throws Exception {
    Path billingFirst = touch(first.resolve("billing.yml"));
    touch(second.resolve("billing.yaml"));
    Path orders = touch(second.resolve("orders.yaml"));
    Path alpha = touch(second.resolve("alpha.yml"));
    touch(first.resolve("notes.txt"));
    touch(first.resolve(".hidden.yaml"));
    Files.createDirectories(first.resolve("dir.yaml"));
    ProfileLocator locator = new ProfileLocator(List.of(third, first, second));
    assertThat(locator.list()).containsExactly(alpha, billingFirst, orders);
  }
}
