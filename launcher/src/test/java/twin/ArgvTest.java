package twin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ArgvTest {
  static byte[] cmdline(String... words) {
    return (String.join("\0", words) + "\0").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void argumentsWithoutLostCharactersAreKept() {
    String[] args = {"sql", "orders", "select 'Müller'"};
    assertThat(Argv.utf8(args)).isSameAs(args);
  }

  @Test
  void theKernelsCopyRestoresWhatAnAsciiLocaleLost() {
    byte[] raw = cmdline("/usr/bin/java", "-cp", "twin.jar", "twin.Main", "sql", "orders", "select 'Müller 😀'");
    String[] got = Argv.fromCmdline(raw, 3);
    assertThat(got).containsExactly("sql", "orders", "select 'Müller 😀'");
    assertThat(Argv.matches(new String[] {"sql", "orders", "select 'M\uFFFD\uFFFDller \uFFFD\uFFFD\uFFFD\uFFFD'"}, got)).isTrue();
    assertThat(Argv.fromCmdline(raw, 8)).isNull();
  }

  @Test
  void aCopyThatDisagreesOrIsNotUtf8IsNotTaken() {
    String[] lost = {"sql", "x\uFFFD"};
    assertThat(Argv.matches(lost, new String[] {"eval", "xé"})).as("another argument differs").isFalse();
    byte[] latin1 = {'s', 'q', 'l', 0, 'x', (byte) 0xE9, 0};
    assertThat(Argv.matches(lost, Argv.fromCmdline(latin1, 2))).as("not UTF-8 either").isFalse();
  }
}
