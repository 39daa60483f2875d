package twin.supervisor;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import twin.ExitCodes;
import twin.Locations;
import twin.Os;
import twin.TwinException;
import twin.plan.LaunchPlan;
import twin.protocol.Frame;
import twin.protocol.FrameType;

/**
 * Owns one running twin: its private directory, the private channel it connects out to, the
 * process, and its end. The twin JVM listens on nothing; it reaches the supervisor through a
 * socket in a 0700 directory, proves itself with a token and its uid, and is killed when the
 * supervisor ends.
 */
public final class Supervisor implements AutoCloseable, SessionOpener {
  private static final long CONNECT_TIMEOUT_MS = 120_000;
  private static final long BOOT_TIMEOUT_MS = 120_000;

  private final LaunchPlan plan;
  private final TwinProcess process;
  private final TwinConnection connection;
  private final boolean keepFiles;
  private final String clojureVersion;
  private volatile boolean closed;

  private Supervisor(LaunchPlan plan, TwinProcess process, TwinConnection connection, boolean keepFiles,
      String clojureVersion) {
    this.plan = plan;
    this.process = process;
    this.connection = connection;
    this.keepFiles = keepFiles;
    this.clojureVersion = clojureVersion;
  }

  /**
   * Starts the twin and waits until its REPL machinery is loaded. {@code serviceOut} receives the
   * service's own stdout and stderr lines.
   */
  public static Supervisor start(LaunchPlan plan, long invokingUid, boolean keepFiles,
      Consumer<String> serviceOut) {
    return start(plan, invokingUid, keepFiles, serviceOut, Map.of());
  }

