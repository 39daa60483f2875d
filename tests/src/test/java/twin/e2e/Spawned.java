package twin.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real child process whose stdout and stderr are pumped into memory as they come, so a test can
 * wait for a line, read what was printed so far, and always kill the whole process tree.
 */
final class Spawned implements AutoCloseable {
  private final String description;
  private final Process process;
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private final Thread outPump;
  private final Thread errPump;

  private Spawned(String description, Process process) {
    this.description = description;
    this.process = process;
    this.outPump = pump(process.getInputStream(), stdout, "stdout of " + description);
    this.errPump = pump(process.getErrorStream(), stderr, "stderr of " + description);
  }

  /** Starts {@code builder}; {@code stdin} is written and closed at once (null: closed empty). */
  static Spawned start(ProcessBuilder builder, String stdin) {
    String description = String.join(" ", builder.command());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new AssertionError("cannot start " + description + ": " + e, e);
    }
    Spawned spawned = new Spawned(description, process);
    try (OutputStream in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // The process may have ended already; what it printed tells why.
    }
    return spawned;
  }

  private static Thread pump(InputStream from, ByteArrayOutputStream to, String name) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try (from) {
        int n;
        while ((n = from.read(buffer)) >= 0) {
          synchronized (to) {
            to.write(buffer, 0, n);
          }
        }
      } catch (IOException e) {
        // stream closed: the process ended or was killed
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String stdout() {
    synchronized (stdout) {
      return stdout.toString(StandardCharsets.UTF_8);
    }
  }

  String stderr() {
    synchronized (stderr) {
      return stderr.toString(StandardCharsets.UTF_8);
    }
  }

  /** Waits until stdout contains {@code text}; fails if the process ends first or time runs out. */
  void awaitStdout(String text, Duration timeout) {
    Host.await(timeout, "'" + text + "' on the stdout of " + description, () -> {
      if (stdout().contains(text)) {
        return true;
      }
      if (!process.isAlive() && !stdout().contains(text)) {
        fail("%s ended (exit code %d) before printing '%s'%n%s", description, process.exitValue(), text, dump());
      }
      return false;
    }, this::dump);
  }

  /** Waits for the process to end; on timeout kills its whole tree and fails the test. */
  TwinCli.Result await(Duration timeout) {
    boolean ended;
    try {
      ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      killTree();
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + description, e);
    }
    if (!ended) {
      killTree();
      joinPumps();
      fail("%s did not end within %s; killed its process tree%n%s", description, timeout, dump());
    }
    joinPumps();
    return new TwinCli.Result(process.exitValue(), stdout(), stderr());
  }

  private void joinPumps() {
    try {
      outPump.join(5_000);
      errPump.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Kills the process and every descendant (children first are collected before the parent dies). */
  void killTree() {
    var descendants = process.descendants().toList();
    process.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  String dump() {
    return "--- command: " + description + "\n--- stdout:\n" + stdout() + "\n--- stderr:\n" + stderr();
  }

  @Override
  public void close() {
    if (process.isAlive() || process.descendants().findAny().isPresent()) {
      killTree();
    }
  }
}
