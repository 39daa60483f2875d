package twin.supervisor;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileSystems;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import twin.protocol.ChannelStreams;
import twin.protocol.Frame;
import twin.protocol.FrameIO;
import twin.protocol.FrameType;
import twin.protocol.FrameWriter;
import twin.secret.Redactor;

/**
 * A detached twin's front door: a unix socket (0600, in a 0700 directory) on which the supervisor
 * serves twin's own clients (framed, like the private channel) and plain clients such as socat or
 * nc (text, like Clojure's socket REPL). Every connection's peer uid is checked first: the owner,
 * root, and the profile's allowed users and groups get in.
 */
public final class ControlServer implements AutoCloseable {
  /** How long a new connection may take to say it speaks frames before it is served as text. */
  private static final long SNIFF_MILLIS = 300;

  private final Supervisor supervisor;
  private final Path socket;
  private final ServerSocketChannel server;
  private final Redactor redactor;
  private final Consumer<String> log;
  private final twin.audit.Recorder recorder;
  private final Instant started = Instant.now();
  private final AtomicInteger sessions = new AtomicInteger();
  private final Set<FrameWriter> framedClients = ConcurrentHashMap.newKeySet();
  private final Set<OutputStream> textClients = ConcurrentHashMap.newKeySet();
  private volatile long lastActivity = System.currentTimeMillis();
  private volatile Runnable stopRequest = () -> { };
  private volatile String reason = "";
  private volatile boolean requireReason;
  private volatile SharedAccess shared = SharedAccess.nobody();

  private ControlServer(Supervisor supervisor, Path socket, ServerSocketChannel server, Redactor redactor,
      Consumer<String> log, twin.audit.Recorder recorder) {
    this.recorder = recorder;
    this.supervisor = supervisor;
    this.socket = socket;
    this.server = server;
    this.redactor = redactor;
    this.log = log;
  }

  public static ControlServer bind(Supervisor supervisor, Path socket, Redactor redactor, Consumer<String> log,
      twin.audit.Recorder recorder) throws IOException {
    return new ControlServer(supervisor, socket, UnixSockets.bindPrivate(socket), redactor, log, recorder);
  }

  /** What a STOP request or `twin stop` does: end the twin. */
  public void onStopRequest(Runnable action) {
    this.stopRequest = action;
  }

  /** twin.require-reason: sessions that give no reason are refused. */
  public void setRequireReason(boolean required) {
    this.requireReason = required;
  }

  /** twin.allowed-users and twin.allowed-groups: who may connect besides the owner and root. */
  public void setSharedAccess(SharedAccess access) {
    this.shared = access;
  }

  public void setReason(String reason) {
    this.reason = reason == null ? "" : reason;
  }

  public int sessionCount() {
    return sessions.get();
  }

  /** Milliseconds since the last session opened or closed, or the last evaluation was sent. */
  public long idleMillis() {
    return sessions.get() > 0 ? 0 : System.currentTimeMillis() - lastActivity;
  }

  /** Tells every attached client something, e.g. that the twin ends soon. */
  public void broadcast(String message) {
    for (FrameWriter w : framedClients) {
      w.send(Frame.of(1, FrameType.NOTICE, message));
    }
    for (OutputStream out : textClients) {
      write(out, "\ntwin: " + message + "\n");
    }
  }

  /** Accepts connections until the socket is closed. */
  public void serve() {
    while (server.isOpen()) {
      SocketChannel channel;
      try {
        channel = server.accept();
      } catch (IOException e) {
        return;
      }
      Thread t = new Thread(() -> handle(channel), "twin-client");
      t.setDaemon(true);
      t.start();
    }
  }

