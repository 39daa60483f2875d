package twin.secret;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Masks secrets in text: by variable name, by URL password syntax, and by known secret value. */
public final class Redactor {

  /** What every masked secret is replaced with. */
  public static final String MASK = "***";

  /** Secret values shorter than this are not masked by value: "on" or "1" would shred output. */
  public static final int MIN_SECRET_LENGTH = 4;

  private static final List<String> SECRET_WORDS =
      List.of("PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "KEY", "CREDENTIAL", "DSN",
          "PRIVATE", "AUTHORIZATION");

  // Short words that are secrets only as a whole '_'-separated word: DB_PASS, but not PASSPORT.
  private static final Set<String> SECRET_WHOLE_WORDS = Set.of("PWD", "PASS", "AUTH");

  // scheme://user:password@host; the password may not contain '/', so host:port/path@x is no match.
  private static final Pattern URL_PASSWORD =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.\\-]*://[^\\s:/?#@]*):([^\\s@/]+)@");

  // ?password=x&, ;password=x; (JDBC, ODBC), db.password=x (properties): the value runs to the next
  // separator, or to a quote, comma or bracket, so that a masked value in a CSV row, an EDN string
  // or a printed map leaves the rest of it alone.
  private static final Pattern PARAM_PASSWORD = Pattern.compile(
      "(?i)((?:^|[?&;\\s,{(\\[\"'])(?:[\\w.\\-]*(?:password|passwd)|pwd)\\s*=)([^&;\\s,\"'<>(){}\\[\\]]+)");

  // A URL whose scheme went out with the chunk before: "://user:password@" where a chunk begins.
  private static final Pattern URL_PASSWORD_CONTINUED = Pattern.compile("^(://[^\\s:/?#@]*):([^\\s@/]+)@");

  // A password parameter whose value may go on in the next chunk.
  private static final Pattern PARAM_IN_PROGRESS = Pattern.compile("(?:[\\w.\\-]*(?:password|passwd)|pwd)\\s*=.*",
      Pattern.DOTALL);

  /** A stream holds back at most this much of a word that may be a URL or parameter in progress. */
  static final int MAX_HELD_WORD = 512;

  // -Ddb.password=x, --api-token=x: options whose name says they carry a secret.
  private static final Pattern OPTION_ASSIGNMENT = Pattern.compile("^(--?(?:D)?)([^=\\s]+)=(.*)$",
      Pattern.DOTALL);

  // --db-password VALUE: an option alone in its argument, whose name says the next one is a secret.
  private static final Pattern BARE_OPTION = Pattern.compile("^--?([A-Za-z][\\w.\\-]*)$");

  // "spring.datasource.password": "x" in a JSON value (SPRING_APPLICATION_JSON and the like).
  private static final Pattern JSON_MEMBER = Pattern.compile("\"([^\"\\\\]{1,200})\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

  private static final Redactor NONE = new Redactor(Map.of(), List.of());

  private final List<String> extraNames;
  private final List<String> values;

  /** A redactor that knows the secrets of {@code env} and the secret names of the defaults. */
  public Redactor(Map<String, String> env) {
    this(env, List.of());
  }

  /**
   * A redactor that knows the secrets of {@code env}; {@code extraSecretNames} are words that,
   * like PASSWORD, mark a variable as secret when its name contains them (case-insensitive).
   */
  public Redactor(Map<String, String> env, Collection<String> extraSecretNames) {
    this(upper(extraSecretNames), collectValues(env, upper(extraSecretNames), List.of()));
  }

  private Redactor(List<String> extraNames, List<String> values) {
    this.extraNames = extraNames;
    this.values = values;
  }

  /** A redactor that knows no secret values; it still masks URL passwords. */
  public static Redactor none() {
    return NONE;
  }

  /** This redactor plus the secrets of {@code env} (e.g. variables read later from env files). */
  public Redactor plus(Map<String, String> env) {
    return new Redactor(extraNames, collectValues(env, extraNames, values));
  }

  /**
   * This redactor plus the values of secret-named options among {@code args} ({@code -Dapi.key=x},
   * {@code --db-password=x}) and the passwords of URLs in any of them: a twin's JVM options are
   * its system properties, which code in the twin can print.
   */
  public Redactor plusArgs(List<String> args) {
    Map<String, String> found = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      found.put("ARG_" + i, args.get(i)); // not a secret name: only the passwords inside are taken
      if (secretValueFollows(args, i)) {
        found.put("SECRET_ARG_" + (i + 1), args.get(i + 1)); // --db-password VALUE: the value, whole
      }
    }
    return plus(found);
  }

  /**
   * Command-line arguments with secrets masked: each as {@link #redactArg} does, and the argument
   * after a secret-named option that stands alone ({@code --db-password VALUE}) becomes {@value #MASK}.
   */
  public List<String> redactArgs(List<String> args) {
    List<String> out = new ArrayList<>(args.size());
    for (int i = 0; i < args.size(); i++) {
      out.add(redactArg(args.get(i)));
      if (secretValueFollows(args, i)) {
        out.add(MASK);
        i++;
      }
    }
    return out;
  }

  private boolean secretValueFollows(List<String> args, int i) {
    if (i + 1 >= args.size()) {
      return false;
    }
    Matcher m = BARE_OPTION.matcher(args.get(i));
    String next = args.get(i + 1);
    return m.matches() && isSecret(m.group(1)) && !next.isEmpty() && !next.startsWith("-");
  }

  /** True when a variable or property of this name holds a secret by the default rules. */
  public static boolean isSecretName(String name) {
    return isSecretName(name, List.of());
  }

  /** True when a variable of this name holds a secret by the default rules or the extra names. */
  public boolean isSecret(String name) {
    return isSecretName(name, extraNames);
  }

  private static boolean isSecretName(String name, List<String> extraNames) {
    if (name == null || name.isEmpty()) {
      return false;
    }
    // Property and option names (db.password, api-token) follow the same rules as variables.
    String upper = name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    for (String word : SECRET_WORDS) {
      if (upper.contains(word)) {
        return true;
      }
    }
    for (String extra : extraNames) {
      if (upper.contains(extra)) {
        return true;
      }
    }
    String[] words = upper.split("_+");
    // A lone PWD is the shell's working directory, not a password.
    if (words.length > 1) {
      for (String word : words) {
        if (SECRET_WHOLE_WORDS.contains(word)) {
          return true;
        }
      }
    } else if (upper.equals("PASS") || upper.equals("AUTH")) {
      return true;
    }
    return false;
  }

  /** Replaces the password of {@code scheme://user:password@host} and {@code password=} parameters. */
  public static String maskUrlPasswords(String s) {
    if (s == null || s.isEmpty()) {
      return s;
    }
    String out = s;
    if (out.contains("://")) {
      out = URL_PASSWORD.matcher(out).replaceAll("$1:" + Matcher.quoteReplacement(MASK) + "@");
    }
    if (out.indexOf('=') >= 0) {
      out = PARAM_PASSWORD.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    }
    return out;
  }

  /** Masks every known secret value in {@code text} (longest first), then URL passwords. */
  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String value : values) {
      if (out.contains(value)) {
        out = out.replace(value, MASK);
      }
    }
    return maskUrlPasswords(out);
  }

  /** A masker for text that arrives in pieces (a twin's output), where a secret can be split. */
  public Stream stream() {
    return new Stream();
  }

  /**
   * Masks secrets in a stream of chunks, also one split between chunks: it holds back only a tail
   * that could be the start of a secret value, until the next chunk or {@link #flush}.
   */
  public final class Stream {
    private String carry = "";

    private Stream() {}

    /** The chunk (after what was held back) with secrets masked, less a tail that may continue. */
    public String feed(String chunk) {
      String text = carry + chunk;
      int cut = wordCut(text, safeCut(text));
      carry = text.substring(cut);
      return redactPiece(text.substring(0, cut));
    }

    /** What is held back, masked: at the end of a result, or when another stream speaks. */
    public String flush() {
      String text = carry;
      carry = "";
      return redactPiece(text);
    }

    private String redactPiece(String piece) {
      String out = redact(piece);
      return out.startsWith("://")
          ? URL_PASSWORD_CONTINUED.matcher(out).replaceFirst("$1:" + Matcher.quoteReplacement(MASK) + "@")
          : out;
    }

    /**
     * Secrets known only by their shape (a URL's password, a {@code password=} parameter) can be
     * split too: the last word before {@code cut} is held back when it may be one in progress.
     */
    private int wordCut(String text, int cut) {
      int start = cut;
      while (start > 0 && !Character.isWhitespace(text.charAt(start - 1))) {
        start--;
        if (cut - start > MAX_HELD_WORD) {
          return cut; // no credential is this long; let it go
        }
      }
      return start < cut && mayContinueSecret(text.substring(start, cut)) ? start : cut;
    }


    public boolean holds() {
      return !carry.isEmpty();
    }

    private int safeCut(String text) {
      int cut = text.length();
      for (String value : values) {
        for (int i = Math.max(0, text.length() - value.length() + 1); i < cut; i++) {
          if (value.regionMatches(0, text, i, text.length() - i)) {
            cut = i;
            break;
          }
        }
      }
      // A whole secret that the cut would split: cut before it. Only one starting less than its
      // length before the cut can, so only that window is searched (not the whole chunk again).
      boolean moved = true;
      while (moved) {
        moved = false;
        for (String value : values) {
          int start = text.indexOf(value, Math.max(0, cut - value.length() + 1));
          if (start >= 0 && start < cut) {
            cut = start;
            moved = true;
          }
        }
      }
      return cut;
    }
  }

  /** True when {@code word} may be the start of a URL with a password or of a password parameter. */
  static boolean mayContinueSecret(String word) {
    int scheme = word.lastIndexOf("://");
    if (scheme >= 0 && word.indexOf('@', scheme) < 0) {
      return true;
    }
    if (word.endsWith(":") || word.endsWith(":/")) {
      return true;
    }
    int separator = Math.max(word.lastIndexOf('?'), Math.max(word.lastIndexOf('&'), word.lastIndexOf(';')));
    String tail = word.substring(separator + 1).toLowerCase(Locale.ROOT);
    // The last part of a dotted or joined name: the "pass" of "db.pass" may become db.password=.
    String part = tail.substring(Math.max(tail.lastIndexOf('.'), Math.max(tail.lastIndexOf('_'), tail.lastIndexOf('-'))) + 1);
    return !tail.isEmpty() && (PARAM_IN_PROGRESS.matcher(tail).matches() || "pwd".startsWith(tail)
        || (!part.isEmpty() && ("password".startsWith(part) || "passwd".startsWith(part))));
  }

  /** {@value #MASK} for a secret-named variable, otherwise the value with secrets masked. */
  public String redactValue(String name, String value) {
    if (value == null) {
      return null;
    }
    return isSecret(name) ? MASK : redact(value);
  }

  /** A copy of {@code env}, in the same order, with each value passed through {@link #redactValue}. */
  public Map<String, String> redactEnv(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    env.forEach((name, value) -> out.put(name, redactValue(name, value)));
    return Collections.unmodifiableMap(out);
  }

  /**
   * One command-line argument with secrets masked: the value of a secret-named {@code -Dname=value}
   * or {@code --name=value} becomes {@value #MASK}; anything else goes through {@link #redact}.
   */
  public String redactArg(String arg) {
    if (arg == null) {
      return null;
    }
    Matcher m = OPTION_ASSIGNMENT.matcher(arg);
    if (m.matches() && isSecret(m.group(2)) && !m.group(3).isEmpty()) {
      return m.group(1) + m.group(2) + "=" + MASK;
    }
    return redact(arg);
  }

  private static List<String> collectValues(
      Map<String, String> env, List<String> extraNames, List<String> known) {
    Set<String> found = new LinkedHashSet<>(known);
    for (Map.Entry<String, String> e : env.entrySet()) {
      String value = e.getValue();
      if (value == null) {
        continue;
      }
      if (isSecretName(e.getKey(), extraNames)) {
        addIfLong(found, value);
      }
      // A password inside a URL is a secret even when the variable's name does not say so.
      if (value.contains("://")) {
        Matcher m = URL_PASSWORD.matcher(value);
        while (m.find()) {
          addIfLong(found, m.group(2));
        }
      }
      Matcher p = PARAM_PASSWORD.matcher(value);
      while (p.find()) {
        addIfLong(found, p.group(2));
      }
      // JSON with secret-named members: SPRING_APPLICATION_JSON='{"spring.datasource.password":"x"}'.
      if (value.indexOf('"') >= 0 && value.indexOf(':') > 0) {
        Matcher j = JSON_MEMBER.matcher(value);
        while (j.find()) {
          if (isSecretName(j.group(1), extraNames)) {
            addIfLong(found, j.group(2));
          }
        }
      }
      // An option, or options in a variable (JAVA_TOOL_OPTIONS="-Dapi.key=x ..."), named as a secret.
      if (value.indexOf('=') > 0 && (value.startsWith("-") || value.contains(" -"))) {
        for (String word : value.split("\\s+")) {
          Matcher o = OPTION_ASSIGNMENT.matcher(word);
          if (o.matches() && isSecretName(o.group(2), extraNames)) {
            addIfLong(found, o.group(3));
          }
        }
      }
    }
    List<String> sorted = new ArrayList<>(found);
    // Longest first, so a secret that contains another is masked whole.
    sorted.sort(Comparator.comparingInt(String::length).reversed());
    return List.copyOf(sorted);
  }

  private static void addIfLong(Set<String> found, String value) {
    if (value.length() >= MIN_SECRET_LENGTH && !value.equals(MASK)
        && !NOT_SECRETS.contains(value.toLowerCase(Locale.ROOT))) {
      found.add(value);
    }
  }

  /**
   * Values a secret-named variable may hold that are no secret (API_KEY_ENABLED=true): masking
   * them everywhere would hide every boolean and nil a twin prints. By name they are still masked.
   */
  private static final Set<String> NOT_SECRETS = Set.of("true", "false", "null", "none", "disabled", "enabled");

  private static List<String> upper(Collection<String> names) {
    List<String> out = new ArrayList<>();
    for (String n : Objects.requireNonNull(names, "extraSecretNames")) {
      if (n != null && !n.isBlank()) {
        out.add(n.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
      }
    }
    return List.copyOf(out);
  }
}
