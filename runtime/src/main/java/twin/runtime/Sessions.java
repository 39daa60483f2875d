package twin.runtime;

import clojure.java.api.Clojure;
import clojure.lang.AFn;
import clojure.lang.ILookup;
import clojure.lang.IFn;
import clojure.lang.IPersistentVector;
import clojure.lang.ISeq;
import clojure.lang.Keyword;
import clojure.lang.LineNumberingPushbackReader;
import clojure.lang.Namespace;
import clojure.lang.RT;
import clojure.lang.Symbol;
import clojure.lang.Var;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import twin.protocol.Frame;
import twin.protocol.FrameWriter;
import twin.protocol.FrameType;

/**
 * The REPL sessions of this twin, each on its own thread with its own {@code *ns*}, {@code *1}
 * and {@code *e}, each a {@code clojure.core.server/prepl} reading what its client sends.
 */
final class Sessions {
  private static final Keyword TAG = Keyword.intern("tag");
  private static final Keyword VAL = Keyword.intern("val");
  private static final Keyword NS = Keyword.intern("ns");
  private static final Keyword MS = Keyword.intern("ms");
  private static final Keyword FORM = Keyword.intern("form");
  private static final Keyword EXCEPTION = Keyword.intern("exception");
  private static final Keyword RET = Keyword.intern("ret");
  private static final Keyword OUT = Keyword.intern("out");
  private static final Keyword ERR = Keyword.intern("err");
  private static final Keyword TAP = Keyword.intern("tap");
  private static final Keyword REFER = Keyword.intern("refer");

  /** The helpers of {@code clojure.main/repl-requires} (Clojure 1.10 to 1.12), true for macros. */
  private static final Map<String, Boolean> REPL_HELPERS = Map.ofEntries(
      Map.entry("clojure.repl/source", true), Map.entry("clojure.repl/apropos", false),
      Map.entry("clojure.repl/dir", true), Map.entry("clojure.repl/pst", false),
      Map.entry("clojure.repl/doc", true), Map.entry("clojure.repl/find-doc", false),
      Map.entry("clojure.java.javadoc/javadoc", false),
      Map.entry("clojure.pprint/pp", true), Map.entry("clojure.pprint/pprint", false),
      Map.entry("clojure.repl.deps/add-libs", false), Map.entry("clojure.repl.deps/add-lib", false),
      Map.entry("clojure.repl.deps/sync-deps", false));

  /** How long an interrupted evaluation may take to notice before it is stopped harder. */
  private static final long STOP_AFTER_MS = 2000;
  private static final long GIVE_UP_AFTER_MS = 5000;

  private final FrameWriter wire;
  private final Map<Integer, Session> sessions = new ConcurrentHashMap<>();
  private final IFn prepl;
  private final IFn prStr;
  private final IFn exTriage;
  private final IFn exStr;

  /**
   * Loads Clojure and the prepl: the twin's start does this while it shakes hands with the
   * supervisor, before any {@code Sessions} exists.
   */
  static void loadClojure() {
    IFn require = Clojure.var("clojure.core", "require");
    require.invoke(Clojure.read("clojure.core.server"));
    if (!((Var) Clojure.var("clojure.core.server", "prepl")).isBound()) {
      throw new IllegalStateException(
          "Clojure " + clojureVersionOf() + " has no clojure.core.server/prepl; twin needs Clojure 1.10 or later");
    }
  }

  /** Sessions over a loaded Clojure ({@link #loadClojure}). */
  Sessions(FrameWriter wire) {
    this.wire = wire;
    this.prepl = Clojure.var("clojure.core.server", "prepl");
    this.prStr = Clojure.var("clojure.core", "pr-str");
    this.exTriage = Clojure.var("clojure.main", "ex-triage");
    this.exStr = Clojure.var("clojure.main", "ex-str");
  }

  /**
   * The user namespace gets what clojure.main's REPL gives it ({@code clojure.main/repl-requires}:
   * doc, source, pst, pprint, ...) and twin's SQL helpers, as vars that load their namespace on
   * first use ({@link LazyVars}): loading them all was the last quarter of a twin's boot. A
   * helper this twin does not know (a later Clojure's) is loaded at once, as clojure.main does.
   */
  void installReplHelpers() {
    installReplHelpers(true);
  }

  /**
   * For the class-data archive's training run: loads every REPL helper at once, so that the
   * archive holds their classes for the twins that use them.
   */
  void loadReplHelpersForTraining() {
    installReplHelpers(false);
  }

  private static void installReplHelpers(boolean lazily) {
    Namespace user = Namespace.findOrCreate(Symbol.intern("user"));
    Object requires = ((Var) Clojure.var("clojure.main", "repl-requires")).deref();
    for (ISeq specs = RT.seq(requires); specs != null; specs = specs.next()) {
      Object spec = specs.first();
      if (!lazily || !referLazily(user, spec)) {
        requireInto(user, spec);
      }
    }
    SqlHelpers.install(user);
  }

