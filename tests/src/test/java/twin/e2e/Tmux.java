package twin.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A tmux server of our own (own -L socket under the temp dir), so no other session is touched. */
final class Tmux {
  private final Path dir;
  private final Map<String, String> env;
  private final String socket = "twin-e2e-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  private final String session = "twin";

  Tmux(Path temp, Map<String, String> env) {
    this.dir = temp.resolve("tmux");
    this.env = env;
  }

  void requireInstalled() {
    TwinCli.Result r;
    try {
      r = run(false, "-V");
    } catch (AssertionError e) {
      throw new AssertionError("tmux is required for this test and could not run; install tmux (apt-get install tmux)", e);
    }
    if (r.exitCode() != 0) {
      fail("tmux is required for this test: 'tmux -V' failed; install tmux (apt-get install tmux)%n%s", r.describe());
    }
  }

  void newSession(Path cwd, String command) {
    check(run(true, "new-session", "-d", "-s", session, "-x", "200", "-y", "50", "-c", cwd.toString(), command));
  }

  void type(String text) {
    check(run(true, "send-keys", "-t", session, "-l", text));
  }

  void keys(String key) {
    check(run(true, "send-keys", "-t", session, key));
  }

  /** The pane's text, scrollback included. */
  String screen() {
    TwinCli.Result r = run(true, "capture-pane", "-p", "-J", "-S", "-", "-t", session);
    return r.exitCode() == 0 ? r.stdout() : "(capture-pane failed: " + r.stderr() + ")";
  }

  void killServer() {
    try {
      run(true, "kill-server");
    } catch (AssertionError e) {
      // no tmux, or no server left
    }
  }

  private static void check(TwinCli.Result r) {
    assertThat(r.exitCode()).as("tmux: %s", r.describe()).isZero();
  }

  private TwinCli.Result run(boolean withSocket, String... args) {
    List<String> command = new ArrayList<>(List.of("tmux"));
    if (withSocket) {
      command.addAll(List.of("-L", socket));
    }
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(Fixtures.repo().toFile());
    builder.environment().clear();
    builder.environment().putAll(env);
    builder.environment().put("TMUX_TMPDIR", dir.toString());
    builder.environment().put("TERM", "xterm-256color");
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    try (Spawned p = Spawned.start(builder, null)) {
      return p.await(Duration.ofSeconds(15));
    }
  }
}
