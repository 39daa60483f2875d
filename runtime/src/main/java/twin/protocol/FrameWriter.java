package twin.protocol;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Writes frames from one thread of its own. Callers only enqueue: a thread that is interrupted
 * (an evaluation the user stopped) must never touch the socket channel itself, because an
 * interrupt during channel I/O closes the channel, and with it every session.
 */
public final class FrameWriter {
  private static final Frame STOP = Frame.of(-1, FrameType.CLOSED);

  private final BlockingQueue<Frame> queue = new ArrayBlockingQueue<>(4096);
  private final DataOutputStream out;
  private final Consumer<IOException> onFailure;
  private final Thread thread;
  private volatile boolean failed;

  /** {@code onFailure} runs once, on the writer thread, when the channel breaks. */
  public FrameWriter(OutputStream stream, String name, Consumer<IOException> onFailure) {
    this.out = new DataOutputStream(new BufferedOutputStream(stream, 1 << 16));
    this.onFailure = onFailure;
    this.thread = new Thread(this::drain, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a frame; waits only while the queue is full, and keeps the caller's interrupt status. */
  public void send(Frame frame) {
    if (failed) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        queue.put(frame);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes what is queued, then stops the writer thread. */
  public void finish() {
    send(STOP);
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void drain() {
    try {
      while (true) {
        Frame frame = queue.take();
        if (frame == STOP) {
          out.flush();
          return;
        }
        FrameIO.writeUnflushed(out, frame);
        if (queue.isEmpty()) {
          out.flush();
        }
      }
    } catch (IOException e) {
      failed = true;
      onFailure.accept(e);
    } catch (InterruptedException e) {
      failed = true;
    }
  }
}
