package twin.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import twin.Os;
import twin.TwinException;
import twin.plan.ArgFiles;
import twin.secret.Redactor;

/**
 * A java command line taken apart as the {@code java} launcher reads it: JVM options, then a
 * classpath and main class or a {@code -jar}, then the application's arguments.
 *
 * @param java argv[0] as written
 * @param jvmOptions the JVM options in order, one element each; an option given with a separate
 *     value ({@code --add-opens X}) is joined into its {@code --name=value} form, and the classpath
 *     options are not among them
 * @param classpath the entries of the last {@code -cp}/{@code -classpath}/{@code --class-path},
 *     as written ({@code lib/*} stays); empty when none was given or the service runs a jar
 * @param jar the {@code -jar} argument as written, or null
 * @param main the main class, or null when the service runs a jar
 * @param args the application's arguments
 */
public record JavaCommandLine(
    String java,
    List<String> jvmOptions,
    List<String> classpath,
    String jar,
    String main,
    List<String> args) {

  // Options the java launcher reads with their value in the next argument (or after '=').
  private static final Set<String> CLASSPATH_OPTIONS = Set.of("-cp", "-classpath", "--class-path");
  private static final Set<String> VALUE_OPTIONS = Set.of("-p", "--module-path", "--add-opens",
      "--add-exports", "--add-reads", "--add-modules", "--limit-modules", "--patch-module",
      "--upgrade-module-path", "--enable-native-access");
  private static final Set<String> MODULE_OPTIONS = Set.of("-m", "--module");

  /** Copies the lists. */
  public JavaCommandLine {
    jvmOptions = List.copyOf(jvmOptions);
    classpath = List.copyOf(classpath);
    args = List.copyOf(args);
  }

  /**
   * Parses {@code argv} (argv[0] is java). {@code @argfile} arguments before the main class are
   * expanded first, read relative to {@code cwd} (the process's working directory).
   *
   * @throws TwinException (exit 2) when argv[0] is not java, the service runs a main module, or
   *     there is no main class or jar
   */
  public static JavaCommandLine parse(List<String> argv, Path cwd) {
    if (argv.isEmpty()) {
      throw TwinException.usage("the process has an empty command line");
    }
    String java = argv.get(0);
    if (!isJava(java)) {
      throw TwinException.usage("the process runs '" + basename(java) + "', not java (a wrapper script?): "
          + "capture the JVM itself, with --pid of its java child process or with --match TEXT");
    }
    Deque<String> rest = new ArrayDeque<>(argv.subList(1, argv.size()));
    List<String> options = new ArrayList<>();
    List<String> classpath = new ArrayList<>();
    boolean argFiles = true;
    while (!rest.isEmpty()) {
      String a = rest.removeFirst();
      if (argFiles && a.startsWith("@@")) {
        // '@@x' is the launcher's escape for a literal '@x'.
        a = a.substring(1);
      } else if (argFiles && a.startsWith("@") && a.length() > 1) {
        List<String> tokens = ArgFiles.tokenize(readArgFile(cwd, a));
        for (int i = tokens.size() - 1; i >= 0; i--) {
          rest.addFirst(tokens.get(i));
        }
        continue;
      }
      if (a.equals("--disable-@files")) {
        argFiles = false;
        options.add(a);
      } else if (CLASSPATH_OPTIONS.contains(a)) {
        classpath = entries(value(a, rest));
      } else if (a.startsWith("--class-path=")) {
        classpath = entries(a.substring("--class-path=".length()));
      } else if (MODULE_OPTIONS.contains(a) || a.startsWith("--module=")) {
        throw TwinException.usage("the service runs a main module (" + a + " ...); twin supports -cp and "
            + "-jar launches: write the profile by hand with classpath: and main:");
      } else if (a.equals("-jar")) {
        String jar = value(a, rest);
        return new JavaCommandLine(java, options, List.of(), jar, null, List.copyOf(rest));
      } else if (VALUE_OPTIONS.contains(a)) {
        String name = a.equals("-p") ? "--module-path" : a;
        options.add(name + "=" + value(a, rest));
      } else if (a.startsWith("-")) {
        options.add(a);
      } else if (a.endsWith(".java")) {
        throw TwinException.usage("the service runs a source file (" + a + "); twin supports -cp and -jar "
            + "launches of compiled classes");
      } else {
        return new JavaCommandLine(java, options, classpath, null, a, List.copyOf(rest));
      }
    }
    throw TwinException.usage("the java command line has no main class and no -jar: " + shown(argv));
  }

  /** Whether {@code argv0} names the java launcher ({@code java} or {@code /path/to/java}). */
  public static boolean isJava(String argv0) {
    return basename(argv0).equals("java");
  }

  /** The main class, else the jar's file name, else null: what the service runs, for people. */
  public String runs() {
    if (main != null) {
      return main;
    }
    return jar == null ? null : "-jar " + jar;
  }

  /** {@code argv} joined by spaces for messages, with secret option values masked. */
  static String shown(List<String> argv) {
    return String.join(" ", Redactor.none().redactArgs(argv));
  }

  static String basename(String path) {
    int slash = path.lastIndexOf('/');
    return slash < 0 ? path : path.substring(slash + 1);
  }

  private static String value(String option, Deque<String> rest) {
    if (rest.isEmpty()) {
      throw TwinException.usage("the java command line ends after " + option + ", which takes a value");
    }
    return rest.removeFirst();
  }

  // The launcher treats an empty classpath element as the current directory.
  private static List<String> entries(String classpath) {
    List<String> out = new ArrayList<>();
    for (String e : classpath.split(":", -1)) {
      out.add(e.isEmpty() ? "." : e);
    }
    return out;
  }

  private static String readArgFile(Path cwd, String option) {
    Path file = cwd == null ? Path.of(option.substring(1)) : cwd.resolve(option.substring(1));
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw TwinException.usage("cannot read the argument file " + file + " (" + option + "): " + Os.reason(e));
    }
  }
}
