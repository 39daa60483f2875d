package twin.plan;

import java.nio.file.Path;
import java.util.List;

/**
 * What the planner needs besides the profile and the facts: where twin's own jars are, where the
 * twin's private directory goes, who runs twin, and the command line's overrides.
 *
 * @param heap the --heap override, or null for the profile's or the default
 * @param scope whether to run the twin in a transient systemd scope (--scope)
 */
public record PlanOptions(
    String twinId,
    Path runtimeJar,
    List<Path> clojureJars,
    Path privateDir,
    long invokingUid,
    String invokingUser,
    String heap,
    boolean scope) {

  public PlanOptions {
    clojureJars = List.copyOf(clojureJars);
  }
}
