package twin.profile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.constructor.DuplicateKeyException;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a service profile: SnakeYAML's safe loader with tight limits, then one validation pass
 * over the node tree so that every error carries the position of the offending node.
 */
public final class ProfileLoader {

  /** Largest profile, in code points. */
  public static final int MAX_CODE_POINTS = 1024 * 1024;
  /** Most aliases to collections a profile may use (a "billion laughs" guard). */
  public static final int MAX_ALIASES = 10;
  /** Deepest nesting of collections a profile may use. */
  public static final int MAX_NESTING = 20;

  static final List<String> TOP_KEYS = List.of("name", "java", "workdir", "user", "classpath",
      "jar", "main", "args", "jvm-options", "env", "env-files", "twin", "source", "databases", "datasource");
  static final List<String> TOP_NOT_YET = List.of();
  static final List<String> SOURCE_KEYS = List.of("pid", "pid-file", "match", "systemd-unit");
  static final List<String> TWIN_KEYS = List.of("init", "heap", "keep-options", "env",
      "unset-env", "idle-timeout", "max-lifetime", "require-reason", "secret-names", "allowed-users",
      "allowed-groups", "extra-classpath");
  static final List<String> TWIN_NOT_YET = List.of();
  static final List<String> DATABASE_KEYS = List.of("url", "user", "password", "mode", "statement-timeout",
      "lock-timeout", "max-rows", "fetch-size", "read-only", "datasource");
  static final List<String> MODES = List.of("read-only", "sandbox", "read-write");
  static final Pattern SQL_DURATION = Pattern.compile("[1-9][0-9]*(ms|s|m|h)");
  static final Pattern DATABASE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  static final Pattern DURATION = Pattern.compile("[1-9][0-9]{0,8}[smhd]");

  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
  static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  /** A user or group name as useradd(8) accepts it. */
  static final Pattern ACCOUNT_NAME = Pattern.compile("[a-z_][a-z0-9_.-]*\\$?");
  /** A heap size with its unit: the JVM reads a bare -Xmx512 as 512 bytes and refuses to start. */
  public static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[kKmMgG]");
  // YAML 1.1 reads these as the same integer whatever tool loads them, so they are safe as text.
  static final Pattern LOOSE_BOOLEAN =
      Pattern.compile("(?i)y|n|yes|no|on|off|true|false");
  private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)");

  /** Reads and validates the profile at {@code file}; errors name the file as given. */
  public Profile load(Path file) throws ProfileException {
    String shown = file.toString();
    byte[] bytes;
    try {
      if (Files.isDirectory(file)) {
        throw new ProfileException(shown, "cannot read profile: is a directory");
      }
      // Refuse before reading: a UTF-8 code point takes at most 4 bytes.
      if (Files.size(file) > 4L * MAX_CODE_POINTS) {
        throw new ProfileException(shown, sizeLimitMessage());
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ProfileException(shown, "cannot read profile: " + IoReasons.describe(e), e);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (IOException e) {
      throw new ProfileException(shown, "cannot read profile: not valid UTF-8", e);
    }
    return parse(text, file);
  }

  /**
   * Validates {@code text} as the profile at {@code file}: {@code file} names the source in
   * errors and is the base for relative paths; it need not exist.
   */
  public Profile parse(String text, Path file) throws ProfileException {
    String shown = file.toString();
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    // SnakeYAML enforces the same limit, but only after scanning up to it.
    if (text.length() > MAX_CODE_POINTS
        && text.codePointCount(0, text.length()) > MAX_CODE_POINTS) {
      throw new ProfileException(shown, sizeLimitMessage());
    }
    LoaderOptions options = loaderOptions();
    // SnakeYAML's parts rather than its Yaml facade: the text is parsed once, and nothing of its
    // dumper (java.beans) is loaded, which was most of reading a profile.
    Composer composer = new Composer(new ParserImpl(new StreamReader(text), options), new Resolver(), options);
    Node root = null;
    try {
      while (composer.checkNode()) {
        Node doc = composer.getNode();
        if (root != null) {
          throw new Validator(shown, text, null).error(doc.getStartMark(),
              "a profile is one YAML document; remove the second one (after '---')");
        }
        root = doc;
      }
      if (root == null || (root instanceof ScalarNode s && s.getTag().equals(Tag.NULL))) {
        throw new ProfileException(shown, "profile is empty");
      }
      // The node tree carries the marks; the safe constructor runs its own checks on the same
      // tree (duplicate keys, unknown local tags) before it is trusted.
      // Its merge-key handling rewrites the mappings it reads, and the validator must see merge
      // keys to refuse them: a tree with one is checked on a second parse.
      Node checked = hasMergeKey(root, Collections.newSetFromMap(new IdentityHashMap<>()))
          ? new Composer(new ParserImpl(new StreamReader(text), options), new Resolver(), options).getSingleNode()
          : root;
      new SafeCheck(options).check(checked);
    } catch (MarkedYAMLException e) {
      throw fromSnakeYaml(shown, text, root, e);
    } catch (org.yaml.snakeyaml.reader.ReaderException e) {
      throw unreadableCharacter(shown, text, e);
    } catch (YAMLException e) {
      throw new ProfileException(shown, limitMessage(e), e);
    }
    Path absolute = file.toAbsolutePath().normalize();
    return new Validator(shown, text, absolute).profile(root);
  }

  /** The safe constructor, run over a composed tree for its checks only. */
  private static final class SafeCheck extends SafeConstructor {
    SafeCheck(LoaderOptions options) {
      super(options);
      // What the Yaml facade copies from the options; the constructor's own defaults allow duplicates.
      setAllowDuplicateKeys(options.isAllowDuplicateKeys());
      setWarnOnDuplicateKeys(options.isWarnOnDuplicateKeys());
      setWrappedToRootException(options.isWrappedToRootException());
    }

    void check(Node root) {
      constructDocument(root);
    }
  }

  private static LoaderOptions loaderOptions() {
    LoaderOptions o = new LoaderOptions();
    o.setAllowDuplicateKeys(false);
    o.setMaxAliasesForCollections(MAX_ALIASES);
    o.setNestingDepthLimit(MAX_NESTING);
    o.setCodePointLimit(MAX_CODE_POINTS);
    o.setAllowRecursiveKeys(false);
    o.setProcessComments(false);
    return o;
  }

  private static ProfileException fromSnakeYaml(
      String shown, String text, Node root, MarkedYAMLException e) {
    Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
    String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem().strip();
    if (e instanceof DuplicateKeyException && problem.startsWith("found duplicate key ")) {
      String constructed = problem.substring("found duplicate key ".length());
      String written = mark == null ? null
          : scalarAt(root, mark.getIndex(), Collections.newSetFromMap(new IdentityHashMap<>()));
      problem = "duplicate key '" + (written == null ? constructed : written) + "'";
      if (written != null && !written.equals(constructed)) {
        // ON and yes are different text but the same YAML 1.1 boolean.
        problem += ": YAML 1.1 reads it as " + constructed
            + ", like an earlier key; quote the keys to keep them apart";
      }
    } else {
      problem = lowerFirst(problem);
      Mark context = e.getContextMark();
      // "while parsing a flow sequence" says where the unfinished construct began.
      if (e.getContext() != null && context != null && mark != null
          && context.getIndex() != mark.getIndex()) {
        problem += " (" + e.getContext().strip() + " that starts at " + (context.getLine() + 1)
            + ":" + (context.getColumn() + 1) + ")";
      }
    }
    if (mark == null) {
      return new ProfileException(shown, problem, e);
    }
    SourceMark at = new SourceMark(shown, mark.getLine() + 1, mark.getColumn() + 1);
    return Snippets.error(text, at, problem, e);
  }

  private static boolean hasMergeKey(Node node, Set<Node> seen) {
    if (node == null || !seen.add(node)) {
      return false;
    }
    if (node instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode().getTag().equals(Tag.MERGE) || hasMergeKey(t.getKeyNode(), seen)
            || hasMergeKey(t.getValueNode(), seen)) {
          return true;
        }
      }
    } else if (node instanceof SequenceNode q) {
      for (Node n : q.getValue()) {
        if (hasMergeKey(n, seen)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The text of the scalar starting at {@code index}, searched for in the composed tree. */
  private static String scalarAt(Node node, int index, Set<Node> seen) {
    // Aliases share nodes and may even form cycles: visit each node once.
    if (node == null || !seen.add(node)) {
      return null;
    }
    if (node instanceof ScalarNode s) {
      return s.getStartMark().getIndex() == index ? s.getValue() : null;
    }
    List<Node> children = new ArrayList<>();
    if (node instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        children.add(t.getKeyNode());
        children.add(t.getValueNode());
      }
    } else if (node instanceof SequenceNode q) {
      children.addAll(q.getValue());
    }
    for (Node child : children) {
      String found = scalarAt(child, index, seen);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  /** A character YAML does not allow in a file (a NUL, most control characters), where it is. */
  private static ProfileException unreadableCharacter(String shown, String text,
      org.yaml.snakeyaml.reader.ReaderException e) {
    int at = Math.min(Math.max(text.offsetByCodePoints(0, Math.min(e.getPosition(),
        text.codePointCount(0, text.length()))), 0), text.length());
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < at; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    int column = text.codePointCount(lineStart, at) + 1;
    String problem = String.format("the character U+%04X is not allowed in a YAML file; remove it", e.getCodePoint());
    // The line may hold a secret around the character: no snippet.
    return new ProfileException(new SourceMark(shown, line, column), problem, "");
  }

  private static String limitMessage(YAMLException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    if (m.contains("aliases")) {
      return "alias limit exceeded: more than " + MAX_ALIASES
          + " aliases to collections (a guard against 'billion laughs' expansion)";
    }
    if (m.contains("Nesting Depth")) {
      return "nesting limit exceeded: collections nested deeper than " + MAX_NESTING + " levels";
    }
    if (m.contains("code points")) {
      return sizeLimitMessage();
    }
    if (m.contains("Recursive key")) {
      return "recursive keys are not allowed";
    }
    return "invalid YAML: " + m;
  }

  private static String sizeLimitMessage() {
    return "size limit exceeded: a profile may hold at most " + MAX_CODE_POINTS
        + " characters (1 MiB)";
  }

  private static String lowerFirst(String s) {
    if (s.length() > 1 && Character.isUpperCase(s.charAt(0))
        && Character.isLowerCase(s.charAt(1))) {
      return Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
    return s;
  }

  /** One validation pass over a composed profile; collects marks as it goes. */
  private static final class Validator {

    private final String shown;
    private final String text;
    private final Path file;
    private final Map<String, SourceMark> marks = new LinkedHashMap<>();

    Validator(String shown, String text, Path file) {
      this.shown = shown;
      this.text = text;
      this.file = file;
    }

    Profile profile(Node root) throws ProfileException {
      if (!(root instanceof MappingNode top)) {
        throw error(root, "a profile must be a mapping of keys (name:, classpath:, ...)");
      }
      String name = null;
      String java = null;
      Path workdir = null;
      String user = null;
      List<String> classpath = List.of();
      Node classpathKey = null;
      Node classpathValue = null;
      String jar = null;
      Node jarKey = null;
      String main = null;
      List<String> args = List.of();
      List<String> jvmOptions = List.of();
      Map<String, String> env = Map.of();
      List<Path> envFiles = List.of();
      TwinSettings twin = TwinSettings.empty();
      ProfileSource source = null;
      Map<String, Database> databases = new LinkedHashMap<>();
      String datasource = null;
      Node datasourceKey = null;

      for (Map.Entry<String, NodeTuple> e : keys(top, null, TOP_KEYS, TOP_NOT_YET).entrySet()) {
        Node k = e.getValue().getKeyNode();
        Node v = e.getValue().getValueNode();
        switch (e.getKey()) {
          case "name" -> {
            name = string("name", k, v);
            if (!NAME.matcher(name).matches()) {
              throw error(v, "'name' must match [a-z0-9][a-z0-9-]* (lower-case letters, digits "
                  + "and '-', not starting with '-')");
            }
          }
          case "java" -> java = string("java", k, v);
          case "workdir" -> workdir = path("workdir", v, string("workdir", k, v));
          case "user" -> user = string("user", k, v);
          case "classpath" -> {
            classpath = classpath(k, v);
            classpathKey = k;
            classpathValue = v;
          }
          case "jar" -> {
            jar = string("jar", k, v);
            jarKey = k;
          }
          case "main" -> main = string("main", k, v);
          case "args" -> args = stringList("args", v, false);
          case "jvm-options" -> jvmOptions = stringList("jvm-options", v, true);
          case "env" -> env = envMap("env", v);
          case "env-files" -> {
            List<String> files = stringList("env-files", v, true);
            List<Path> paths = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
              String key = "env-files[" + i + "]";
              paths.add(path(key, nodeAt(v, i), files.get(i)));
            }
            envFiles = paths;
          }
          case "twin" -> twin = twin(v);
          case "source" -> source = source(k, v);
          case "databases" -> databases = databases(v);
          case "datasource" -> {
            datasource = string("datasource", k, v);
            datasourceKey = k;
          }
          default -> throw new IllegalStateException("unhandled key " + e.getKey());
        }
      }
      if (datasource != null) {
        if (databases.containsKey("main")) {
          throw error(datasourceKey, "'datasource' makes database 'main', and 'databases' has a 'main' too; "
              + "keep one, or move the form under databases: with another name");
        }
        Map<String, Database> all = new LinkedHashMap<>();
        all.put("main", Database.ofForm("main", datasource));
        all.putAll(databases);
        databases = all;
      }

      if (name == null) {
        throw error(top, "missing required key 'name'");
      }
      if (classpathKey != null && jarKey != null) {
        Node later = index(classpathKey) > index(jarKey) ? classpathKey : jarKey;
        throw error(later, "'classpath' and 'jar' are mutually exclusive; keep one");
      }
      if (classpathKey == null && jarKey == null && source == null) {
        throw error(top, "one of 'classpath', 'jar' or 'source' is required");
      }
      if (classpathKey != null && classpath.isEmpty()) {
        throw error(classpathValue, "'classpath' is empty");
      }
      return new Profile(file, name, java, workdir, classpath, jar, main, args, jvmOptions, env,
          envFiles, user, twin, marks, source, databases);
    }

    /** {@code source:} with exactly one of pid, pid-file, match, systemd-unit. */
    private ProfileSource source(Node k, Node v) throws ProfileException {
      String expected = "'source' must be a mapping with one of: pid, pid-file, match, systemd-unit";
      if (isNull(v)) {
        throw error(k, "'source' has no value; " + expected.substring("'source' ".length()));
      }
      if (!(v instanceof MappingNode map)) {
        throw error(v, expected);
      }
      Map<String, NodeTuple> given = keys(map, "source", SOURCE_KEYS, List.of());
      if (given.size() != 1) {
        Node at = given.isEmpty() ? v : new ArrayList<>(given.values()).get(1).getKeyNode();
        throw error(at, given.isEmpty() ? expected
            : "'source' takes exactly one of pid, pid-file, match, systemd-unit; keep one");
      }
      Map.Entry<String, NodeTuple> only = given.entrySet().iterator().next();
      String key = "source." + only.getKey();
      Node valueNode = only.getValue().getValueNode();
      String value = string(key, only.getValue().getKeyNode(), valueNode);
      SourceMark at = marks.get(key);
      return switch (only.getKey()) {
        case "pid" -> {
          if (!value.matches("[1-9][0-9]{0,9}")) {
            throw error(valueNode, "'source.pid' must be a process id (a positive number)");
          }
          yield new ProfileSource(ProfileSource.Kind.PID, value, at);
        }
        case "pid-file" -> new ProfileSource(ProfileSource.Kind.PID_FILE,
            path(key, valueNode, value).toString(), at);
        case "match" -> new ProfileSource(ProfileSource.Kind.MATCH, value, at);
        default -> new ProfileSource(ProfileSource.Kind.SYSTEMD_UNIT, value, at);
      };
    }

    private Map<String, Database> databases(Node node) throws ProfileException {
      mark("databases", node);
      Map<String, Database> out = new LinkedHashMap<>();
      if (isNull(node)) {
        return out;
      }
      if (!(node instanceof MappingNode map)) {
        throw error(node, "'databases' must be a mapping of NAME: {url: ..., user: ..., mode: ...}");
      }
      for (NodeTuple t : map.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode k) || k.getTag().equals(Tag.MERGE)) {
          throw error(t.getKeyNode(), "database names must be plain text");
        }
        String name = k.getValue();
        if (!DATABASE_NAME.matcher(name).matches()) {
          throw error(k, "database name '" + abbreviate(name) + "' must match [a-z0-9][a-z0-9_-]*");
        }
        out.put(name, database(name, k, t.getValueNode()));
      }
      return out;
    }

    private Database database(String name, Node keyNode, Node node) throws ProfileException {
      String section = "databases." + name;
      mark(section, node);
      if (!(node instanceof MappingNode map)) {
        throw error(isNull(node) ? keyNode : node, "'" + section + "' must be a mapping (url:, user:, password:, "
            + "mode:, ...)");
      }
      Map<String, String> v = new LinkedHashMap<>();
      Node datasourceKey = null;
      String readOnlyUser = null;
      String readOnlyPassword = null;
      for (Map.Entry<String, NodeTuple> e : keys(map, section, DATABASE_KEYS, List.of()).entrySet()) {
        String key = e.getKey();
        String full = section + "." + key;
        Node k = e.getValue().getKeyNode();
        Node value = e.getValue().getValueNode();
        switch (key) {
          case "read-only" -> {
            mark(full, value);
            if (!(value instanceof MappingNode ro)) {
              throw error(isNull(value) ? k : value, "'" + full + "' must be a mapping of user: and password: "
                  + "(credentials of a SELECT-only role)");
            }
            for (Map.Entry<String, NodeTuple> r : keys(ro, full, List.of("user", "password"), List.of()).entrySet()) {
              String text = string(full + "." + r.getKey(), r.getValue().getKeyNode(), r.getValue().getValueNode());
              if (r.getKey().equals("user")) {
                readOnlyUser = text;
              } else {
                readOnlyPassword = text;
              }
            }
            if (readOnlyUser == null) {
              throw error(value, "'" + full + "' needs a user:");
            }
          }
          case "mode" -> {
            String mode = string(full, k, value);
            if (!MODES.contains(mode)) {
              throw error(value, "'" + full + "' must be read-only, sandbox or read-write"
                  + KeySuggester.suggest(mode, MODES).map(h -> "; did you mean '" + h + "'?").orElse(""));
            }
            v.put(key, mode);
          }
          case "statement-timeout", "lock-timeout" -> {
            String d = string(full, k, value);
            if (!SQL_DURATION.matcher(d).matches()) {
              throw error(value, "'" + full + "' must be a duration such as 500ms, 30s or 5m");
            }
            v.put(key, d);
          }
          case "max-rows", "fetch-size" -> {
            String n = string(full, k, value);
            if (!n.matches("[1-9][0-9]{0,8}")) {
              throw error(value, "'" + full + "' must be a positive whole number");
            }
            v.put(key, n);
          }
          default -> {
            if (key.equals("datasource")) {
              datasourceKey = k;
            }
            v.put(key, string(full, k, value));
          }
        }
      }
      if (v.containsKey("url") && datasourceKey != null) {
        throw error(datasourceKey, "'url' and 'datasource' are mutually exclusive in '" + section + "'; keep one");
      }
      if (!v.containsKey("url") && datasourceKey == null) {
        throw error(keyNode, "'" + section + "' needs a url: (a JDBC URL) or a datasource: form");
      }
      return new Database(name, v.get("url"), v.get("user"), v.get("password"),
          v.getOrDefault("mode", Database.DEFAULT_MODE), v.get("statement-timeout"), v.get("lock-timeout"),
          v.containsKey("max-rows") ? Integer.valueOf(v.get("max-rows")) : null,
          v.containsKey("fetch-size") ? Integer.valueOf(v.get("fetch-size")) : null, readOnlyUser, readOnlyPassword,
          v.get("datasource"));
    }

    private TwinSettings twin(Node node) throws ProfileException {
      mark("twin", node);
      if (isNull(node)) {
        return TwinSettings.empty();
      }
      if (!(node instanceof MappingNode map)) {
        throw error(node, "'twin' must be a mapping of settings (init:, heap:, ...)");
      }
      List<String> init = List.of();
      String heap = null;
      List<String> keep = List.of();
      Map<String, String> env = Map.of();
      List<String> unset = List.of();
      String idle = null;
      String lifetime = null;
      boolean requireReason = false;
      List<String> secretNames = List.of();
      List<String> allowedUsers = List.of();
      List<String> allowedGroups = List.of();
      List<String> extraClasspath = List.of();
      for (Map.Entry<String, NodeTuple> e : keys(map, "twin", TWIN_KEYS, TWIN_NOT_YET)
          .entrySet()) {
        Node k = e.getValue().getKeyNode();
        Node v = e.getValue().getValueNode();
        switch (e.getKey()) {
          case "init" -> init = stringList("twin.init", v, false);
          case "heap" -> {
            heap = string("twin.heap", k, v);
            if (!HEAP.matcher(heap).matches()) {
              throw error(v, "'twin.heap' must be a JVM size with a unit, such as 512m or 2g (a bare number would be bytes)");
            }
          }
          case "keep-options" -> keep = stringList("twin.keep-options", v, true);
          case "secret-names" -> secretNames = stringList("twin.secret-names", v, true);
          case "allowed-users", "allowed-groups" -> {
            List<String> names = stringList("twin." + e.getKey(), v, true);
            for (int i = 0; i < names.size(); i++) {
              if (!ACCOUNT_NAME.matcher(names.get(i)).matches()) {
                throw error(nodeAt(v, i), "'" + names.get(i) + "' is not a "
                    + (e.getKey().equals("allowed-users") ? "user" : "group") + " name");
              }
            }
            if (e.getKey().equals("allowed-users")) {
              allowedUsers = names;
            } else {
              allowedGroups = names;
            }
          }
          case "extra-classpath" -> {
            List<String> entries = stringList("twin.extra-classpath", v, true);
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
              String key = "twin.extra-classpath[" + i + "]";
              String entry = entries.get(i);
              boolean wildcard = entry.endsWith("/*");
              Path p = path(key, nodeAt(v, i), wildcard ? entry.substring(0, entry.length() - 2) : entry);
              if (!Files.exists(p)) {
                throw error(nodeAt(v, i), "'" + key + "': no such " + (wildcard ? "directory" : "file") + ": " + p);
              }
              paths.add(wildcard ? p + "/*" : p.toString());
            }
            extraClasspath = paths;
          }
          case "require-reason" -> {
            if (!(v instanceof ScalarNode b) || !List.of("true", "false").contains(b.getValue())) {
              throw error(v, "'twin.require-reason' must be true or false");
            }
            mark("twin.require-reason", v);
            requireReason = b.getValue().equals("true");
          }
          case "idle-timeout", "max-lifetime" -> {
            String d = string("twin." + e.getKey(), k, v);
            if (!DURATION.matcher(d).matches()) {
              throw error(v, "'twin." + e.getKey() + "' must be a duration such as 90s, 30m, 8h or 2d");
            }
            if (e.getKey().equals("idle-timeout")) {
              idle = d;
            } else {
              lifetime = d;
            }
          }
          case "env" -> env = envMap("twin.env", v);
          case "unset-env" -> {
            unset = stringList("twin.unset-env", v, true);
            for (int i = 0; i < unset.size(); i++) {
              if (!ENV_NAME.matcher(unset.get(i)).matches()) {
                throw error(nodeAt(v, i), badEnvName(unset.get(i)));
              }
            }
          }
          default -> throw new IllegalStateException("unhandled key " + e.getKey());
        }
      }
      return new TwinSettings(init, heap, keep, env, unset, idle, lifetime, requireReason, secretNames,
          allowedUsers, allowedGroups, extraClasspath);
    }

    /** The mapping's keys in document order, each known, supported and unique. */
    private Map<String, NodeTuple> keys(
        MappingNode map, String section, List<String> known, List<String> notYet)
        throws ProfileException {
      Map<String, NodeTuple> out = new LinkedHashMap<>();
      String where = section == null ? "" : " in '" + section + "'";
      for (NodeTuple t : map.getValue()) {
        Node k = t.getKeyNode();
        if (!(k instanceof ScalarNode ks)) {
          throw error(k, "keys must be plain text" + where);
        }
        if (ks.getTag().equals(Tag.MERGE)) {
          throw error(k, "merge keys ('<<') are not supported" + where);
        }
        String key = ks.getValue();
        if (notYet.contains(key)) {
          throw error(k, "'" + qualified(section, key) + "' is not supported yet");
        }
        if (!known.contains(key)) {
          List<String> all = new ArrayList<>(known);
          all.addAll(notYet);
          Optional<String> hint = KeySuggester.suggest(key, all);
          throw error(k, "unknown key '" + abbreviate(key) + "'" + where
              + hint.map(h -> "; did you mean '" + h + "'?").orElse(""));
        }
        if (out.put(key, t) != null) {
          throw error(k, "duplicate key '" + key + "'");
        }
      }
      return out;
    }

    private String string(String key, Node keyNode, Node value) throws ProfileException {
      if (!(value instanceof ScalarNode s)) {
        throw error(value, "'" + key + "' must be a string");
      }
      if (isNull(s)) {
        throw error(keyNode, "'" + key + "' has no value");
      }
      String text = text(s);
      if (text.isEmpty()) {
        throw error(value, "'" + key + "' is empty");
      }
      mark(key, value);
      return text;
    }

    private List<String> classpath(Node k, Node v) throws ProfileException {
      if (v instanceof ScalarNode s) {
        if (isNull(s)) {
          throw error(k, "'classpath' has no value");
        }
        mark("classpath", v);
        List<String> entries = new ArrayList<>();
        for (String entry : text(s).split(":", -1)) {
          if (entry.isEmpty()) {
            throw error(v, "'classpath' has an empty entry");
          }
          // A ':'-separated string is one node, so every entry shares its mark.
          mark("classpath[" + entries.size() + "]", v);
          entries.add(entry);
        }
        return entries;
      }
      if (!(v instanceof SequenceNode)) {
        throw error(v, "'classpath' must be a list of paths or a ':'-separated string");
      }
      return stringList("classpath", v, true);
    }

    private List<String> stringList(String key, Node node, boolean nonEmpty)
        throws ProfileException {
      mark(key, node);
      if (isNull(node)) {
        return List.of();
      }
      if (!(node instanceof SequenceNode seq)) {
        throw error(node, "'" + key + "' must be a list of strings");
      }
      List<String> out = new ArrayList<>();
      for (Node item : seq.getValue()) {
        String itemKey = key + "[" + out.size() + "]";
        if (!(item instanceof ScalarNode s)) {
          throw error(item, "'" + key + "' must be a list of strings");
        }
        if (isNull(s)) {
          throw error(item, "'" + itemKey + "' has no value");
        }
        String text = text(s);
        if (nonEmpty && text.isEmpty()) {
          throw error(item, "'" + itemKey + "' is empty");
        }
        mark(itemKey, item);
        out.add(text);
      }
      return out;
    }

    private Map<String, String> envMap(String key, Node node) throws ProfileException {
      mark(key, node);
      if (isNull(node)) {
        return Map.of();
      }
      String expected = "'" + key + "' must be a mapping of NAME: value";
      if (!(node instanceof MappingNode map)) {
        throw error(node, expected);
      }
      Map<String, String> out = new LinkedHashMap<>();
      for (NodeTuple t : map.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode k) || k.getTag().equals(Tag.MERGE)) {
          throw error(t.getKeyNode(), expected);
        }
        // Names are taken as written: ON or Y are good variable names, whatever YAML 1.1 says.
        String name = k.getValue();
        if (!ENV_NAME.matcher(name).matches()) {
          throw error(k, badEnvName(name));
        }
        Node v = t.getValueNode();
        if (!(v instanceof ScalarNode s)) {
          throw error(v, "'" + key + "." + name + "' must be a text (a variable holds one string), not a "
              + (v instanceof MappingNode ? "mapping" : "list"));
        }
        if (isNull(s)) {
          throw error(k, "'" + key + "." + name + "' has no value; write " + name
              + ": \"\" for an empty one");
        }
        if (out.put(name, text(s)) != null) {
          throw error(k, "duplicate key '" + name + "'");
        }
        mark(key + "." + name, v);
      }
      return out;
    }

    private Path path(String key, Node node, String text) throws ProfileException {
      try {
        return file.getParent().resolve(text).normalize();
      } catch (InvalidPathException e) {
        throw error(node, "'" + key + "' is not a valid path");
      }
    }

    /** The text of a scalar meant as a string, refusing what YAML 1.1 would read otherwise. */
    private String text(ScalarNode s) throws ProfileException {
      Tag tag = s.getTag();
      String value = s.getValue();
      if (value.indexOf('\0') >= 0) {
        // The operating system ends every argument and variable at a NUL: no process can be given one.
        throw error(s, "a NUL character (\\0) cannot be given to a process (as a variable, an option or an argument); "
            + "remove it");
      }
      if (tag.equals(Tag.STR)) {
        // SnakeYAML resolves only yes/Yes/YES and kin; YAML 1.1 also has y and n, other loaders
        // are looser about case, so the text is refused whenever some reader could see a boolean.
        if (s.isPlain() && LOOSE_BOOLEAN.matcher(value).matches()) {
          throw error(s, "'" + value + "' is read by YAML 1.1 as a boolean; quote it ("
              + YamlText.quote(value) + ") if you mean the text");
        }
        return value;
      }
      if (!s.isPlain()) {
        throw error(s, "'" + abbreviate(value) + "' is tagged " + shortTag(tag)
            + "; a string is expected here");
      }
      if (tag.equals(Tag.INT) && PLAIN_DECIMAL.matcher(value).matches()) {
        return value;
      }
      String reading;
      if (tag.equals(Tag.BOOL)) {
        reading = "a boolean";
      } else if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT)) {
        reading = "a number";
      } else if (tag.equals(Tag.TIMESTAMP)) {
        reading = "a date";
      } else {
        reading = shortTag(tag);
      }
      throw error(s, "'" + abbreviate(value) + "' is read by YAML 1.1 as " + reading
          + "; quote it (" + YamlText.quote(abbreviate(value)) + ") if you mean the text");
    }

    private static boolean isNull(Node node) {
      return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    private static Node nodeAt(Node seqOrScalar, int i) {
      return seqOrScalar instanceof SequenceNode seq ? seq.getValue().get(i) : seqOrScalar;
    }

    private static int index(Node n) {
      return n.getStartMark().getIndex();
    }

    private void mark(String key, Node node) {
      Mark m = node.getStartMark();
      marks.put(key, new SourceMark(shown, m.getLine() + 1, m.getColumn() + 1));
    }

    ProfileException error(Node node, String message) {
      return error(node.getStartMark(), message);
    }

    ProfileException error(Mark m, String message) {
      SourceMark at = new SourceMark(shown, m.getLine() + 1, m.getColumn() + 1);
      return Snippets.error(text, at, message, null);
    }

    private static String badEnvName(String name) {
      return "'" + abbreviate(name) + "' is not a valid environment variable name "
          + "(expected [A-Za-z_][A-Za-z0-9_]*)";
    }

    private static String qualified(String section, String key) {
      return section == null ? key : section + "." + key;
    }

    private static String shortTag(Tag tag) {
      String v = tag.getValue();
      return v.startsWith(Tag.PREFIX) ? "!!" + v.substring(Tag.PREFIX.length()) : v;
    }

    // Keeps one-line errors one line even when the offending text is long or multi-line.
    private static String abbreviate(String s) {
      String one = s.replace("\n", "\\n").replace("\r", "\\r");
      return one.length() <= 60 ? one : one.substring(0, 57) + "...";
    }
  }
}
