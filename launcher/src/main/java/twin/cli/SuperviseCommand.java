package twin.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import twin.ExitCodes;
import twin.Os;
import twin.client.Printer;
import twin.client.TwinLocator;
import twin.plan.LaunchPlan;
import twin.secret.Redactor;
import twin.supervisor.ControlServer;
import twin.supervisor.SharedAccess;
import twin.supervisor.Supervisor;

/**
 * The background supervisor of a detached twin ({@code twin launch --detach} starts it; not for
 * direct use): it starts the twin, serves its socket, enforces the idle timeout and the maximum
 * lifetime, and ends the twin when any of those, a stop request or the twin's death comes first.
 */
@Command(name = "supervise", hidden = true, description = "Internal: the supervisor of a detached twin.")
public final class SuperviseCommand implements Callable<Integer> {
  /** Sessions are warned this long before the twin ends. */
  static final Duration WARNING = Duration.ofMinutes(1);

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "PROFILE")
  String profile;

  @Option(names = "--id", required = true)
  String id;

  @Option(names = "--heap")
  String heap;

  @Option(names = "--scope")
  boolean scope;

  @Option(names = "--idle-timeout", required = true)
  String idleTimeout;

  @Option(names = "--max-lifetime", required = true)
  String maxLifetime;

  @Option(names = "--reason")
  String reason;

  @Option(names = "--allow-writes")
  boolean allowWrites;

  @Override
  public Integer call() throws Exception {
    PrintWriter log = spec.commandLine().getErr();
    Duration idle = Durations.parse("--idle-timeout", idleTimeout);
    Duration lifetime = Durations.parse("--max-lifetime", maxLifetime);
    Environment world = Environment.current();
    Launches.Prepared prepared = Launches.prepare(world, profile, heap, scope, id);
    LaunchPlan plan = prepared.plan();
    Redactor redactor = prepared.redactor();
    Path runtime = world.locations().runtimeDir();
    Path dir = TwinLocator.twinsDir(runtime).resolve(id);
    twin.profile.TwinSettings settings = prepared.profile().twin();
    // Unknown users or groups, or no setfacl: refused before any JVM starts.
    SharedAccess access = SharedAccess.resolve(settings.allowedUsers(), settings.allowedGroups());
    if (!access.isEmpty()) {
      SharedAccess.tool("setfacl");
    }
    // twin launch --detach made these already; under systemd (twin@.service) nobody has.
    twin.Locations.ensureRuntimeDir(runtime, false);
    twin.Locations.ensurePrivateDir(TwinLocator.twinsDir(runtime), "rwx------");
    twin.Locations.ensurePrivateDir(dir, "rwx------");
    Printer printer = Launches.printer(log, log, redactor);
    logLine(log, "supervisor of " + id + " starting (profile " + plan.profileFile() + ")");

    Supervisor supervisor = Supervisor.start(plan, Os.uid(), false, line -> logLine(log, "service: " + redactor.redact(line)),
        Launches.privateFiles(prepared, allowWrites));
    AtomicReference<ControlServer> bound = new AtomicReference<>();
    // SIGTERM or SIGHUP: the same end as any other, run by the JVM's shutdown instead of finally.
    Thread cleanup = new Thread(() -> {
      if (bound.get() != null) {
        bound.get().close();
      }
      supervisor.close();
      Supervisor.deleteTree(dir);
      revoke(access, runtime, log);
    }, "twin-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    CountDownLatch end = new CountDownLatch(1);
    AtomicReference<String> why = new AtomicReference<>();
    ControlServer server = null;
    Path keep = null;
    try {
      Launches.runInit(Launches.recorder(plan, redactor).recording(supervisor,
          twin.audit.ClientInfo.self(reason, "init")), plan, printer);
      server = ControlServer.bind(supervisor, dir.resolve("twin.sock"), redactor, line -> logLine(log, line),
          Launches.recorder(plan, redactor));
      bound.set(server);
      server.setSharedAccess(access);
      access.grant(runtime, TwinLocator.twinsDir(runtime), dir, dir.resolve("twin.sock"));
      if (!access.isEmpty()) {
        logLine(log, "shared with " + access + " (POSIX ACL entries on the socket and its directories)");
      }
      server.setReason(reason);
      server.setRequireReason(prepared.profile().twin().requireReason());
      server.onStopRequest(() -> finish(why, end, "stopped on request"));
      supervisor.onTwinExit(() -> finish(why, end, TWIN_EXITED));
      ControlServer served = server;
      Thread accept = new Thread(served::serve, "twin-accept");
      accept.setDaemon(true);
      accept.start();
      logLine(log, "twin " + id + " ready: pid " + supervisor.twinPid() + ", socket " + dir.resolve("twin.sock"));
      watch(served, idle, lifetime, why, end);
      String ending = why.get();
      if (TWIN_EXITED.equals(ending)) {
        // It crashed or ran out of heap: the log is the post-mortem, and goes where it stays.
        Path kept = keptLog(world, id);
        if (kept != null) {
          keep = kept;
          ending += "; its log is kept in " + kept;
        }
      }
      served.broadcast("this twin is ending: " + ending);
      supervisor.endingBecause(why.get());
      logLine(log, "twin " + id + " ending: " + why.get());
      return ExitCodes.OK;
    } finally {
      if (server != null) {
        server.close();
      }
      supervisor.close();
      Launches.removeHook(cleanup);
      if (keep != null) {
        copyLog(dir.resolve("supervisor.log"), keep, log);
      }
      Supervisor.deleteTree(dir);
      revoke(access, runtime, log);
    }
  }

  /** The ACL entries on the shared directories that no twin needs any more go with this one. */
  private static void revoke(SharedAccess access, Path runtime, PrintWriter log) {
    String failed = access.revoke(runtime, TwinLocator.twinsDir(runtime));
    if (failed != null) {
      logLine(log, "could not take back the ACL entries of " + access + " on " + runtime + ": " + failed);
    }
  }

  /** Waits for the end, warning sessions a minute before a timeout ends the twin. */
  private static void watch(ControlServer server, Duration idle, Duration lifetime, AtomicReference<String> why,
      CountDownLatch end) throws InterruptedException {
    Instant deadline = Instant.now().plus(lifetime);
    boolean warnedLifetime = false;
    while (!end.await(250, TimeUnit.MILLISECONDS)) {
      Duration left = Duration.between(Instant.now(), deadline);
      if (left.isNegative() || left.isZero()) {
        finish(why, end, "its maximum lifetime (" + Durations.format(lifetime) + ") is over");
      } else if (!warnedLifetime && left.compareTo(WARNING) <= 0 && lifetime.compareTo(WARNING) > 0) {
        server.broadcast("this twin ends in " + Math.max(1, left.toSeconds()) + " s: its maximum lifetime is nearly over");
        warnedLifetime = true;
      }
      // Idle means no session is attached, so there is nobody to warn before an idle end.
      if (server.idleMillis() >= idle.toMillis()) {
        finish(why, end, "it was idle for " + Durations.format(idle));
      }
    }
  }

  static final String TWIN_EXITED = "the twin JVM exited";

  /**
   * Where the log of a twin that ended on its own (a crash, out of heap) is kept: the state dir's
   * {@code logs/ID.log}, its directory 0700; null when there is no log file (under systemd the
   * log is the journal) or no such directory can be made.
   */
  private static Path keptLog(Environment world, String id) {
    Path logs = world.locations().stateDir().resolve("logs");
    try {
      twin.Locations.ensurePrivateDir(logs, "rwx------");
    } catch (RuntimeException e) {
      return null;
    }
    return logs.resolve(id + ".log");
  }

  private static void copyLog(Path from, Path to, PrintWriter log) {
    logLine(log, "twin log kept in " + to);
    try {
      if (Files.isRegularFile(from)) {
        Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(to, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      }
    } catch (java.io.IOException e) {
      logLine(log, "cannot keep the log in " + to + ": " + Os.reason(e));
    }
  }

  private static void finish(AtomicReference<String> why, CountDownLatch end, String reason) {
    why.compareAndSet(null, reason);
    end.countDown();
  }

  private static void logLine(PrintWriter log, String line) {
    synchronized (log) {
      log.println(Instant.now() + " " + line);
      log.flush();
    }
  }

}
