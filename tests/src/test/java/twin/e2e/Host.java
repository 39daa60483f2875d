package twin.e2e;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** The host as the tests see it: bounded polling, ports, /proc and signals. */
final class Host {
  /** The class every twin JVM runs as its main. */
  static final String TWIN_MAIN = "twin.runtime.TwinMain";

  private Host() {}

  /** Polls {@code condition} every 100 ms until it holds; fails after {@code timeout}. */
  static void await(Duration timeout, String what, BooleanSupplier condition) {
    await(timeout, what, condition, () -> "");
  }

  /** As {@link #await(Duration, String, BooleanSupplier)}, adding {@code details} to the failure. */
  static void await(Duration timeout, String what, BooleanSupplier condition, Supplier<String> details) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after %s waiting for %s%n%s", timeout, what, details.get());
      }
      sleep(Duration.ofMillis(100));
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** A TCP port on 127.0.0.1 that nothing listens on right now. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new AssertionError("cannot find a free port", e);
    }
  }

  /** Whether something accepts TCP connections on 127.0.0.1:{@code port}. */
  static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** GET http://127.0.0.1:{@code port}{@code path}: the status and the body. */
  static String httpGet(int port, String path) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
      c.setConnectTimeout(2_000);
      c.setReadTimeout(5_000);
      int status = c.getResponseCode();
      byte[] body = (status < 400 ? c.getInputStream() : c.getErrorStream()).readAllBytes();
      c.disconnect();
      return status + " " + new String(body, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "no answer: " + e;
    }
  }

  /** A process's command line from /proc, arguments joined by spaces; empty if it is gone. */
  static String cmdline(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
      return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim();
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The pids of live twin JVMs under {@code runtimeDir}: processes whose command line holds
   * {@link #TWIN_MAIN} and that directory (the twin's channel lives in it). Zombies have an empty
   * command line and do not count.
   */
  static List<Long> twinPids(Path runtimeDir) {
    List<Long> pids = new ArrayList<>();
    String dir = runtimeDir.toString();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        String name = entry.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String cmd = cmdline(Long.parseLong(name));
        if (cmd.contains(TWIN_MAIN) && cmd.contains(dir)) {
          pids.add(Long.parseLong(name));
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot list /proc", e);
    }
    return pids;
  }

  /**
   * The listening sockets {@code pid} holds open: TCP (IPv4 and IPv6) sockets in state LISTEN and
   * unix sockets that accept connections, as lines of /proc/net/{tcp,tcp6,unix}.
   */
  static List<String> listeningSockets(long pid) {
    List<String> inodes = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring("socket:[".length(), target.length() - 1));
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException e) {
      throw new AssertionError("cannot list the descriptors of " + pid, e);
    }
    List<String> listening = new ArrayList<>();
    for (String table : List.of("tcp", "tcp6")) {
      for (String[] row : procNet(pid, table)) {
        // local_address rem_address st ... inode: st 0A is LISTEN
        if (row.length > 9 && row[3].equals("0A") && inodes.contains(row[9])) {
          listening.add(table + ": " + String.join(" ", row));
        }
      }
    }
    for (String[] row : procNet(pid, "unix")) {
      // Num RefCount Protocol Flags Type St Inode Path: flag 00010000 is __SO_ACCEPTCON
      if (row.length > 6 && (Long.parseLong(row[3], 16) & 0x10000) != 0 && inodes.contains(row[6])) {
        listening.add("unix: " + String.join(" ", row));
      }
    }
    return listening;
  }

  private static List<String[]> procNet(long pid, String table) {
    try {
      return Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table)).stream()
          .skip(1).map(l -> l.strip().split("\\s+")).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Describes processes for a failure message. */
  static String describe(List<Long> pids) {
    StringBuilder sb = new StringBuilder();
    for (long pid : pids) {
      sb.append(pid).append(": ").append(cmdline(pid)).append('\n');
    }
    return sb.toString();
  }

  /** Kills (SIGKILL) any twin JVM left under {@code runtimeDir}: cleanup after a failed test. */
  static void killTwins(Path runtimeDir) {
    for (long pid : twinPids(runtimeDir)) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** Sends {@code signal} (TERM, HUP, KILL, ...) to {@code pid} with kill(1). */
  static void signal(long pid, String signal) {
    Ran kill = run(new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).redirectErrorStream(true),
        Duration.ofSeconds(10));
    if (!kill.ended()) {
      fail("kill -s %s %d did not end", signal, pid);
    }
    if (kill.exitCode() != 0) {
      fail("kill -s %s %d failed: %s", signal, pid, kill.text());
    }
  }

  /** What a helper command did: whether it ended in time, its exit code, what it printed. */
  record Ran(boolean ended, int exitCode, byte[] output) {
    String text() {
      return new String(output, StandardCharsets.UTF_8);
    }
  }

  /**
   * Runs a helper command with stdin closed, reads its output (stdout, and stderr where the
   * builder merges it) and waits up to {@code timeout}; one that has not ended by then is killed.
   * A command that cannot start is an {@link java.io.UncheckedIOException}.
   */
  static Ran run(ProcessBuilder builder, Duration timeout) {
    try {
      Process p = builder.start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return new Ran(false, -1, out);
      }
      return new Ran(true, p.exitValue(), out);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
