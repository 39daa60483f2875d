package twin.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FrameWriterTest {

  @TempDir Path tmp;

  private ServerSocketChannel server;
  /** The twin's end: it connects out and writes through a FrameWriter. */
  private SocketChannel twin;
  /** The supervisor's end: it reads frames. */
  private SocketChannel supervisor;
  private DataInputStream in;
  private final List<IOException> failures = new CopyOnWriteArrayList<>();

  @BeforeEach
  void connect() throws IOException {
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(tmp.resolve("channel.sock"));
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(address);
    twin = SocketChannel.open(address);
    supervisor = server.accept();
    in = new DataInputStream(new BufferedInputStream(ChannelStreams.input(supervisor)));
  }

  @AfterEach
  void close() throws IOException {
    twin.close();
    supervisor.close();
    server.close();
  }

  private FrameWriter writer() {
    return new FrameWriter(ChannelStreams.output(twin), "twin-writer-test", failures::add);
  }

  @Test
  void framesFromManyThreadsArriveIntactAndInOrderPerThread() throws Exception {
    FrameWriter writer = writer();
    int threads = 8;
    int perThread = 2000;
    String payload = "x".repeat(300) + " é 🙂 ";
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> senders = new ArrayList<>();
    for (int t = 1; t <= threads; t++) {
      int session = t;
      senders.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < perThread; i++) {
          writer.send(Frame.of(session, FrameType.OUT, Integer.toString(i), payload + session));
        }
        return null;
      }));
    }
    start.countDown();

    Map<Integer, Integer> next = new HashMap<>();
    for (int n = 0; n < threads * perThread; n++) {
      Frame frame = FrameIO.read(in);
      assertThat(frame).isNotNull();
      int expected = next.getOrDefault(frame.session(), 0);
      assertThat(frame.type()).isEqualTo(FrameType.OUT);
      assertThat(frame.fields()).containsExactly(Integer.toString(expected), payload + frame.session());
      next.put(frame.session(), expected + 1);
    }
    for (Future<?> f : senders) {
      f.get(10, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(next).hasSize(threads).allSatisfy((session, count) -> assertThat(count).isEqualTo(perThread));
    assertThat(failures).isEmpty();
    writer.finish();
  }

  @Test
  void interruptedThreadCanSendAndTheChannelStaysOpen() throws Exception {
    FrameWriter writer = writer();
    AtomicBoolean stillInterrupted = new AtomicBoolean();
    Thread evaluation = new Thread(() -> {
      Thread.currentThread().interrupt();
      writer.send(Frame.of(3, FrameType.ERR, "Execution interrupted"));
      writer.send(Frame.of(3, FrameType.RET, "user", "5", "exception", "InterruptedException", "(Thread/sleep 1e6)"));
      stillInterrupted.set(Thread.currentThread().isInterrupted());
    });
    evaluation.start();
    evaluation.join(10_000);

    assertThat(FrameIO.read(in)).isEqualTo(Frame.of(3, FrameType.ERR, "Execution interrupted"));
    assertThat(FrameIO.read(in).type()).isEqualTo(FrameType.RET);
    assertThat(stillInterrupted).as("the caller keeps its interrupt status").isTrue();
    assertThat(twin.isOpen()).as("the channel survives the interrupt").isTrue();

    writer.send(Frame.of(4, FrameType.READY, "user"));
    assertThat(FrameIO.read(in)).isEqualTo(Frame.of(4, FrameType.READY, "user"));
    assertThat(failures).isEmpty();
    writer.finish();
  }

  @Test
  void theHazardFrameWriterAvoidsIsReal() throws Exception {
    // Without FrameWriter: an interrupted thread writing to the channel itself closes it.
    AtomicBoolean closedByInterrupt = new AtomicBoolean();
    Thread evaluation = new Thread(() -> {
      Thread.currentThread().interrupt();
      try {
        twin.write(ByteBuffer.wrap(new byte[] {1}));
      } catch (ClosedByInterruptException e) {
        closedByInterrupt.set(true);
      } catch (IOException e) {
        // not the failure this test shows
      }
    });
    evaluation.start();
    evaluation.join(10_000);

    assertThat(closedByInterrupt).isTrue();
    assertThat(twin.isOpen()).isFalse();
  }

  @Test
  void finishWritesEverythingQueued() throws Exception {
    FrameWriter writer = writer();
    for (int i = 0; i < 1000; i++) {
      writer.send(Frame.of(1, FrameType.OUT, Integer.toString(i)));
    }
    writer.finish();
    twin.shutdownOutput();

    for (int i = 0; i < 1000; i++) {
      assertThat(FrameIO.read(in)).isEqualTo(Frame.of(1, FrameType.OUT, Integer.toString(i)));
    }
    assertThat(FrameIO.read(in)).as("nothing after the last frame, not even the stop marker").isNull();
  }

  @Test
  void brokenStreamIsReportedOnceAndLaterSendsReturn() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch failed = new CountDownLatch(1);
    OutputStream broken = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("Broken pipe");
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        throw new IOException("Broken pipe");
      }
    };
    FrameWriter writer = new FrameWriter(broken, "broken-writer", e -> {
      calls.incrementAndGet();
      failed.countDown();
    });

    writer.send(Frame.of(1, FrameType.OUT, "lost"));
    assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
    // More than the queue holds: after a failure send must neither block nor fail.
    for (int i = 0; i < 10_000; i++) {
      writer.send(Frame.of(1, FrameType.OUT, "after"));
    }
    writer.finish();

    assertThat(calls).hasValue(1);
  }

  @Test
  void closedPeerIsReportedAsAFailure() throws Exception {
    CountDownLatch failed = new CountDownLatch(1);
    FrameWriter writer = new FrameWriter(ChannelStreams.output(twin), "peer-gone", e -> failed.countDown());
    supervisor.close();

    for (int i = 0; i < 100 && failed.getCount() > 0; i++) {
      writer.send(Frame.of(1, FrameType.OUT, "x".repeat(10_000)));
      failed.await(50, TimeUnit.MILLISECONDS);
    }

    assertThat(failed.getCount()).isZero();
    writer.finish();
  }

  @Test
  void channelStreamsReadAndWriteAtTheSameTime() throws Exception {
    // A read blocked on one direction must not stall a write in the other.
    DataInputStream twinIn = new DataInputStream(ChannelStreams.input(twin));
    Thread reader = new Thread(() -> {
      try {
        FrameIO.read(twinIn);
      } catch (IOException e) {
        // the socket closes at the end of the test
      }
    });
    reader.setDaemon(true);
    reader.start();
    Thread.sleep(100);

    FrameWriter writer = writer();
    writer.send(Frame.of(2, FrameType.NOTICE, "while a read is blocked"));

    assertThat(FrameIO.read(in)).isEqualTo(Frame.of(2, FrameType.NOTICE, "while a read is blocked"));
    writer.finish();
  }

  @Test
  void channelInputAtEndOfStream() throws IOException {
    twin.shutdownOutput();

    assertThat(FrameIO.read(in)).isNull();
    assertThatThrownBy(() -> in.readByte()).isInstanceOf(java.io.EOFException.class);
  }
}