  private void handle(SocketChannel channel) {
    try (channel) {
      UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
      if (!allowed(peer)) {
        log.accept("refused a connection from user " + peer.user().getName());
        ChannelStreams.output(channel).write(("twin: access denied: user " + peer.user().getName()
            + " may not use this twin\n").getBytes(StandardCharsets.UTF_8));
        return;
      }
      byte[] start = sniff(channel);
      if (start == null) {
        return;
      }
      InputStream in = new SequenceInputStream(new ByteArrayInputStream(start), ChannelStreams.input(channel));
      if (start.length >= 2 && (start[0] & 0xff) == 0x74 && (start[1] & 0xff) == 0x17) {
        serveFramed(channel, in, peer.user().getName());
      } else {
        serveText(channel, in, peer.user().getName());
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private boolean allowed(UnixDomainPrincipal peer) throws IOException {
    UserPrincipal owner = Files.getOwner(socket.getParent(), LinkOption.NOFOLLOW_LINKS);
    UserPrincipal root = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("root");
    return peer.user().equals(owner) || peer.user().equals(root) || shared.admits(peer);
  }

  /**
   * Reads what the client sends in its first moments, without waiting for a human; null when the
   * client hung up at once (a liveness probe).
   */
  private static byte[] sniff(SocketChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(2);
    channel.configureBlocking(false);
    long deadline = System.currentTimeMillis() + SNIFF_MILLIS;
    // A selector wakes the moment the client writes: twin's own clients, which write at once, were
    // kept up to 10 ms per connection by a sleep-and-poll loop (three connections per twin eval).
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_READ);
      long left = SNIFF_MILLIS;
      while (buffer.hasRemaining() && left > 0) {
        selector.select(left);
        selector.selectedKeys().clear();
        if (channel.read(buffer) < 0) {
          return buffer.position() == 0 ? null : Arrays.copyOf(buffer.array(), buffer.position());
        }
        left = deadline - System.currentTimeMillis();
      }
    } finally {
      channel.configureBlocking(true);
    }
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  private void serveFramed(SocketChannel channel, InputStream raw, String user) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(raw));
    FrameWriter out = new FrameWriter(ChannelStreams.output(channel), "twin-client-writer", e -> { });
    framedClients.add(out);
    TwinSession session = null;
    // Set when the twin has said the session ended: a connection that ends before that is a
    // client that went away (killed, hung up), whose running evaluation nobody would ever see.
    java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    try {
      for (Frame f = FrameIO.read(in); f != null; f = FrameIO.read(in)) {
        if (f.type() != FrameType.STATUS) {
          // Looking at a twin (twin ps) is not using it.
          lastActivity = System.currentTimeMillis();
        }
        switch (f.type()) {
          case STATUS -> out.send(new Frame(0, FrameType.STATUS, status()));
          case STOP -> {
            log.accept("stop requested by " + user);
            out.send(Frame.of(0, FrameType.CLOSED, "stopping"));
            out.finish();
            stopRequest.run();
            return;
          }
          case OPEN -> {
            if (session == null && requireReason && f.field(1).isBlank()) {
              log.accept("session of " + user + " refused: no reason given");
              out.send(Frame.of(f.session(), FrameType.CLOSED,
                  "this twin's profile requires a reason (twin.require-reason): use --reason TEXT"));
            } else if (session == null) {
              log.accept("session opened by " + user + " (" + f.field(0) + ")");
              sessions.incrementAndGet();
              twin.audit.ClientInfo who = new twin.audit.ClientInfo(user, uidOf(channel), blankToNull(f.field(2)),
                  blankToNull(f.field(3)), blankToNull(f.field(1)), f.field(0));
              try {
                session = recorder.recording(supervisor, who).openSession(f.field(0),
                    new Forwarder(out, f.session(), redactor, ended));
              } catch (twin.TwinException e) {
                sessions.decrementAndGet();
                log.accept("session of " + user + " refused: " + e.getMessage());
                out.send(Frame.of(f.session(), FrameType.CLOSED, e.getMessage()));
              }
            }
          }
          case EVAL -> {
            if (session != null) {
              session.send(f.field(0));
            }
          }
          case INTERRUPT -> {
            if (session != null) {
              session.interrupt();
            }
          }
          case CLOSE -> {
            if (session != null) {
              session.close();
            }
          }
          default -> { }
        }
      }
    } finally {
      framedClients.remove(out);
      if (session != null) {
        boolean gone = !ended.get();
        if (gone) {
          session.clientGone();
        } else {
          session.close();
        }
        sessions.decrementAndGet();
        lastActivity = System.currentTimeMillis();
        log.accept("session of " + user + " ended" + (gone ? " (its client went away; a running evaluation is interrupted)" : ""));
      }
      out.finish();
    }
  }

  private void serveText(SocketChannel channel, InputStream raw, String user) throws IOException {
    OutputStream out = ChannelStreams.output(channel);
    String name = supervisor.plan().profileName();
    java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    if (requireReason) {
      log.accept("text session of " + user + " refused: plain clients give no reason");
      write(out, "twin: error: this twin's profile requires a reason; use twin attach --reason TEXT\n");
      return;
    }
    twin.audit.ClientInfo who = new twin.audit.ClientInfo(user, uidOf(channel), null, null, null, "text");
    TwinSession session;
    try {
      session = recorder.recording(supervisor, who).openSession("text", textListener(out, channel, name, ended));
    } catch (twin.TwinException e) {
      log.accept("text session of " + user + " refused: " + e.getMessage());
      write(out, "twin: error: " + e.getMessage() + "\n");
      return;
    }
    serveTextInput(raw, user, out, session, ended);
  }

