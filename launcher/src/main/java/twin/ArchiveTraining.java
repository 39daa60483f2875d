package twin;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import twin.cli.Cli;

/**
 * The training run behind the launcher's class-data archive ({@code bin/twin} makes it once per
 * jar and java): builds the whole command tree, renders help, and loads every class of the jar
 * without running it, so that any command finds its classes in the archive. Reads no profile,
 * no environment and no user input, so the archive holds nothing of this host.
 */
public final class ArchiveTraining {
  private ArchiveTraining() {}

  public static void main(String[] args) throws IOException {
    PrintWriter sink = new PrintWriter(Writer.nullWriter());
    Cli.create(sink, sink).execute("launch", "--help");
    Warmup.run();
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
}
