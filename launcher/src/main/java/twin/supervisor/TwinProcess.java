package twin.supervisor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.StartedProcess;
import org.zeroturnaround.exec.stream.LogOutputStream;
import twin.ExitCodes;
import twin.TwinException;
import twin.plan.LaunchPlan;

/**
 * The one class that starts and ends processes. It starts the twin JVM exactly as the plan says,
 * with exactly the plan's environment (nothing inherited from the launcher), hands it the
 * channel token on stdin, pumps its output line by line, and makes sure it dies with us.
 */
public final class TwinProcess {
  private static final int KEPT_LINES = 20;

  private final Process process;
  private final Deque<String> lastOutput;
  private final HeldInput stdin;
  private final Thread killer;

  private TwinProcess(Process process, Deque<String> lastOutput, HeldInput stdin) {
    this.process = process;
    this.lastOutput = lastOutput;
    this.stdin = stdin;
    // Exit, SIGTERM and SIGHUP of the launcher run this; a SIGKILL of the launcher closes the
    // channel instead, and the twin halts by itself.
    this.killer = new Thread(process::destroyForcibly, "twin-process-killer");
    Runtime.getRuntime().addShutdownHook(killer);
  }

  /**
   * Starts the twin. {@code stdout} and {@code stderr} receive the service's own output, line by
   * line; it never shares a stream with the REPL's protocol. The twin waits for its channel
   * token on stdin before it connects anywhere ({@link #handOver}), so the supervisor can set up
   * the channel while the JVM boots.
   */
  public static TwinProcess start(LaunchPlan plan, Consumer<String> stdout, Consumer<String> stderr) {
    HeldInput stdin = new HeldInput();
    ProcessExecutor executor = new ProcessExecutor()
        .command(plan.argv())
        .directory(plan.workdir().toFile())
        .redirectInput(stdin);
    // zt-exec adds to the inherited environment; a null value removes a variable.
    for (String name : System.getenv().keySet()) {
      if (!plan.env().containsKey(name)) {
        executor.environment(name, null);
      }
    }
    executor.environment(plan.env());
    Deque<String> lastOutput = new ArrayDeque<>();
    // Both streams: a JVM that cannot start (a heap it cannot reserve) says why on stdout.
    executor.redirectOutput(lines(line -> {
      keep(lastOutput, line);
      stdout.accept(line);
    }));
    executor.redirectError(lines(line -> {
      keep(lastOutput, line);
      stderr.accept(line);
    }));
    try {
      StartedProcess started = executor.start();
      return new TwinProcess(started.getProcess(), lastOutput, stdin);
    } catch (IOException e) {
      // zt-exec's messages quote the environment; never pass them on.
      throw new TwinException(ExitCodes.FAILED, "cannot start the twin JVM (" + plan.java() + "): "
          + (e.getCause() != null ? e.getCause().getClass().getSimpleName() : e.getClass().getSimpleName()));
    }
  }

  /** Gives the twin its channel token, once the channel is ready for it: its whole stdin. */
  public void handOver(String token) {
    stdin.release((token + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Stdin that blocks until it is released: zt-exec's pump thread waits here, then copies the
   * bytes, then stdin ends. A twin killed before it gets a token ends the wait with nothing.
   */
  private static final class HeldInput extends java.io.InputStream {
    private final java.util.concurrent.CompletableFuture<byte[]> bytes = new java.util.concurrent.CompletableFuture<>();
    private ByteArrayInputStream in;

    void release(byte[] content) {
      bytes.complete(content);
    }

    private ByteArrayInputStream in() throws IOException {
      if (in == null) {
        try {
          in = new ByteArrayInputStream(bytes.get());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("no token");
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IOException(e.getCause());
        }
      }
      return in;
    }

    @Override
    public int read() throws IOException {
      return in().read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return in().read(b, off, len);
    }
  }

  private static LogOutputStream lines(Consumer<String> sink) {
    return new LogOutputStream() {
      @Override
      protected void processLine(String line) {
        sink.accept(line);
      }
    };
  }

  private static void keep(Deque<String> lines, String line) {
    synchronized (lines) {
      lines.addLast(line);
      while (lines.size() > KEPT_LINES) {
        lines.removeFirst();
      }
    }
  }

  /** The twin's last lines of output (stdout and stderr), for telling why it died. */
  public List<String> lastOutput() {
    synchronized (lastOutput) {
      return new ArrayList<>(lastOutput);
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  /** The exit code, or -1 while it runs. */
  public int exitCode() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  /** Waits up to {@code graceMillis} for the twin to end by itself, then kills it. */
  public void stop(long graceMillis) {
    stdin.release(new byte[0]);
    try {
      if (!process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
        process.destroy();
        if (!process.waitFor(2, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException shuttingDown) {
      // already running the hooks
    }
  }

  /**
   * Starts a detached supervisor: in a session of its own (it survives the terminal), stdin from
   * /dev/null, stdout and stderr appended to {@code log}. Returns its process.
   */
  public static Process spawnDetached(List<String> command, Path workdir, Path log) {
    List<String> argv = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      argv.add("/usr/bin/setsid");
    }
    argv.addAll(command);
    try {
      return new ProcessBuilder(argv).directory(workdir.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      throw new TwinException(ExitCodes.FAILED, "cannot start the twin's supervisor: " + e.getMessage());
    }
  }

  /**
   * Starts a background helper (a class-data archive's training run) in its own session, with an
   * empty environment but PATH, and forgets it: it finishes on its own even after twin exits.
   */
  public static void spawnQuietly(List<String> command) {
    List<String> argv = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      argv.add("/usr/bin/setsid");
    }
    argv.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(argv)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().clear();
    builder.environment().put("PATH", "/usr/bin:/bin");
    try {
      builder.start();
    } catch (IOException e) {
      // no archive this time: only speed is lost
    }
  }

  /** Runs a short helper command (e.g. logger), ignoring its output and any failure. */
  public static void runQuietly(List<String> command) {
    try {
      new ProcessExecutor().command(command).timeout(5, TimeUnit.SECONDS).execute();
    } catch (Exception ignored) {
      // best effort by design: the caller's own record is what counts
    }
  }

  /** What a short helper command did: its exit code and its output (stdout and stderr). */
  public record Outcome(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** The output's first non-blank line, for a one-line error. */
    public String firstLine() {
      return output.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("exit code " + exitCode);
    }
  }

  /**
   * Runs a short helper command whose result matters (e.g. setfacl, getent). A command that cannot
   * run at all is an error.
   */
  public static Outcome runChecked(List<String> command) {
    try {
      org.zeroturnaround.exec.ProcessResult r = new ProcessExecutor().command(command).readOutput(true)
          .redirectErrorStream(true).timeout(10, TimeUnit.SECONDS).execute();
      return new Outcome(r.getExitValue(), r.outputUTF8());
    } catch (IOException e) {
      throw TwinException.failed("cannot run " + command.get(0) + ": " + twin.Os.reason(e));
    } catch (Exception e) {
      throw TwinException.failed(command.get(0) + " did not finish: " + e.getClass().getSimpleName());
    }
  }

  /** What {@code java -version} prints, for binaries without a release file. */
  public static String javaVersionOutput(Path java) {
    try {
      return new ProcessExecutor().command(java.toString(), "-version")
          .redirectErrorStream(true).readOutput(true).timeout(30, TimeUnit.SECONDS)
          .environment(Map.of()).execute().outputUTF8();
    } catch (Exception e) {
      throw TwinException.usage("cannot run " + java + " -version: " + e.getClass().getSimpleName());
    }
  }
}
