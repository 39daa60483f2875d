package twin.plan;

/** What a rule does with a service option it matches. */
public enum Action {
  /** Dropped from the twin's command line. */
  STRIP,
  /** Kept, but its file points into the twin's private directory. */
  REWRITE,
  /** Dropped, and the twin supplies its own value instead. */
  REPLACE,
  /** Kept on purpose, though a rule would have removed it. */
  KEEP;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