  /**
   * Like {@link #start(LaunchPlan, long, boolean, Consumer)}, first writing {@code files} (name to
   * text, e.g. the databases file) into the twin's private directory, readable by the twin only.
   */
  public static Supervisor start(LaunchPlan plan, long invokingUid, boolean keepFiles,
      Consumer<String> serviceOut, Map<String, String> files) {
    long twinUid = ownerUid(plan, invokingUid);
    boolean switchUser = twinUid != invokingUid;
    Path privateDir = plan.privateDir();
    // A twin running as another user must be able to pass through the runtime dir to its own.
    Locations.ensureRuntimeDir(privateDir.getParent(), switchUser);
    Locations.ensurePrivateDir(privateDir, "rwx------");
    ServerSocketChannel server = null;
    TwinProcess process = null;
    try {
      Files.createDirectories(privateDir.resolve("tmp"));
      Files.createDirectories(privateDir.resolve("logs"));
      if (switchUser) {
        chownTree(privateDir, twinUid, gidOf(plan));
      }
      // The JVM boots while the channel is set up: the twin reads its token before it connects.
      HeldOutput output = new HeldOutput(serviceOut);
      process = TwinProcess.start(plan, output, output);
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path file = privateDir.resolve(f.getKey());
        Files.deleteIfExists(file);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, f.getValue(), StandardCharsets.UTF_8);
      }
      server = UnixSockets.bindPrivate(plan.channelSocket());
      if (switchUser) {
        chownTree(privateDir, twinUid, gidOf(plan));
      }
      String token = HexFormat.of().formatHex(SecureRandom.getInstanceStrong().generateSeed(16));
      process.handOver(token);
      TwinConnection connection = connect(server, process, privateDir);
      Files.deleteIfExists(plan.channelSocket());
      Frame hello = connection.readHello();
      if (hello == null || hello.type() != FrameType.HELLO
          || !MessageDigest.isEqual(hello.field(0).getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
        throw new TwinException(ExitCodes.FAILED, "the process on the twin channel did not prove it is the twin; refusing it");
      }
      TwinProcess started = process;
      connection.startReader(() -> endReason(started));
      String version = awaitBoot(connection, process);
      output.release();
      if (plan.archive().create() != null) {
        TwinProcess.spawnQuietly(plan.archive().trainingCommand(plan));
      }
      return new Supervisor(plan, process, connection, keepFiles, version);
    } catch (IOException | java.security.GeneralSecurityException e) {
      cleanupAfterFailure(process, privateDir, keepFiles);
      throw new TwinException(ExitCodes.FAILED, "cannot set up the twin's private channel in " + privateDir + ": "
          + (e instanceof IOException io ? Os.reason(io) : e.getMessage()), e);
    } catch (RuntimeException e) {
      cleanupAfterFailure(process, privateDir, keepFiles);
      throw e;
    } finally {
      closeQuietly(server);
    }
  }

  private static long ownerUid(LaunchPlan plan, long invokingUid) {
    for (String w : plan.wrapper()) {
      if (w.startsWith("--reuid=")) {
        return Long.parseLong(w.substring("--reuid=".length()));
      }
    }
    return invokingUid;
  }

  private static long gidOf(LaunchPlan plan) {
    for (String w : plan.wrapper()) {
      if (w.startsWith("--regid=")) {
        return Long.parseLong(w.substring("--regid=".length()));
      }
    }
    return -1;
  }

  private static TwinConnection connect(ServerSocketChannel server, TwinProcess process, Path privateDir)
      throws IOException {
    // Closing the server socket is how a dead twin or a timeout breaks the blocking accept.
    process.onExit().thenRun(() -> closeQuietly(server));
    Thread timer = new Thread(() -> {
      try {
        Thread.sleep(CONNECT_TIMEOUT_MS);
        closeQuietly(server);
      } catch (InterruptedException ignored) {
        // connected in time
      }
    }, "twin-connect-timeout");
    timer.setDaemon(true);
    timer.start();
    SocketChannel channel;
    try {
      channel = server.accept();
    } catch (IOException e) {
      throw startFailure(process);
    } finally {
      timer.interrupt();
    }
    UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
    UserPrincipal owner = Files.getOwner(privateDir, LinkOption.NOFOLLOW_LINKS);
    if (!peer.user().equals(owner)) {
      channel.close();
      throw new TwinException(ExitCodes.NOT_PERMITTED, "a process of user " + peer.user().getName()
          + " connected to the twin channel instead of the twin; refusing it");
    }
    return new TwinConnection(channel);
  }

  private static TwinException startFailure(TwinProcess process) {
    try {
      // Let the stderr pump drain what the dying JVM wrote.
      process.onExit().get(5, TimeUnit.SECONDS);
      Thread.sleep(200);
    } catch (Exception ignored) {
      // report what we have
    }
    if (process.isAlive()) {
      return new TwinException(ExitCodes.FAILED, "the twin JVM did not connect within "
          + CONNECT_TIMEOUT_MS / 1000 + " s", tail(process), null);
    }
    return new TwinException(ExitCodes.FAILED, "the twin JVM exited at start (exit code " + process.exitCode() + ")",
        tail(process), null);
  }

  /** Why the channel ended, from the process's exit once it is known. */
  private static String endReason(TwinProcess process) {
    try {
      process.onExit().get(2, TimeUnit.SECONDS);
    } catch (Exception stillRunning) {
      return "the twin JVM closed its channel";
    }
    int code = process.exitCode();
    // -XX:+ExitOnOutOfMemoryError, which every twin gets, exits with status 3.
    String why = code == 3 ? ": it ran out of heap (raise --heap or twin.heap)" : "";
    return "the twin JVM exited (exit code " + code + ")" + why;
  }

  private static String tail(TwinProcess process) {
    List<String> lines = process.lastOutput();
    if (lines.isEmpty()) {
      return "(it printed nothing)";
    }
    return "its last lines of output:\n  " + String.join("\n  ", lines);
  }

  private static String awaitBoot(TwinConnection connection, TwinProcess process) {
    long deadline = System.currentTimeMillis() + BOOT_TIMEOUT_MS;
    try {
      while (System.currentTimeMillis() < deadline) {
        Frame f = connection.control().poll(250, TimeUnit.MILLISECONDS);
        if (f == null) {
          continue;
        }
        switch (f.type()) {
          case BOOTED:
            return f.field(0);
          case BOOT_FAILED:
            throw new TwinException(ExitCodes.FAILED, "the twin cannot start a REPL: " + f.field(0));
          case CLOSED:
            throw startFailure(process);
          default:
            break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new TwinException(ExitCodes.FAILED, "the twin did not load Clojure within " + BOOT_TIMEOUT_MS / 1000 + " s");
  }

  @Override
  public TwinSession openSession(String kind, SessionListener listener) {
    if (connection.isClosed()) {
      throw new TwinException(ExitCodes.FAILED, "the twin JVM is gone (exit code " + process.exitCode() + ")");
    }
    return connection.open(kind, listener);
  }

  /** Runs {@code action} once the twin JVM has exited, whatever the reason. */
  public void onTwinExit(Runnable action) {
    process.onExit().thenRun(action);
  }

  public LaunchPlan plan() {
    return plan;
  }

  public long twinPid() {
    return process.pid();
  }

  public String clojureVersion() {
    return clojureVersion;
  }

  public boolean isTwinAlive() {
    return process.isAlive() && !connection.isClosed();
  }

  /** What sessions still open are told when the twin ends next: why it ends (a stop, its lifetime). */
  public void endingBecause(String why) {
    connection.setCloseReason("the twin ended: " + why);
  }

  /** Ends the twin: asks it to exit, kills it if it does not, and removes its private files. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    connection.send(Frame.of(0, FrameType.SHUTDOWN));
    process.stop(5000);
    connection.close();
    if (!keepFiles) {
      deleteTree(plan.privateDir());
    }
  }

  private static void cleanupAfterFailure(TwinProcess process, Path privateDir, boolean keepFiles) {
    if (process != null) {
      process.stop(0);
    }
    if (!keepFiles) {
      deleteTree(privateDir);
    }
  }

  private static void chownTree(Path dir, long uid, long gid) throws IOException {
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        chown(d);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
        chown(f);
        return FileVisitResult.CONTINUE;
      }

      private void chown(Path p) throws IOException {
        Files.setAttribute(p, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
        if (gid >= 0) {
          Files.setAttribute(p, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
        }
      }
    });
  }

  public static void deleteTree(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(f);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      System.err.println("twin: warning: could not remove " + dir + ": " + Os.reason(e));
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception ignored) {
      // best effort
    }
  }
}
