package twin.profile;

import java.util.Objects;

/**
 * A profile's {@code source:}: the live launch a twin is read from at each start, instead of (or
 * under) the launch written in the profile.
 *
 * @param kind which of the four keys was given
 * @param value its value as written ({@code pid-file} made absolute against the profile's directory)
 * @param mark where the value was written, or null for a source made in code
 */
public record ProfileSource(Kind kind, String value, SourceMark mark) {

  /** The keys of {@code source:}; exactly one is given. */
  public enum Kind {
    PID("pid"), PID_FILE("pid-file"), MATCH("match"), SYSTEMD_UNIT("systemd-unit");

    private final String key;

    Kind(String key) {
      this.key = key;
    }

    /** The key as written in YAML, e.g. {@code pid-file}. */
    public String key() {
      return key;
    }
  }

  public ProfileSource {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(value, "value");
  }

  /** {@code pid-file: /run/orders.pid}, for messages. */
  @Override
  public String toString() {
    return kind.key() + ": " + value;
  }
}
