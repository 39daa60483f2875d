package twin.client;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;
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
      SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.connect(UnixDomainSocketAddress.of(entry.socket()));
      return channel;
    } catch (IOException e) {
      throw new TwinException(ExitCodes.FAILED, "cannot reach twin " + entry.id() + ": " + e.getMessage());
    }
  }

  /** The supervisor's status fields: id, profile, pids, user, started, idle, sessions, reason. */
  public Map<String, String> status() {
    try (SocketChannel channel = connect()) {
      DataInputStream in = new DataInputStream(new BufferedInputStream(ChannelStreams.input(channel)));
      FrameIO.write(new java.io.DataOutputStream(ChannelStreams.output(channel)), Frame.of(0, FrameType.STATUS));
      Frame reply = FrameIO.read(in);
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

  /** Asks the supervisor to end the twin, and waits until it has. */
  public void stop() {
    try (SocketChannel channel = connect()) {
      DataInputStream in = new DataInputStream(new BufferedInputStream(ChannelStreams.input(channel)));
      FrameIO.write(new java.io.DataOutputStream(ChannelStreams.output(channel)), Frame.of(0, FrameType.STOP));
      while (FrameIO.read(in) != null) {
        // drain until the supervisor closes the connection
      }
    } catch (IOException e) {
      // the supervisor closed the socket as it ended
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  @Override
  public TwinSession openSession(String kind, SessionListener listener) {
    SocketChannel channel = connect();
    FrameWriter out = new FrameWriter(ChannelStreams.output(channel), "twin-remote-writer", e -> { });
    Thread reader = new Thread(() -> {
      String reason = "the twin's supervisor closed the connection";
      try {
        DataInputStream in = new DataInputStream(new BufferedInputStream(ChannelStreams.input(channel)));
        for (Frame f = FrameIO.read(in); f != null; f = FrameIO.read(in)) {
          switch (f.type()) {
            case OUT -> listener.onOut(f.field(0));
            case ERR -> listener.onErr(f.field(0));
            case TAP -> listener.onTap(f.field(0));
            case RET -> listener.onResult(f.field(0), f.field(3), "exception".equals(f.field(2)), f.field(4), f.field(1));
            case READY -> listener.onReady(f.field(0));
            case NOTICE -> listener.onNotice(f.field(0));
            case CLOSED -> {
              listener.onClosed(f.field(0).isEmpty() ? null : f.field(0));
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
      listener.onClosed(reason);
    }, "twin-remote-reader");
    reader.setDaemon(true);
    reader.start();
    // Who is asking, for the supervisor's transcript: SUDO_USER and the audit login uid.
    out.send(Frame.of(1, FrameType.OPEN, kind, reason == null ? "" : reason, nz(System.getenv("SUDO_USER")),
        nz(twin.audit.ClientInfo.currentLoginUid())));
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
}
