package twin.supervisor;

import twin.protocol.Frame;
import twin.protocol.FrameType;

/** A session of the twin this process supervises, over the private channel. */
final class ChannelSession implements TwinSession {
  private final TwinConnection connection;
  private final int id;

  ChannelSession(TwinConnection connection, int id) {
    this.connection = connection;
    this.id = id;
  }

  @Override
  public void send(String text) {
    connection.send(Frame.of(id, FrameType.EVAL, text));
  }

  @Override
  public void interrupt() {
    connection.send(Frame.of(id, FrameType.INTERRUPT));
  }

  @Override
  public void close() {
    connection.send(Frame.of(id, FrameType.CLOSE));
  }

  @Override
  public void clientGone() {
    connection.send(Frame.of(id, FrameType.CLOSE, twin.protocol.Notices.CLIENT_GONE));
  }
}
