package twin.supervisor;

import twin.protocol.Frame;
import twin.protocol.FrameType;

/** A client's handle on one REPL session inside the twin. */
public final class TwinSession {
  private final TwinConnection connection;
  private final int id;

  TwinSession(TwinConnection connection, int id) {
    this.connection = connection;
    this.id = id;
  }

  public int id() {
    return id;
  }

  /** Sends text to the session's reader; it may hold several forms, or part of one. */
  public void send(String text) {
    connection.send(Frame.of(id, FrameType.EVAL, text));
  }

  /** Asks the twin to interrupt this session's running evaluation. */
  public void interrupt() {
    connection.send(Frame.of(id, FrameType.INTERRUPT));
  }

  public void close() {
    connection.send(Frame.of(id, FrameType.CLOSE));
  }
}
