package twin.client;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import twin.ExitCodes;
import twin.TwinException;
import twin.protocol.ChannelStreams;
import twin.protocol.Frame;
import twin.protocol.FrameIO;
import twin.protocol.FrameType;
import twin.protocol.FrameWriter;
import twin.supervisor.SessionListener;
import twin.supervisor.SessionOpener;
import twin.supervisor.TwinSession;

/**
 * A detached twin reached through its supervisor's socket: one connection per session, plus
 * short ones for status and stop. The socket is checked by {@link TwinLocator} before any
 * connection is made.
 */
public final class RemoteTwin implements SessionOpener {
  /**
   * How long a supervisor may take to accept a connection and answer a status or stop request, or
   * to open a session (its first prompt). It answers those from memory in milliseconds; one that
   * takes this long is stopped (SIGSTOP, a debugger) or starved. Evaluations are never bounded:
   * a long query is legitimate.
   */
  public static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);

  private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "twin-answer-watchdog");
    t.setDaemon(true);
    return t;
  });

  private final TwinLocator.Entry entry;
  private final String reason;

  RemoteTwin(TwinLocator.Entry entry) {
    this(entry, null);
  }

  private RemoteTwin(TwinLocator.Entry entry, String reason) {
    this.entry = entry;
    this.reason = reason;
  }

  /** The same twin, with the reason its sessions give for the transcript. */
  public RemoteTwin withReason(String why) {
    return new RemoteTwin(entry, why);
  }

  public TwinLocator.Entry entry() {
    return entry;
  }

  private SocketChannel connect() {
    try {
      return SocketChannel.open(StandardProtocolFamily.UNIX);
    } catch (IOException e) {
      throw new TwinException(ExitCodes.INTERNAL, "cannot open a unix socket: " + e.getMessage());
    }
  }

  /**
   * Closes {@code channel} unless {@link Deadline#met} comes within {@link #ANSWER_TIMEOUT}: a
   * blocked connect or read then ends, and {@link Deadline#missed} tells the failure from others.
   */
  static final class Deadline {
    private final AtomicBoolean missed = new AtomicBoolean();
    private final ScheduledFuture<?> timer;

    Deadline(SocketChannel channel) {
      timer = WATCHDOG.schedule(() -> {
        missed.set(true);
        try {
          channel.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }, ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    void met() {
      timer.cancel(false);
    }

    boolean missed() {
      return missed.get();
    }
  }

  /** The error for a supervisor that did not answer in time, with its pid when /proc shows it. */
  public TwinException notAnswering() {
    return notAnswering("");
  }

  private TwinException notAnswering(String more) {
    Optional<Long> pid = supervisorPid(entry.id());
    return new TwinException(ExitCodes.FAILED, "twin " + entry.id() + " did not answer within "
        + ANSWER_TIMEOUT.toSeconds() + " s (its supervisor" + pid.map(p -> " pid " + p).orElse("")
        + " may be stopped or overloaded)" + more.replace("PID", pid.map(Object::toString).orElse("PID")));
  }

  /** The supervisor of twin {@code id}: the process running {@code twin.Main supervise --id ID}. */
  public static Optional<Long> supervisorPid(String id) {
    try (var procs = Files.list(Path.of("/proc"))) {
      for (Path proc : (Iterable<Path>) procs::iterator) {
        String name = proc.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8);
          if (("\0" + cmdline).contains("\0supervise\0--id\0" + id + "\0")) {
            return Optional.of(Long.parseLong(name));
          }
        } catch (IOException | SecurityException e) {
          // gone meanwhile, or not ours to read
        }
      }
    } catch (IOException e) {
      // no /proc: the message goes without the pid
    }
    return Optional.empty();
  }

  /**
   * Connects and asks one thing (a status, a stop), waiting at most {@link #ANSWER_TIMEOUT} for
   * the first reply frame; null when the supervisor closed the connection without one.
   */
  private Frame ask(SocketChannel channel, Frame request) throws IOException {
    Deadline deadline = new Deadline(channel);
    try {
      channel.connect(UnixDomainSocketAddress.of(entry.socket()));
      DataInputStream in = new DataInputStream(new BufferedInputStream(ChannelStreams.input(channel)));
      FrameIO.write(new java.io.DataOutputStream(ChannelStreams.output(channel)), request);
      return FrameIO.read(in);
    } catch (IOException e) {
      if (deadline.missed()) {
        // A stopped supervisor reads what was sent once it resumes: a stop then still happens.
        throw notAnswering(request.type() == FrameType.STOP
            ? "; the stop takes effect if it resumes, and kill -KILL PID ends it and its twin now" : "");
      }
      throw e;
    } finally {
      deadline.met();
    }
  }

  /** The supervisor's status fields: id, profile, pids, user, started, idle, sessions, reason. */
  public Map<String, String> status() {
    try (SocketChannel channel = connect()) {
      Frame reply = ask(channel, Frame.of(0, FrameType.STATUS));
      if (reply == null || reply.type() != FrameType.STATUS) {
        throw new TwinException(ExitCodes.FAILED, "twin " + entry.id() + " did not answer a status request");
      }
      Map<String, String> status = new LinkedHashMap<>();
      for (int i = 0; i + 1 < reply.fields().size(); i += 2) {
        status.put(reply.field(i), reply.field(i + 1));
      }
      return status;
    } catch (IOException e) {
      throw new TwinException(ExitCodes.FAILED, "twin " + entry.id() + " did not answer: " + e.getMessage());
    }
  }

  /**
   * Asks the supervisor to end the twin, and waits until it has: it says it is stopping within
   * {@link #ANSWER_TIMEOUT}, then ends the twin (which may take its own while). False when the
   * twin was gone already (its socket vanished, or nothing listens on it any more).
   */
  public boolean stop() {
    try (SocketChannel channel = connect()) {
      try {
        ask(channel, Frame.of(0, FrameType.STOP));
      } catch (IOException e) {
        if (!Files.exists(entry.socket(), java.nio.file.LinkOption.NOFOLLOW_LINKS)
            || e instanceof java.net.ConnectException) {
          return false;
        }
        throw new TwinException(ExitCodes.FAILED, "cannot reach twin " + entry.id() + ": " + e.getMessage());
      }
      DataInputStream in = new DataInputStream(new BufferedInputStream(ChannelStreams.input(channel)));
      while (FrameIO.read(in) != null) {
        // drain until the supervisor closes the connection
      }
    } catch (IOException e) {
      // the supervisor closed the socket as it ended
    }
    return true;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  @Override
  public TwinSession openSession(String kind, SessionListener listener) {
    SocketChannel channel = connect();
    Deadline deadline = new Deadline(channel);
    try {
      channel.connect(UnixDomainSocketAddress.of(entry.socket()));
    } catch (IOException e) {
      deadline.met();
      throw deadline.missed() ? notAnswering()
          : new TwinException(ExitCodes.FAILED, "cannot reach twin " + entry.id() + ": " + e.getMessage());
    }
    // The first frame (the session's first prompt, or why it was refused) is the handshake; from
    // then on nothing is bounded: an evaluation takes what it takes.
    CountDownLatch answered = new CountDownLatch(1);
    SessionListener to = new FirstFrame(listener, answered, deadline);
    FrameWriter out = new FrameWriter(ChannelStreams.output(channel), "twin-remote-writer", e -> { });
    Thread reader = new Thread(() -> {
      String reason = "the twin's supervisor closed the connection";
      try {
        DataInputStream in = new DataInputStream(new BufferedInputStream(ChannelStreams.input(channel)));
        for (Frame f = FrameIO.read(in); f != null; f = FrameIO.read(in)) {
          switch (f.type()) {
            case OUT -> to.onOut(f.field(0));
            case ERR -> to.onErr(f.field(0));
            case TAP -> to.onTap(f.field(0));
            case RET -> to.onResult(f.field(0), f.field(3), "exception".equals(f.field(2)), f.field(4), f.field(1));
            case READY -> to.onReady(f.field(0));
            case NOTICE -> to.onNotice(f.field(0));
            case CLOSED -> {
              to.onClosed(f.field(0).isEmpty() ? null : f.field(0));
              return;
            }
            default -> { }
          }
        }
      } catch (IOException e) {
        reason = "the connection to twin " + entry.id() + " broke: " + e.getMessage();
      } finally {
        hangUp(channel, out);
      }
      to.onClosed(reason);
    }, "twin-remote-reader");
    reader.setDaemon(true);
    reader.start();
    // Who is asking, for the supervisor's transcript: SUDO_USER and the audit login uid.
    out.send(Frame.of(1, FrameType.OPEN, kind, reason == null ? "" : reason, nz(System.getenv("SUDO_USER")),
        nz(twin.audit.ClientInfo.currentLoginUid())));
    try {
      answered.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (deadline.missed()) {
      throw notAnswering();
    }
    return new TwinSession() {
      @Override
      public void send(String text) {
        out.send(Frame.of(1, FrameType.EVAL, text));
      }

      @Override
      public void interrupt() {
        out.send(Frame.of(1, FrameType.INTERRUPT));
      }

      // The connection stays open until the session's CLOSED (the reader then hangs up): the end of
      // input is when the twin's reader reports a form left unfinished, and a supervisor whose client
      // has stopped sending ends the connection, so a half-close here lost that error to a race.
      @Override
      public void close() {
        out.send(Frame.of(1, FrameType.CLOSE));
      }
    };
  }

  /** Ends a session's connection once nothing more will come: queued frames first, then the channel. */
  private static void hangUp(SocketChannel channel, FrameWriter out) {
    out.finish();
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /** Passes a session's events on, and marks the handshake done at the first one (or the end). */
  private static final class FirstFrame implements SessionListener {
    private final SessionListener next;
    private final CountDownLatch answered;
    private final Deadline deadline;

    FirstFrame(SessionListener next, CountDownLatch answered, Deadline deadline) {
      this.next = next;
      this.answered = answered;
      this.deadline = deadline;
    }

    private void answered() {
      if (answered.getCount() > 0) {
        deadline.met();
        answered.countDown();
      }
    }

    @Override public void onOut(String text) { answered(); next.onOut(text); }
    @Override public void onErr(String text) { answered(); next.onErr(text); }
    @Override public void onTap(String printed) { answered(); next.onTap(printed); }
    @Override public void onResult(String ns, String printed, boolean failed, String form, String ms) {
      answered();
      next.onResult(ns, printed, failed, form, ms);
    }
    @Override public void onReady(String ns) { answered(); next.onReady(ns); }
    @Override public void onNotice(String message) { answered(); next.onNotice(message); }
    @Override public void onClosed(String reason) {
      // A missed deadline closed the channel: openSession reports that, not a broken connection.
      if (!deadline.missed()) {
        next.onClosed(reason);
      }
      answered();
    }
  }
}
