package twin.capture;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What /proc tells about one running process.
 *
 * @param pid the process id
 * @param cmdline its argv, as the kernel holds it
 * @param exe the executable it runs (the resolved java binary)
 * @param env its environment as it was at exec, in /proc order
 * @param cwd its working directory
 * @param uid its real uid
 * @param user the user name of {@code uid} from /etc/passwd, or the uid as a number when unknown
 */
public record LiveProcess(
    long pid,
    List<String> cmdline,
    Path exe,
    Map<String, String> env,
    Path cwd,
    long uid,
    String user) {

  /** Copies the collections. */
  public LiveProcess {
    cmdline = List.copyOf(cmdline);
    env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
  }
}
