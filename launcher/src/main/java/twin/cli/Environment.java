package twin.cli;

import java.nio.file.Path;
import java.util.Map;
import twin.Locations;
import twin.Os;
import twin.TwinException;
import twin.capture.LiveSource;
import twin.profile.Profile;
import twin.profile.ProfileException;
import twin.profile.ProfileLoader;
import twin.profile.ProfileLocator;

/** What every command reads from the world it runs in, in one place: env, cwd, home, dirs. */
final class Environment {
  final Map<String, String> env;
  final Path cwd;
  final Path home;

  Environment(Map<String, String> env, Path cwd, Path home) {
    this.env = env;
    this.cwd = cwd;
    this.home = home;
  }

  static Environment current() {
    Map<String, String> env = System.getenv();
    // $HOME, like every other tool; Java's user.home comes from the passwd entry instead.
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    return new Environment(env, Path.of("").toAbsolutePath(), Path.of(home));
  }

  ProfileLocator locator() {
    // A relative cwd keeps file names in errors as the user typed them.
    return ProfileLocator.standard(env, Path.of(""), home);
  }

  Locations locations() {
    return Locations.from(env, Os.uid());
  }

  /** Finds a profile by name or path and loads it; errors are one line. */
  Profile loadProfile(String nameOrPath) throws ProfileException {
    Path file = locator().resolve(nameOrPath);
    return new ProfileLoader().load(file);
  }

  /**
   * Loads a profile and resolves its {@code source:} against the live service (a profile without
   * one is returned as loaded): what launch, dry-run, profiles show and diff work from.
   */
  Profile resolveProfile(String nameOrPath) throws ProfileException {
    return LiveSource.standard(env).resolve(loadProfile(nameOrPath));
  }

  static TwinException usage(String message) {
    return TwinException.usage(message);
  }
}
