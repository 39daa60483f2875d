package twin.audit;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import twin.TwinException;
import twin.secret.Redactor;
import twin.supervisor.SessionListener;
import twin.supervisor.SessionOpener;
import twin.supervisor.TwinSession;

/**
 * Puts every session of a twin on the record: wraps a session opener so that what a client sends
 * is recorded before the twin sees it, and each result is recorded (and forced to disk) before
 * the client sees it. If the transcript cannot be written, nothing is evaluated.
 */
public final class Recorder {
  private final Path dir;
  private final String twinId;
  private final String profile;
  private final Redactor redactor;

  public Recorder(Path dir, String twinId, String profile, Redactor redactor) {
    this.dir = dir;
    this.twinId = twinId;
    this.profile = profile;
    this.redactor = redactor;
  }

  public Path dir() {
    return dir;
  }

  /** An opener whose sessions are recorded as {@code who}'s. */
  public SessionOpener recording(SessionOpener inner, ClientInfo who) {
    return (kind, listener) -> {
      Transcript t = Transcript.open(dir, twinId, kind, redactor);
      Map<String, Object> start = new LinkedHashMap<>();
      start.put("twin", twinId);
      start.put("profile", profile);
      start.put("user", who.user());
      start.put("uid", who.uid());
      start.put("sudo_user", who.sudoUser());
      start.put("loginuid", who.loginUid());
      start.put("reason", who.reason());
      start.put("client", who.client());
      start.put("kind", kind);
      t.record("session-start", start);
      RecordingListener recorded = new RecordingListener(t, listener);
      // Output is masked as a stream, before the record and every client: a secret split between
      // two chunks of output is masked too.
      TwinSession session = inner.openSession(kind, new twin.supervisor.RedactingListener(redactor, recorded));
      return new TwinSession() {
        @Override
        public void send(String text) {
          try {
            t.record("input", Map.of("text", text));
          } catch (TwinException e) {
            // Fail closed: the twin never sees input that is not on the record.
            recorded.refuse(e.getMessage());
            return;
          }
          session.send(text);
        }

        @Override
        public void interrupt() {
          try {
            t.record("interrupt", Map.of());
          } catch (TwinException e) {
            // an interrupt stops work; it is sent even if it cannot be recorded
          }
          session.interrupt();
        }

        @Override
        public void close() {
          session.close();
        }

        @Override
        public void clientGone() {
          recorded.clientGone();
          session.clientGone();
        }
      };
    };
  }

  /**
   * Sends the chain head to syslog or the journal, where there is one: a copy outside the file,
   * so even removing a transcript's last records shows.
   */
  static void announce(Transcript t) {
    if (java.nio.file.Files.exists(Path.of("/dev/log")) && java.nio.file.Files.isExecutable(Path.of("/usr/bin/logger"))) {
      twin.supervisor.TwinProcess.runQuietly(java.util.List.of("/usr/bin/logger", "-t", "twin", "-p", "authpriv.info",
          "transcript " + t.file() + " ends with record hash " + t.head()));
    }
  }

  /** Records results before passing them on; counts output so the record says how much there was. */
  private static final class RecordingListener implements SessionListener {
    private final Transcript t;
    private final SessionListener next;
    private long outChars;
    private volatile String ns = "user";
    /** The client went away before the session ended; the end's record says so. */
    private volatile boolean clientGone;
    /** The twin interrupted an evaluation of this session because its client went away. */
    private volatile boolean interruptedForGone;
    private volatile boolean ended;

    RecordingListener(Transcript t, SessionListener next) {
      this.t = t;
      this.next = next;
    }

    void clientGone() {
      clientGone = true;
    }

    void refuse(String message) {
      next.onResult(ns, message, true, "", "0");
      next.onReady(ns);
    }

    @Override
    public void onOut(String text) {
      synchronized (this) {
        outChars += text.length();
      }
      next.onOut(text);
    }

    @Override
    public void onErr(String text) {
      synchronized (this) {
        outChars += text.length();
      }
      next.onErr(text);
    }

    @Override
    public void onTap(String printed) {
      next.onTap(printed);
    }

    @Override
    public void onResult(String ns, String printed, boolean failed, String form, String ms) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("form", form);
      r.put("ok", !failed);
      r.put(failed ? "error" : "value", printed);
      r.put("ms", ms.isEmpty() ? 0 : Long.parseLong(ms));
      synchronized (this) {
        r.put("output_chars", outChars);
        outChars = 0;
      }
      r.put("ns", ns);
      try {
        t.record("result", r);
      } catch (TwinException e) {
        next.onResult(ns, e.getMessage(), true, form, ms);
        return;
      }
      next.onResult(ns, printed, failed, form, ms);
    }

    @Override
    public void onReady(String ns) {
      this.ns = ns;
      next.onReady(ns);
    }

    // Notices tell what happened to an evaluation (interrupted, stopped, could not be stopped, its
    // client went away): they belong on the record as much as results do.
    @Override
    public void onNotice(String message) {
      if (twin.protocol.Notices.INTERRUPTED_CLIENT_GONE.equals(message)) {
        interruptedForGone = true;
      }
      if (!ended) {
        try {
          t.record("notice", Map.of("text", message));
        } catch (TwinException e) {
          // the notice is shown either way; nothing is evaluated because of it
        }
      }
      next.onNotice(message);
    }

    @Override
    public void onClosed(String reason) {
      ended = true;
      try {
        Map<String, Object> end = new LinkedHashMap<>();
        String why = reason == null ? "closed" : reason;
        if (clientGone) {
          why = reason == null ? "its client went away" : "its client went away; then " + reason;
        }
        end.put("reason", why);
        if (interruptedForGone) {
          end.put("evaluation", "interrupted because its client went away");
        }
        t.record("session-end", end);
      } catch (TwinException e) {
        // the session is over either way
      } finally {
        t.close();
        announce(t);
      }
      next.onClosed(reason);
    }
  }
}
