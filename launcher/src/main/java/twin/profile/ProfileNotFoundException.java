package twin.profile;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * No profile of the given name on the search path; the message has no file prefix, so the CLI
 * prints it as {@code twin: error: no profile named 'x' (searched: ...)}.
 */
public final class ProfileNotFoundException extends ProfileException {

  private static final long serialVersionUID = 1L;

  private final String name;
  private final transient List<Path> searched;

  /** A failed look-up of {@code name} in the directories {@code searched}, in search order. */
  public ProfileNotFoundException(String name, List<Path> searched) {
    this(name, List.copyOf(searched), describe(name, searched));
  }

  private ProfileNotFoundException(String name, List<Path> searched, String message) {
    super(message, null, null, message, "", null);
    this.name = name;
    this.searched = searched;
  }

  /** The name that was looked for. */
  public String name() {
    return name;
  }

  /** The directories searched, in order. */
  public List<Path> searched() {
    return searched;
  }

  private static String describe(String name, List<Path> searched) {
    String dirs = searched.isEmpty()
        ? "no directories"
        : searched.stream().map(Path::toString).collect(Collectors.joining(", "));
    return "no profile named '" + name + "' (searched: " + dirs + ")";
  }
}
