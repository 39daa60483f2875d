package twin.supervisor;

/** Receives what one REPL session of the twin sends back. Called on the channel's reader thread. */
public interface SessionListener {
  void onOut(String text);

  void onErr(String text);

  void onTap(String printed);

  /** One evaluation ended: {@code failed} tells whether {@code printed} is a value or an error. */
  void onResult(String ns, String printed, boolean failed, String form, String ms);

  /** All input sent so far is consumed; the session waits in namespace {@code ns}. */
  void onReady(String ns);

  void onNotice(String message);

  /** The session ended; {@code reason} is null for a normal end. */
  void onClosed(String reason);
}
