package twin;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import twin.cli.Cli;
import twin.cli.Direct;
import twin.client.Utf8Out;

/** The twin command's entry point; the only place that calls {@code System.exit}. */
public final class Main {
  private Main() {}

  public static void main(String[] given) {
    String[] args = Argv.utf8(given);
    // The command lines with one reading run without picocli's model (Direct); the rest with it.
    boolean direct = Direct.handles(args);
    // The second core gets ready what the main thread will need next (reading, planning, launching).
    Warmup.startFor(args, !direct);
    PrintWriter out = new Utf8Out(System.out);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = direct ? Direct.execute(args, out, err) : Cli.create(out, err, args).execute(args);
    out.flush();
    err.flush();
    System.exit(code);
  }
}
