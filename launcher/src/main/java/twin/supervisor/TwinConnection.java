package twin.supervisor;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import twin.protocol.ChannelStreams;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import twin.protocol.Frame;
import twin.protocol.FrameIO;
import twin.protocol.FrameWriter;
import twin.protocol.FrameType;

/**
 * The supervisor's end of the private channel to one twin JVM: it sends frames, and a reader
 * thread routes what comes back to the session it belongs to.
 */
final class TwinConnection implements AutoCloseable {
  private final SocketChannel channel;
  private final FrameWriter out;
  private final DataInputStream in;
  private final Map<Integer, SessionListener> listeners = new ConcurrentHashMap<>();
  private final BlockingQueue<Frame> control = new LinkedBlockingQueue<>();
  private final AtomicInteger nextSession = new AtomicInteger(1);
  private volatile boolean closed;
  private volatile String closeReason;

  TwinConnection(SocketChannel channel) {
    this.channel = channel;
    this.out = new FrameWriter(ChannelStreams.output(channel), "twin-channel-writer", e -> closed = true);
    this.in = new DataInputStream(new BufferedInputStream(ChannelStreams.input(channel), 1 << 16));
  }

  /** Reads the first frame (the twin's HELLO) on the caller's thread. */
  Frame readHello() throws IOException {
    return FrameIO.read(in);
  }

  /** Starts routing frames; control frames (session 0) go to {@link #control()}. */
  void startReader(java.util.function.Supplier<String> endReason) {
    Thread reader = new Thread(() -> {
      try {
        for (Frame f = FrameIO.read(in); f != null; f = FrameIO.read(in)) {
          route(f);
        }
      } catch (IOException e) {
        // the twin went away; handled below like a clean end
      }
      closed = true;
      String reason = closeReason != null ? closeReason : endReason.get();
      listeners.values().forEach(l -> l.onClosed(reason));
      listeners.clear();
      control.add(Frame.of(0, FrameType.CLOSED, reason));
    }, "twin-channel-reader");
    reader.setDaemon(true);
    reader.start();
  }

  private void route(Frame f) {
    if (f.session() == 0) {
      control.add(f);
      return;
    }
    SessionListener l = listeners.get(f.session());
    if (l == null) {
      return;
    }
    switch (f.type()) {
      case OUT -> l.onOut(f.field(0));
      case ERR -> l.onErr(f.field(0));
      case TAP -> l.onTap(f.field(0));
      case RET -> l.onResult(f.field(0), f.field(3), "exception".equals(f.field(2)), f.field(4), f.field(1));
      case READY -> l.onReady(f.field(0));
      case NOTICE -> l.onNotice(f.field(0));
      case CLOSED -> {
        listeners.remove(f.session());
        l.onClosed(null);
      }
      default -> { }
    }
  }

  BlockingQueue<Frame> control() {
    return control;
  }

  TwinSession open(String kind, SessionListener listener) {
    int id = nextSession.getAndIncrement();
    listeners.put(id, listener);
    send(Frame.of(id, FrameType.OPEN, kind));
    return new ChannelSession(this, id);
  }

  void send(Frame frame) {
    if (closed) {
      return;
    }
    out.send(frame);
  }

  boolean isClosed() {
    return closed;
  }

  /** Sets what listeners are told when the channel ends, e.g. the twin's exit code. */
  void setCloseReason(String reason) {
    this.closeReason = reason;
  }

  @Override
  public void close() {
    out.finish();
    closed = true;
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
