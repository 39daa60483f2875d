package twin.supervisor;

import twin.secret.Redactor;

/**
 * Masks secrets in a session's output before anyone sees it, as a stream: the twin sends output in
 * chunks (each flush, 4 KiB pieces of a query's rows), and a secret split between two chunks is
 * masked too. What it holds back (only a tail that could start a secret) is let out before any
 * other event, so a result never overtakes the output before it.
 */
public final class RedactingListener implements SessionListener {
  private final SessionListener next;
  private final Redactor.Stream out;
  private final Redactor.Stream err;

  public RedactingListener(Redactor redactor, SessionListener next) {
    this.next = next;
    this.out = redactor.stream();
    this.err = redactor.stream();
  }

  @Override
  public void onOut(String text) {
    drain(err, false);
    emit(out.feed(text), true);
  }

  @Override
  public void onErr(String text) {
    drain(out, true);
    emit(err.feed(text), false);
  }

  @Override
  public void onTap(String printed) {
    drainBoth();
    next.onTap(printed);
  }

  @Override
  public void onResult(String ns, String printed, boolean failed, String form, String ms) {
    drainBoth();
    next.onResult(ns, printed, failed, form, ms);
  }

  @Override
  public void onReady(String ns) {
    drainBoth();
    next.onReady(ns);
  }

  @Override
  public void onNotice(String message) {
    drainBoth();
    next.onNotice(message);
  }

  @Override
  public void onClosed(String reason) {
    drainBoth();
    next.onClosed(reason);
  }

  private void drainBoth() {
    drain(out, true);
    drain(err, false);
  }

  private void drain(Redactor.Stream stream, boolean isOut) {
    if (stream.holds()) {
      emit(stream.flush(), isOut);
    }
  }

  private void emit(String text, boolean isOut) {
    if (text.isEmpty()) {
      return;
    }
    if (isOut) {
      next.onOut(text);
    } else {
      next.onErr(text);
    }
  }
}
