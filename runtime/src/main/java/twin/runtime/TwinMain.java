package twin.runtime;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import twin.protocol.ChannelStreams;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import twin.protocol.Frame;
import twin.protocol.FrameIO;
import twin.protocol.FrameWriter;
import twin.protocol.FrameType;

/**
 * The twin JVM's main: never the service's. It connects out to the supervisor's private socket,
 * proves it is the child the supervisor started, loads Clojure's REPL machinery and serves
 * sessions until the supervisor ends it or goes away. It listens on no socket.
 */
public final class TwinMain {
  private static final PrintStream LOG = System.err;
  /**
   * The training run's exit code when the classpath must not be archived (it has a user.clj); the
   * launcher's ClassDataArchive remembers it. A compile-time constant: the launcher's copy is
   * inlined, so twin.jar needs no class of the runtime for it.
   */
  public static final int ARCHIVE_REFUSED = 10;

  private TwinMain() {}

  public static void main(String[] args) {
    if (args.length == 1 && args[0].equals("--archive")) {
      // A training run for a class-data archive: load what every twin loads, run no user code, exit.
      if (ClassLoader.getSystemResource("user.clj") != null) {
        // Clojure loads user.clj when it starts: that is the service's code, which a training run
        // never runs. The launcher remembers this classpath gets no archive.
        LOG.println("twin-runtime: no class-data archive: the classpath has a user.clj, which Clojure runs when it starts");
        System.exit(ARCHIVE_REFUSED);
      }
      // The twin's own start path, so that what it loads and links is archived too.
      ignoreTerminalSignals();
      touchChannel();
      String problem;
      try {
        problem = startClojureLoad().get();
      } catch (ExecutionException | InterruptedException e) {
        LOG.println("twin-runtime: Clojure failed to load: " + e.getCause());
        System.exit(1);
        return;
      }
      if (problem == null) {
        Sessions sessions = new Sessions(new FrameWriter(java.io.OutputStream.nullOutputStream(), "twin-training-writer", e -> { }));
        sessions.loadReplHelpersForTraining();
        try {
          sessions.evaluateForTraining();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      System.exit(problem == null ? 0 : 1);
    }
    if (args.length != 1) {
      LOG.println("twin-runtime: usage: twin.runtime.TwinMain CHANNEL-SOCKET (started by twin, not by hand)");
      System.exit(2);
    }
    // Service code must never read the supervisor's pipe: Clojure binds *in* to System.in when it
    // loads, so the pipe is swapped out first and only the handshake reads it.
    InputStream supervisorPipe = System.in;
    System.setIn(new ByteArrayInputStream(new byte[0]));
    // Clojure loads while the twin shakes hands with the supervisor: the two are its whole start,
    // and Clojure's load is the longer, so it starts first.
    FutureTask<String> clojure = startClojureLoad();
    ignoreTerminalSignals();
    String token;
    try {
      token = readToken(supervisorPipe);
    } catch (IOException e) {
      LOG.println("twin-runtime: cannot read the handshake from the supervisor: " + e.getMessage());
      Runtime.getRuntime().halt(4);
      return;
    }

    SocketChannel channel;
    try {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
    } catch (IOException e) {
      LOG.println("twin-runtime: cannot reach the supervisor at " + args[0] + ": " + e.getMessage());
      Runtime.getRuntime().halt(4);
      return;
    }
    // A broken channel means the supervisor is gone: a twin never outlives it.
    FrameWriter wire = new FrameWriter(ChannelStreams.output(channel), "twin-channel-writer",
        e -> Runtime.getRuntime().halt(0));
    DataInputStream in =
        new DataInputStream(new BufferedInputStream(ChannelStreams.input(channel), 1 << 16));
    try {
      wire.send(Frame.of(0, FrameType.HELLO, token, Long.toString(ProcessHandle.current().pid()),
          System.getProperty("java.version")));
      Sessions sessions = boot(wire, clojure);
      serve(in, wire, sessions);
    } catch (IOException e) {
      // The supervisor is gone; a twin never outlives it.
    }
    Runtime.getRuntime().halt(0);
  }

  /**
   * Starts loading Clojure on its own thread, and the locale data beside it. The future's value
   * is null when Clojure loaded, or what is missing from the classpath ({@link ClojureCheck}), in
   * which case nothing of Clojure was loaded.
   */
  static FutureTask<String> startClojureLoad() {
    FutureTask<String> clojure = new FutureTask<>(new ClojureLoad());
    Thread loader = new Thread(clojure, "twin-clojure-load");
    loader.setDaemon(true);
    loader.start();
    Thread locale = new Thread(new LocaleWarmUp(), "twin-locale-warm-up");
    locale.setDaemon(true);
    locale.start();
    return clojure;
  }

  /** Checks the classpath, then loads Clojure and the prepl. Named classes, not lambdas: the archive holds them. */
  private static final class ClojureLoad implements java.util.concurrent.Callable<String> {
    @Override
    public String call() {
      String problem = ClojureCheck.problem();
      if (problem == null) {
        Sessions.loadClojure();
      }
      return problem;
    }
  }

  /**
   * The compiler's first class file formats its debug info with String.format, whose first use
   * loads the locale data (10 ms or so): done beside Clojure's load, not in the first form's time.
   */
  private static final class LocaleWarmUp implements Runnable {
    @Override
    public void run() {
      String.format("%d", 0);
    }
  }

  /**
   * For the training run: the socket channel classes a twin loads to reach its supervisor (a
   * connect to a socket that does not exist; nothing is sent anywhere).
   */
  private static void touchChannel() {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ChannelStreams.input(channel);
      ChannelStreams.output(channel);
      channel.connect(UnixDomainSocketAddress.of(Path.of("/nonexistent/twin-training.sock")));
    } catch (IOException | RuntimeException expected) {
      // the connect fails; its classes are loaded
    }
  }

  private static Sessions boot(FrameWriter wire, FutureTask<String> clojure) throws IOException {
    Sessions sessions;
    try {
      String problem = clojure.get();
      if (problem != null) {
        wire.send(Frame.of(0, FrameType.BOOT_FAILED, problem));
        return null;
      }
      sessions = new Sessions(wire);
    } catch (ExecutionException e) {
      wire.send(Frame.of(0, FrameType.BOOT_FAILED, "Clojure failed to load: " + e.getCause()));
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      wire.send(Frame.of(0, FrameType.BOOT_FAILED, "interrupted while Clojure loaded"));
      return null;
    }
    wire.send(Frame.of(0, FrameType.BOOTED, sessions.clojureVersion()));
    try {
      sessions.installReplHelpers();
    } catch (RuntimeException | LinkageError e) {
      // Sessions still work; only doc, source, pprint and the like are missing from user.
      LOG.println("twin-runtime: the REPL helpers (doc, source, pprint) failed to load: " + e);
    }
    return sessions;
  }

  private static void serve(DataInputStream in, FrameWriter wire, Sessions sessions) throws IOException {
    for (Frame frame = FrameIO.read(in); frame != null; frame = FrameIO.read(in)) {
      if (frame.type() == FrameType.SHUTDOWN) {
        wire.finish();
        exitSoon();
        return;
      }
      if (sessions == null) {
        continue;
      }
      switch (frame.type()) {
        case OPEN -> sessions.open(frame.session(), frame.field(0));
        case EVAL -> sessions.feed(frame.session(), frame.field(0));
        case INTERRUPT -> sessions.interrupt(frame.session());
        case CLOSE -> sessions.close(frame.session(), twin.protocol.Notices.CLIENT_GONE.equals(frame.field(0)));
        default -> LOG.println("twin-runtime: unexpected frame " + frame.type());
      }
    }
  }

  /** Runs shutdown hooks but never lets one hold the twin alive. */
  private static void exitSoon() {
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(5000);
      } catch (InterruptedException ignored) {
        // exiting anyway
      }
      Runtime.getRuntime().halt(0);
    }, "twin-exit-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    System.exit(0);
  }

  private static String readToken(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
      sb.append((char) c);
      if (sb.length() > 256) {
        throw new IOException("handshake too long");
      }
    }
    return sb.toString();
  }

  /**
   * The twin runs in its own session, but a terminal's Ctrl-C must never end it even if a
   * signal reaches it: interrupts come through the channel instead.
   */
  @SuppressWarnings("restriction")
  private static void ignoreTerminalSignals() {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("INT"), sun.misc.SignalHandler.SIG_IGN);
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      // Platform without SIGINT handling: the supervisor's process group isolation still holds.
    }
  }

  static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