  /** {@code [clojure.repl :refer (doc ...)]} as lazy vars, when every name is a known helper. */
  private static boolean referLazily(Namespace user, Object spec) {
    if (!(spec instanceof IPersistentVector v) || v.count() != 3 || !REFER.equals(v.nth(1))) {
      return false;
    }
    String ns = String.valueOf(v.nth(0));
    List<String> names = new ArrayList<>();
    for (ISeq s = RT.seq(v.nth(2)); s != null; s = s.next()) {
      String name = String.valueOf(s.first());
      if (!REPL_HELPERS.containsKey(ns + "/" + name)) {
        return false;
      }
      names.add(name);
    }
    for (String name : names) {
      LazyVars.refer(user, ns, name, REPL_HELPERS.get(ns + "/" + name));
    }
    return true;
  }

  private static void requireInto(Namespace user, Object spec) {
    Var.pushThreadBindings(RT.map(RT.CURRENT_NS, user));
    try {
      Clojure.var("clojure.core", "require").invoke(spec);
    } finally {
      Var.popThreadBindings();
    }
  }

  /**
   * For the class-data archive's training run only: fixed forms through a session, as a twin's
   * first evaluations go (a session thread over its input queue, a {@code def} that calls a static
   * Java method, a form compiled to a class), so that the archive holds what they load and link.
   */
  void evaluateForTraining() throws InterruptedException {
    open(1, "training");
    Thread thread = sessions.get(1).thread;
    feed(1, "(def twin-training (System/getProperty \"java.version\"))\n"
        + "(let [f (fn [x] (+ x 1))] (f (count twin-training)))\n");
    close(1);
    thread.join(60_000);
  }

  String clojureVersion() {
    return clojureVersionOf();
  }

  private static String clojureVersionOf() {
    return (String) ((IFn) Clojure.var("clojure.core", "clojure-version")).invoke();
  }

  /**
   * Sessions that run a script (twin eval, run, sql, a launch's -e or piped stdin) stop at the first
   * form that fails, as a script does: a guard such as an assert keeps the forms after it from
   * running. The console, attach and init sessions go on, as a REPL does.
   */
  static final java.util.Set<String> SCRIPT_KINDS = java.util.Set.of("eval", "run", "sql", "stdin");

  /** Thrown out of prepl's out-fn to end a script session at its first failure. */
  private static final class StopAtError extends RuntimeException {
    StopAtError() {
      super("stopped at the first error", null, false, false);
    }
  }

  void open(int id, String kind) {
    Session session = new Session(id, SCRIPT_KINDS.contains(kind));
    if (sessions.putIfAbsent(id, session) == null) {
      session.start(kind);
    }
  }

  void feed(int id, String text) {
    Session session = sessions.get(id);
    if (session != null) {
      session.input.feed(text);
    }
  }

  void interrupt(int id) {
    Session session = sessions.get(id);
    if (session != null) {
      session.interrupt();
    }
  }

  void close(int id) {
    close(id, false);
  }

  /**
   * Ends a session's input. When its client went away ({@code clientGone}), the input it queued
   * is dropped and a running evaluation is interrupted as a Ctrl-C would (with the escalation):
   * nobody is left to see its result or to press Ctrl-C.
   */
  void close(int id, boolean clientGone) {
    Session session = sessions.get(id);
    if (session == null) {
      return;
    }
    if (clientGone) {
      session.clientGone();
    }
    session.input.finish();
  }

  /** One REPL session: a thread running prepl over an input queue. */
  private final class Session {
    private final int id;
    private final InputQueueReader input;
    private volatile Thread thread;
    /** An interrupt's escalation is running: a second interrupt starts no other. */
    private final java.util.concurrent.atomic.AtomicBoolean escalating = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile String ns = "user";
    private final boolean stopAtError;
    private boolean stopped;
    private volatile boolean gone;
    private LineNumberingPushbackReader reader;

    Session(int id, boolean stopAtError) {
      this.id = id;
      this.stopAtError = stopAtError;
      this.input = new InputQueueReader(() -> wire.send(Frame.of(id, FrameType.READY, currentNs())));
    }

    private String currentNs() {
      Object current = RT.CURRENT_NS.deref();
      if (current instanceof Namespace n) {
        ns = n.getName().getName();
      }
      return ns;
    }

    void start(String kind) {
      thread = new Thread(this::run, "twin-session-" + id + "-" + kind);
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      SessionOutput.set(text -> wire.send(Frame.of(id, FrameType.OUT, text)));
      try {
        reader = new LineNumberingPushbackReader(input);
        prepl.invoke(reader, new AFn() {
          @Override
          public Object invoke(Object message) {
            deliver((ILookup) message);
            return null;
          }
        });
      } catch (StopAtError stop) {
        if (!gone && textFollows()) {
          wire.send(Frame.of(id, FrameType.NOTICE, twin.protocol.Notices.STOPPED_AT_ERROR));
        }
        // The client waits for the input to be consumed: it was, as far as it will ever be.
        wire.send(Frame.of(id, FrameType.READY, ns));
      } catch (Throwable t) {
        wire.send(Frame.of(id, FrameType.NOTICE, "session ended abnormally: " + t));
      } finally {
        SessionOutput.clear();
        sessions.remove(id);
        wire.send(Frame.of(id, FrameType.CLOSED));
      }
    }

