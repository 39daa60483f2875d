package twin.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import twin.cli.Cli;

/** The completion scripts the .deb ships are committed; they must match what twin prints now. */
class CompletionScriptTest {
  @ParameterizedTest
  @CsvSource({"bash, src/deb/completion/twin", "zsh, src/deb/completion/_twin"})
  void theCommittedScriptIsWhatTwinCompletionPrints(String shell, String committed) throws Exception {
    StringWriter out = new StringWriter();
    int code = Cli.create(new PrintWriter(out), new PrintWriter(new StringWriter())).execute("completion", shell);

    assertThat(code).isZero();
    assertThat(Files.readString(Path.of(committed)))
        .as("%s is stale; regenerate: bin/twin completion %s > launcher/%s", committed, shell, committed)
        .isEqualTo(out.toString());
  }
}
