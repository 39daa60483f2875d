package twin;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import twin.cli.Cli;
import twin.cli.Direct;

/**
 * The training run behind the launcher's class-data archive ({@code bin/twin} makes it once per
 * jar and java): builds the whole command tree, renders help, plans the warm-up's built-in
 * profile, launches one twin in a sandbox, and loads every class of the jar, so that any command
 * finds its classes in the archive. Reads no profile and no user input, so the archive holds
 * nothing of this host.
 */
public final class ArchiveTraining {
  private ArchiveTraining() {}

  /** {@code ArchiveTraining [SANDBOX]}: with a sandbox, also one real launch inside it. */
  public static void main(String[] args) throws IOException {
    PrintWriter sink = new PrintWriter(Writer.nullWriter());
    Cli.create(sink, sink).execute("launch", "--help");
    Warmup.run();
    if (args.length == 1) {
      launchIn(Path.of(args[0]).toAbsolutePath(), System.getenv(), sink);
    }
    Path jar = Path.of(System.getProperty("java.class.path"));
    ClassLoader loader = ArchiveTraining.class.getClassLoader();
    int loaded = 0;
    try (JarFile file = new JarFile(jar.toFile())) {
      for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
        String name = e.nextElement().getName();
        if (!name.endsWith(".class") || name.startsWith("META-INF/") || name.endsWith("module-info.class")) {
          continue;
        }
        try {
          Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
          loaded++;
        } catch (LinkageError | ClassNotFoundException optional) {
          // a class of an optional dependency twin does not ship (JLine's JNA and Jansi providers)
        }
      }
    }
    System.out.println(loaded);
  }

  /**
   * {@code twin eval} of a twin of twin's own Clojure, as a launch does it: the profile read, the
   * plan, the process, the private channel, the token, the transcript, the printed result. What
   * only a launch loads (sockets, process handling, secure random, the JDK's lambdas and method
   * handles on that path) is most of what a fresh twin's launcher loaded outside the archive.
   * It runs only when twin's directories are all inside the sandbox, so no transcript or twin of
   * it lands in the user's; its classpath is a directory, so that twin gets no archive of its own.
   */
  static void launchIn(Path sandbox, Map<String, String> env, PrintWriter sink) throws IOException {
    for (String name : new String[] {"TWIN_RUNTIME_DIR", "TWIN_STATE_DIR", "TWIN_CACHE_DIR"}) {
      String dir = env.get(name);
      if (dir == null || !Path.of(dir).toAbsolutePath().normalize().startsWith(sandbox)) {
        return;
      }
    }
    Path classes = Files.createDirectories(sandbox.resolve("classes"));
    Path profile = sandbox.resolve("archive-training.yaml");
    Files.writeString(profile, String.join("\n",
        "name: archive-training",
        "java: " + Path.of(System.getProperty("java.home"), "bin", "java"),
        "workdir: " + sandbox,
        "classpath: [" + classes + "]",
        "main: archive.Training",
        "env: {TRAINING: \"1\"}",
        "twin:",
        "  init: [\"(def x 1)\"]",
        ""));
    // As a user's command line runs: picocli's model is not built for it (twin.cli.Direct).
    Direct.execute(new String[] {"eval", profile.toString(), "(+ 1 2)"}, sink, sink);
  }
}