  private SessionListener textListener(OutputStream out, SocketChannel channel, String name,
      java.util.concurrent.CountDownLatch ended) {
    // Output arrives masked already: the recorder masks it as a stream (RedactingListener).
    return new SessionListener() {
      @Override public void onOut(String text) { write(out, text); }
      @Override public void onErr(String text) { write(out, text); }
      @Override public void onTap(String printed) { write(out, "tap> " + redactor.redact(printed) + "\n"); }
      @Override public void onResult(String ns, String printed, boolean failed, String form, String ms) {
        String text = redactor.redact(printed);
        write(out, (text.endsWith("\n") ? text : text + "\n") + "twin:" + name + " " + ns + "=> ");
      }
      // Like clojure.main's REPL: a prompt when the session opens and after every result, whether
      // the client types slowly or pipes everything at once.
      @Override public void onReady(String ns) { }
      @Override public void onNotice(String message) { write(out, "twin: " + redactor.redact(message) + "\n"); }
      @Override public void onClosed(String why) {
        if (why != null) {
          write(out, "twin: " + why + "\n");
        }
        ended.countDown();
        try {
          channel.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    };
  }

  private void serveTextInput(InputStream raw, String user, OutputStream out, TwinSession session,
      java.util.concurrent.CountDownLatch ended) {
    write(out, "twin:" + supervisor.plan().profileName() + " user=> ");
    log.accept("text session opened by " + user);
    sessions.incrementAndGet();
    textClients.add(out);
    boolean gone = false;
    try (Reader reader = new InputStreamReader(raw, StandardCharsets.UTF_8)) {
      char[] buf = new char[8192];
      for (int n = reader.read(buf); n >= 0; n = reader.read(buf)) {
        lastActivity = System.currentTimeMillis();
        session.send(new String(buf, 0, n));
      }
    } catch (IOException e) {
      gone = true;
    } finally {
      textClients.remove(out);
      // The end of a plain client's input is no sign it left (socat half-closes and waits for the
      // answers); a broken connection is.
      if (gone) {
        session.clientGone();
      } else {
        session.close();
      }
      // Input ended (socat at EOF); the answers to what was sent are still to come.
      try {
        ended.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      sessions.decrementAndGet();
      lastActivity = System.currentTimeMillis();
      log.accept("text session of " + user + " ended");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static long uidOf(SocketChannel channel) {
    try {
      return uidByName(channel.getOption(ExtendedSocketOptions.SO_PEERCRED).user().getName());
    } catch (IOException e) {
      return -1;
    }
  }

  private static long uidByName(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
        String[] f = line.split(":");
        if (f.length > 2 && f[0].equals(name)) {
          return Long.parseLong(f[2]);
        }
      }
      return name.matches("\\d+") ? Long.parseLong(name) : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private static void write(OutputStream out, String text) {
    synchronized (out) {
      try {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      } catch (IOException ignored) {
        // the client went away; its reader ends the session
      }
    }
  }

  /** The fields of a STATUS reply, as key, value pairs. */
  List<String> status() {
    LaunchPlanView plan = new LaunchPlanView(supervisor);
    List<String> fields = new ArrayList<>();
    add(fields, "id", plan.id);
    add(fields, "profile", plan.profile);
    add(fields, "twin-pid", Long.toString(supervisor.twinPid()));
    add(fields, "supervisor-pid", Long.toString(ProcessHandle.current().pid()));
    add(fields, "user", plan.user);
    add(fields, "started", started.toString());
    add(fields, "idle-seconds", Long.toString(idleMillis() / 1000));
    add(fields, "sessions", Integer.toString(sessions.get()));
    add(fields, "reason", reason);
    add(fields, "require-reason", Boolean.toString(requireReason));
    add(fields, "socket", socket.toString());
    return fields;
  }

  private static void add(List<String> fields, String key, String value) {
    fields.add(key);
    fields.add(value);
  }

  @Override
  public void close() {
    // The name goes first: a client that finds the socket gone knows the twin ended, while one that
    // is refused by a socket still there takes it for a dead supervisor's and cleans up after it.
    try {
      Files.deleteIfExists(socket);
    } catch (IOException ignored) {
      // the directory goes too
    }
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /** The few plan facts a status reply shows. */
  private record LaunchPlanView(String id, String profile, String user) {
    LaunchPlanView(Supervisor s) {
      this(s.plan().twinId(), s.plan().profileName(), s.plan().user());
    }
  }

  /**
   * Passes a twin session's events on to one framed client. Output arrives masked already: the
   * recorder masks it as a stream (RedactingListener).
   */
  private record Forwarder(FrameWriter out, int clientSession, Redactor r,
      java.util.concurrent.atomic.AtomicBoolean ended) implements SessionListener {
    @Override public void onOut(String text) { out.send(Frame.of(clientSession, FrameType.OUT, text)); }
    @Override public void onErr(String text) { out.send(Frame.of(clientSession, FrameType.ERR, text)); }
    @Override public void onTap(String printed) { out.send(Frame.of(clientSession, FrameType.TAP, r.redact(printed))); }
    @Override public void onResult(String ns, String printed, boolean failed, String form, String ms) {
      out.send(Frame.of(clientSession, FrameType.RET, ns, ms, failed ? "exception" : "ok", r.redact(printed),
          r.redact(form)));
    }
    @Override public void onReady(String ns) { out.send(Frame.of(clientSession, FrameType.READY, ns)); }
    @Override public void onNotice(String message) {
      out.send(Frame.of(clientSession, FrameType.NOTICE, r.redact(message)));
    }
    @Override public void onClosed(String reason) {
      ended.set(true);
      out.send(Frame.of(clientSession, FrameType.CLOSED, reason == null ? "" : reason));
    }
  }
}
