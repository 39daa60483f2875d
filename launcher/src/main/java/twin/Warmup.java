package twin;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import twin.client.TwinLocator;
import twin.plan.DatabaseConfig;
import twin.plan.LaunchPlan;
import twin.plan.LaunchPlanner;
import twin.plan.PlanOptions;
import twin.plan.ServiceFacts;
import twin.profile.Profile;
import twin.profile.ProfileException;
import twin.profile.ProfileLoader;
import twin.secret.Redactor;

/**
 * Runs, on the second core, what the main thread will run next: reading a profile, planning,
 * masking, the security providers and sockets of a launch. The first run of any code in a fresh
 * JVM pays for initializing its classes, linking its lambdas and compiling its patterns; done
 * here while the main thread builds the command line (picocli's reflection) or plans, the main
 * thread finds it done. It uses a built-in profile and made-up facts: it reads no file, starts
 * nothing, prints nothing, and a failure only costs speed.
 */
public final class Warmup {
  /** The commands that plan a twin from a profile. */
  static final Set<String> PLANNING = Set.of("launch", "eval", "run", "sql");
  /** The commands that read profiles without planning a twin: they get the reading part. */
  static final Set<String> READING = Set.of("profiles", "diff", "doctor", "systemd");

  private static final String PROFILE = """
      name: warm-up
      java: /nonexistent/bin/java
      workdir: /nonexistent
      classpath: [app.jar, "lib/*"]
      main: warm.Up
      jvm-options:
        - -Xmx1g
        - -Dfile.encoding=UTF-8
        - "-Dclojure.server.repl={:port 5555 :accept clojure.core.server/repl}"
        - -javaagent:/nonexistent/agent.jar
      env: {PORT: "8080", API_TOKEN: "x", DATABASE_URL: "postgres://u:p@localhost/db", OTEL_SERVICE_NAME: x}
      twin:
        init: ["(def x 1)"]
        heap: 64m
      databases:
        main: {url: "jdbc:sqlite:${DB}", mode: read-only, max-rows: 10}
      """;

  private Warmup() {}

  /**
   * Starts the warm-up in the background, when there is something to do ahead of the main thread.
   * <ul>
   *   <li>When picocli reads the command line: what picocli needs of the JDK, then, while picocli
   *       builds its model, reading a profile (for the commands that read them) or planning (for
   *       the commands that plan a twin), then what a launch needs after its plan.
   *   <li>For the command lines {@code twin.cli.Direct} runs, the main thread reads and plans at
   *       once: the same reading or planning here only took CPU from it. A launch gets what it
   *       needs after its plan, on this thread while the main thread plans.
   * </ul>
   * Not for a command that names a running twin by its id: it plans nothing, and the warm-up only
   * took CPU from it (a median 8 ms of a 215 ms {@code twin eval ID}).
   */
  public static void startFor(String[] args, boolean picocli) {
    String command = args.length >= 1 ? args[0] : "";
    if (!picocli && !PLANNING.contains(command)) {
      return;
    }
    Thread thread = new Thread(new Ahead(command, args.length >= 2 ? args[1] : null, picocli), "twin-warm-up");
    thread.setDaemon(true);
    thread.start();
  }

  /** The warm-up thread's work, in the order the main thread will need it. A class, not a lambda: the archive holds it. */
  private static final class Ahead implements Runnable {
    private final String command;
    private final String target;
    private final boolean picocli;

    Ahead(String command, String target, boolean picocli) {
      this.command = command;
      this.target = target;
      this.picocli = picocli;
    }

    @Override
    public void run() {
      if (picocli) {
        aheadOfPicocli();
      }
      if (READING.contains(command) && picocli) {
        read();
      } else if (PLANNING.contains(command) && target != null && !namesRunningTwin(target)) {
        // The check reads the runtime dir: on this thread too, not before the main thread starts.
        if (picocli) {
          Warmup.run();
        }
        launching();
      }
    }
  }

  /**
   * What a launch needs after its plan, initialized ahead: the JDK's security providers (the twin's
   * id and token, the archive's key, the transcript's hash chain: about 25 ms the first time in a
   * launch), and its unix-domain sockets (which make their own random source for temporary names).
   */
  static void launching() {
    try {
      new SecureRandom().nextInt();
      SecureRandom.getInstanceStrong();
      MessageDigest.getInstance("SHA-256").digest(new byte[1]);
      ServerSocketChannel.open(StandardProtocolFamily.UNIX).close();
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      // only speed is lost
    }
  }

  /**
   * What picocli does on every start that does not depend on the command line, done ahead of it
   * on the second core: its built-in converters' registration initializes {@code java.time}'s
   * formatters (by reflection on {@code MonthDay.parse} and the like), and its scan of each
   * command's class hierarchy reads the annotations of {@code Object}'s methods, which makes the
   * JDK generate a proxy class per annotation type ({@code @IntrinsicCandidate},
   * {@code @Deprecated}, {@code @Documented}). The main thread then finds both done.
   */
  static void aheadOfPicocli() {
    try {
      for (java.lang.reflect.Method method : Object.class.getDeclaredMethods()) {
        method.getDeclaredAnnotations();
      }
      java.time.MonthDay.of(1, 1);
      java.time.YearMonth.of(2000, 1);
    } catch (RuntimeException e) {
      // only speed is lost
    }
  }

  /** The locator's first probe: a twin id is a directory holding the twin's socket. */
  private static boolean namesRunningTwin(String target) {
    try {
      Path dir = TwinLocator.idDir(TwinLocator.twinsDir(Locations.from(System.getenv(), Os.uid()).runtimeDir()), target);
      return dir != null && Files.exists(dir.resolve("twin.sock"), LinkOption.NOFOLLOW_LINKS);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Reading the built-in profile: SnakeYAML's scanner, parser and composer, the profile's checks,
   * and the JDK's logger lookup that SnakeYAML's constructor makes (a service-loader scan).
   */
  static Profile read() {
    try {
      return new ProfileLoader().parse(PROFILE, Path.of("/nonexistent/warm-up.yaml"));
    } catch (ProfileException | RuntimeException e) {
      return null; // only speed is lost
    }
  }

  /** One pass over the planning code with the built-in profile; also the archive's training. */
  public static void run() {
    try {
      Path dir = Path.of("/nonexistent");
      Profile profile = read();
      if (profile == null) {
        return;
      }
      ServiceFacts facts = new ServiceFacts(dir.resolve("bin/java"), "17", dir, profile.jvmOptions(),
          List.of("/nonexistent/app.jar"), false, profile.env(), List.of(),
          new ServiceFacts.TargetUser("nobody", 65534, 65534), ServiceFacts.HostTools.none());
      PlanOptions options = new PlanOptions("warm-up-000000", dir.resolve("twin-runtime.jar"),
          List.of(dir.resolve("clojure.jar")), dir.resolve("run"), 65534, "nobody", null, false);
      LaunchPlan plan = LaunchPlanner.plan(profile, facts, options);
      Redactor redactor = LaunchPlanner.redactor(profile, plan);
      redactor.redact("postgres://u:p@localhost/db x");
      redactor.stream().feed("x");
      DatabaseConfig.render(profile, "nobody", false);
    } catch (RuntimeException e) {
      // only speed is lost
    }
  }
}
