package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many plain-text clients at once against one detached twin: every evaluation of every client is
 * answered, in order, on that client's own connection, and the twin survives.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DetachedLoadIT {
  private static final int CLIENTS = 16;
  private static final int EVALS = 200;
  private static final String PROMPT = "twin:demo user=> ";

  @TempDir Path temp;
  private TwinCli twin;
  private final List<String> ids = new ArrayList<>();
  private final List<SocketChannel> channels = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    twin = new TwinCli(temp);
  }

  @AfterEach
  void tearDown() {
    for (SocketChannel c : channels) {
      try {
        c.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    DetachedSupport.cleanUp(twin, ids);
  }

  @Test
  void sixteenClientsTimesTwoHundredEvaluations() throws Exception {
    DetachedSupport.Detached d = DetachedSupport.detach(twin, "demo");
    ids.add(d.id());
    Path socket = DetachedSupport.socket(twin, d.id());

    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    long start = System.nanoTime();
    try {
      List<Future<List<Long>>> futures = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        futures.add(pool.submit(() -> client(socket, client)));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(75).toNanos();
      for (int c = 0; c < CLIENTS; c++) {
        List<Long> got;
        try {
          got = futures.get(c).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          throw new AssertionError("client " + c + " did not get its " + EVALS + " results within 75 s", e);
        }
        List<Long> expected = new ArrayList<>();
        for (int n = 0; n < EVALS; n++) {
          expected.add(value(c, n));
        }
        assertThat(got).as("the results client %d read, in order", c).containsExactlyElementsOf(expected);
      }
    } finally {
      pool.shutdownNow();
      for (SocketChannel ch : channels) {
        ch.close();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("DetachedLoadIT: %d clients x %d evaluations in %.2f s: %.0f evaluations/s%n", CLIENTS, EVALS,
        seconds, CLIENTS * EVALS / seconds);

    TwinCli.Result after = twin.run(Duration.ofSeconds(30), null, "eval", d.id(), "(+ 1 2)");
    assertThat(after.exitCode()).as(after.describe()).isZero();
    assertThat(after.stdoutLines()).as(after.describe()).containsExactly("3");
    assertThat(Host.twinPids(twin.runtimeDir())).as("the same twin JVM after the load").containsExactly(d.twinPid());
    Host.await(Duration.ofSeconds(10), "no session left open after the clients closed", () -> {
      TwinCli.Result ps = twin.run(Duration.ofSeconds(30), null, "ps", "--json");
      return ps.stdout().contains("\"sessions\":0");
    });
  }

  private static long value(int client, int n) {
    return client * 1_000_000L + n;
  }

  /** One plain client: writes all its forms at once, reads until it has seen every result. */
  private List<Long> client(Path socket, int client) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channels.add(channel);
    channel.connect(UnixDomainSocketAddress.of(socket));
    StringBuilder forms = new StringBuilder();
    for (int n = 0; n < EVALS; n++) {
      forms.append("(+ ").append(client).append("000000 ").append(n).append(")\n");
    }
    ByteBuffer out = ByteBuffer.wrap(forms.toString().getBytes(StandardCharsets.UTF_8));
    while (out.hasRemaining()) {
      channel.write(out);
    }
    List<Long> results = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    ByteBuffer in = ByteBuffer.allocate(8192);
    int consumed = 0;
    while (results.size() < EVALS) {
      in.clear();
      int n = channel.read(in);
      if (n < 0) {
        throw new AssertionError("client " + client + ": the connection closed after " + results.size()
            + " results; it read:\n" + text);
      }
      text.append(new String(in.array(), 0, n, StandardCharsets.UTF_8));
      int newline;
      while ((newline = text.indexOf("\n", consumed)) >= 0) {
        String line = text.substring(consumed, newline).replace(PROMPT, "").strip();
        consumed = newline + 1;
        if (line.matches("-?\\d+")) {
          results.add(Long.parseLong(line));
        } else if (!line.isEmpty()) {
          throw new AssertionError("client " + client + ": unexpected line '" + line + "'; it read:\n" + text);
        }
      }
    }
    channel.shutdownOutput();
    return results;
  }
}
