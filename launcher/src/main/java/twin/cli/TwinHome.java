package twin.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import twin.ExitCodes;
import twin.TwinException;

/**
 * Where twin's own jars are: twin-runtime.jar and the bundled Clojure jars sit beside twin.jar
 * (launcher/target/twin in a checkout, /usr/share/twin when installed), or under $TWIN_HOME.
 */
record TwinHome(Path dir) {

  static TwinHome locate(Map<String, String> env) {
    String configured = env.get("TWIN_HOME");
    if (configured != null && !configured.isBlank()) {
      return new TwinHome(Path.of(configured));
    }
    try {
      Path jar = Path.of(TwinHome.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return new TwinHome(Files.isDirectory(jar) ? jar : jar.getParent());
    } catch (URISyntaxException | SecurityException e) {
      throw new TwinException(ExitCodes.INTERNAL, "cannot tell where twin is installed; set TWIN_HOME");
    }
  }

  Path runtimeJar() {
    Path jar = dir.resolve("twin-runtime.jar");
    if (!Files.isRegularFile(jar)) {
      throw new TwinException(ExitCodes.INTERNAL, "twin is not installed completely: " + jar
          + " is missing (build with 'mvn package', or set TWIN_HOME)");
    }
    return jar;
  }

  List<Path> clojureJars() {
    List<Path> jars = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir.resolve("clojure"), "*.jar")) {
      stream.forEach(jars::add);
    } catch (IOException e) {
      throw new TwinException(ExitCodes.INTERNAL, "twin is not installed completely: no Clojure jars in "
          + dir.resolve("clojure"));
    }
    jars.sort(null);
    return jars;
  }
}