    /** True when what is left of the input, as far as it has arrived, holds more than blanks. */
    private boolean textFollows() {
      try {
        while (reader.ready()) {
          int c = reader.read();
          if (c < 0) {
            return false;
          }
          if (!Character.isWhitespace(c) && c != ',') {
            return true;
          }
        }
      } catch (java.io.IOException e) {
        return true;
      }
      return false;
    }

    private void deliver(ILookup message) {
      Object tag = message.valAt(TAG);
      if (tag == RET && stopped) {
        throw new StopAtError(); // prepl's outer catch reports again what its inner one did
      }
      if (tag == RET) {
        // prepl does not flush *out* and *err* before :ret; flush so output precedes the result.
        flush(RT.OUT.deref());
        flush(RT.ERR.deref());
        boolean failed = Boolean.TRUE.equals(message.valAt(EXCEPTION));
        Object val = message.valAt(VAL);
        String printed = failed ? describeError(val) : (String) prStr.invoke(val);
        Object ms = message.valAt(MS);
        wire.send(Frame.of(id, FrameType.RET, String.valueOf(message.valAt(NS)),
            ms == null ? "" : ms.toString(), failed ? "exception" : "ok", printed,
            String.valueOf(message.valAt(FORM, ""))));
        if ((failed && stopAtError) || gone) {
          stopped = true;
          throw new StopAtError();
        }
      } else if (tag == OUT) {
        wire.send(Frame.of(id, FrameType.OUT, String.valueOf(message.valAt(VAL))));
      } else if (tag == ERR) {
        wire.send(Frame.of(id, FrameType.ERR, String.valueOf(message.valAt(VAL))));
      } else if (tag == TAP) {
        wire.send(Frame.of(id, FrameType.TAP, (String) prStr.invoke(message.valAt(VAL))));
      }
    }

    private String describeError(Object data) {
      try {
        return (String) exStr.invoke(exTriage.invoke(data));
      } catch (RuntimeException e) {
        return String.valueOf(data);
      }
    }

    private void flush(Object writer) {
      if (writer instanceof Writer w) {
        try {
          w.flush();
        } catch (java.io.IOException ignored) {
          // the session's writers only forward to the channel
        }
      }
    }

    /** The client went away: drop what it queued, interrupt what runs, and say so on the record. */
    void clientGone() {
      gone = true; // the forms the reader has buffered already are not evaluated either
      input.discard();
      Thread target = thread;
      if (target != null && target.isAlive() && !input.isWaiting()) {
        wire.send(Frame.of(id, FrameType.NOTICE, twin.protocol.Notices.INTERRUPTED_CLIENT_GONE));
        interrupt();
      }
    }

    /**
     * Interrupts the evaluation, then stops it harder, then says it could not. Another interrupt
     * while that runs interrupts the thread again but starts no second escalation, so each notice
     * comes once.
     */
    void interrupt() {
      Thread target = thread;
      if (target == null || input.isWaiting()) {
        return;
      }
      target.interrupt();
      if (!escalating.compareAndSet(false, true)) {
        return;
      }
      Thread escalation = new Thread(() -> {
        try {
          escalate(target);
        } finally {
          escalating.set(false);
        }
      }, "twin-interrupt-" + id);
      escalation.setDaemon(true);
      escalation.start();
    }

    @SuppressWarnings({"deprecation", "removal"})
    private void escalate(Thread target) {
      if (waitForIdle(STOP_AFTER_MS)) {
        return;
      }
      if (Runtime.version().feature() >= 20) {
        // Thread.stop throws there: the interrupt is all there is.
        wire.send(Frame.of(id, FrameType.NOTICE, "the evaluation ignored the interrupt, and this JDK ("
            + Runtime.version().feature() + ") cannot stop a thread"));
      } else {
        wire.send(Frame.of(id, FrameType.NOTICE, "the evaluation ignored the interrupt; stopping its thread"));
        try {
          target.stop();
        } catch (UnsupportedOperationException e) {
          // a JDK that removed it early: the notice below follows
        }
      }
      if (!waitForIdle(GIVE_UP_AFTER_MS)) {
        wire.send(Frame.of(id, FrameType.NOTICE, twin.protocol.Notices.UNSTOPPABLE));
      }
    }

    private boolean waitForIdle(long millis) {
      long deadline = System.currentTimeMillis() + millis;
      while (System.currentTimeMillis() < deadline) {
        if (input.isWaiting() || !thread.isAlive()) {
          return true;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return false;
        }
      }
      return false;
    }
  }
}
