package twin.profile;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code twin:} section of a profile: what the twin does differently from the service.
 *
 * @param init Clojure forms evaluated before the first prompt, in order
 * @param heap the twin's maximum heap as a JVM size ({@code 512m}); null means the launcher default
 * @param keepOptions JVM options the launch rules would strip, kept on purpose
 * @param env variables set for the twin only, over the service's; insertion-ordered
 * @param unsetEnv variables removed from the twin's environment
 * @param idleTimeout a detached twin's idle timeout ({@code 30m}); null means the default
 * @param maxLifetime a detached twin's maximum lifetime ({@code 8h}); null means the default
 * @param requireReason whether every session must give a reason (for the transcript)
 * @param secretNames more words that mark a variable as a secret (besides PASSWORD, TOKEN, KEY, ...)
 * @param allowedUsers users who may use a detached twin besides its owner and root
 * @param allowedGroups groups whose members may use a detached twin besides its owner and root
 * @param extraClasspath entries appended to the twin's classpath (e.g. a JDBC driver), absolute
 */
public record TwinSettings(
    List<String> init,
    String heap,
    List<String> keepOptions,
    Map<String, String> env,
    List<String> unsetEnv,
    String idleTimeout,
    String maxLifetime,
    boolean requireReason,
    List<String> secretNames,
    List<String> allowedUsers,
    List<String> allowedGroups,
    List<String> extraClasspath) {

  private static final TwinSettings EMPTY =
      new TwinSettings(null, null, null, null, null, null, null, false, null, null, null, null);

  /** Copies the collections; null collections become empty. */
  public TwinSettings {
    init = init == null ? List.of() : List.copyOf(init);
    keepOptions = keepOptions == null ? List.of() : List.copyOf(keepOptions);
    env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
    unsetEnv = unsetEnv == null ? List.of() : List.copyOf(unsetEnv);
    secretNames = secretNames == null ? List.of() : List.copyOf(secretNames);
    allowedUsers = allowedUsers == null ? List.of() : List.copyOf(allowedUsers);
    allowedGroups = allowedGroups == null ? List.of() : List.copyOf(allowedGroups);
    extraClasspath = extraClasspath == null ? List.of() : List.copyOf(extraClasspath);
  }

  /** Settings without an extra classpath. */
  public TwinSettings(List<String> init, String heap, List<String> keepOptions, Map<String, String> env,
      List<String> unsetEnv, String idleTimeout, String maxLifetime, boolean requireReason, List<String> secretNames) {
    this(init, heap, keepOptions, env, unsetEnv, idleTimeout, maxLifetime, requireReason, secretNames, null, null, null);
  }

  /** Settings without lifetimes (the defaults apply). */
  public TwinSettings(List<String> init, String heap, List<String> keepOptions, Map<String, String> env,
      List<String> unsetEnv) {
    this(init, heap, keepOptions, env, unsetEnv, null, null, false, null, null, null, null);
  }

  /** No twin settings: every default applies. */
  public static TwinSettings empty() {
    return EMPTY;
  }

  /** True when users or groups other than the owner and root may use a detached twin. */
  public boolean sharesAccess() {
    return !allowedUsers.isEmpty() || !allowedGroups.isEmpty();
  }

  /** True when every setting is at its default. */
  public boolean isEmpty() {
    return init.isEmpty() && heap == null && keepOptions.isEmpty() && env.isEmpty()
        && unsetEnv.isEmpty() && idleTimeout == null && maxLifetime == null
        && !requireReason && secretNames.isEmpty() && allowedUsers.isEmpty() && allowedGroups.isEmpty()
        && extraClasspath.isEmpty();
  }
}
