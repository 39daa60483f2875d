package twin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** The command lines run without picocli's model get exactly the command picocli would run. */
class DirectTest {
  private static final List<String> WORDS = List.of("launch", "attach", "eval", "run", "ps", "stop", "profiles",
      "list", "show", "help", "demo", "(+ 1 2)", "check.clj", "", "demo-3f9a1c");

  /**
   * picocli's command object for {@code args}, or null when picocli refuses them; from the tree
   * {@code twin} builds for them (only the named subcommand: CliTest checks it answers as the
   * whole tree does).
   */
  private static Object picocli(String[] args) {
    PrintWriter sink = new PrintWriter(new StringWriter());
    CommandLine cli = Cli.create(sink, sink, args);
    ParseResult result;
    try {
      result = cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      return null;
    }
    while (result.hasSubcommand()) {
      result = result.subcommand();
    }
    return result.commandSpec().userObject();
  }

  /** Every instance field but picocli's spec, by name: what a command runs from. */
  private static Map<String, Object> fields(Object command) throws IllegalAccessException {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Field field : command.getClass().getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers()) || field.getType() == CommandSpec.class) {
        continue;
      }
      field.setAccessible(true);
      values.put(field.getName(), field.get(command));
    }
    return values;
  }

  private static List<String[]> commandLines(int maxWords) {
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[0]);
    for (int n = 1; n <= maxWords; n++) {
      int[] index = new int[n];
      while (true) {
        String[] line = new String[n];
        for (int i = 0; i < n; i++) {
          line[i] = WORDS.get(index[i]);
        }
        lines.add(line);
        int i = n - 1;
        while (i >= 0 && ++index[i] == WORDS.size()) {
          index[i--] = 0;
        }
        if (i < 0) {
          break;
        }
      }
    }
    return lines;
  }

  @Test
  void everyDirectCommandLineIsOnePicocliParsesTheSameWay() throws Exception {
    int direct = 0;
    for (String[] args : commandLines(4)) {
      Direct.Streamed command = Direct.command(args);
      if (command == null) {
        continue;
      }
      direct++;
      Object expected = picocli(args);
      assertThat(expected).as(String.join(" | ", args)).isNotNull();
      assertThat(command).as(String.join(" | ", args)).hasSameClassAs(expected);
      assertThat(fields(command)).as(String.join(" | ", args)).isEqualTo(fields(expected));
    }
    // launch, attach, stop: 15 each; eval: 15*15 + 15*15*15; run: 15*15; ps and profiles list: 1 each.
    assertThat(direct).isEqualTo(3 * 15 + 15 * 15 + 15 * 15 * 15 + 15 * 15 + 2);
  }

  @Test
  void optionsHelpArgfilesAndOddCountsAreLeftToPicocli() {
    for (String[] args : List.of(new String[] {}, new String[] {"--help"}, new String[] {"-h"},
        new String[] {"eval", "demo"}, new String[] {"eval", "demo", "--json", "(+ 1 2)"},
        new String[] {"eval", "demo", "-1"}, new String[] {"eval", "demo", "@forms.txt"},
        new String[] {"eval", "--", "demo", "(+ 1 2)"}, new String[] {"--stacktrace", "eval", "demo", "x"},
        new String[] {"launch"}, new String[] {"launch", "demo", "extra"}, new String[] {"launch", "demo", "--dry-run"},
        new String[] {"run", "demo"}, new String[] {"ps", "--json"}, new String[] {"ps", "extra"},
        new String[] {"stop"}, new String[] {"stop", "--all"}, new String[] {"profiles"},
        new String[] {"profiles", "show", "demo"}, new String[] {"profiles", "list", "extra"},
        new String[] {"help", "eval"}, new String[] {"evl", "demo", "x"}, new String[] {"Eval", "demo", "x"},
        new String[] {"sql", "demo", "select 1"}, new String[] {"--version", "eval"}, new String[] {"-V", "-h"})) {
      assertThat(Direct.handles(args)).as(String.join(" ", args)).isFalse();
    }
    assertThat(Direct.handles(new String[] {"--version"})).isTrue();
    assertThat(Direct.handles(new String[] {"-V"})).isTrue();
  }

  private static String[] direct(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Integer code = Direct.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  private static String[] picocliRun(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.create(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  @Test
  void outputErrorsAndExitCodesAreThoseOfPicocliRunningTheSameCommand() {
    for (String[] args : List.of(new String[] {"--version"}, new String[] {"-V"},
        new String[] {"eval", "no-such-profile-7f3e", "(+ 1 2)"},
        new String[] {"launch", "/nonexistent/no-such-profile.yaml"},
        new String[] {"run", "no-such-profile-7f3e", "/nonexistent/check.clj"})) {
      String[] direct = direct(args);
      assertThat(direct).as(String.join(" ", args)).isEqualTo(picocliRun(args));
      assertThat(direct[1] + direct[2]).as(String.join(" ", args)).isNotBlank();
    }
    assertThat(direct("--version")[1]).startsWith("twin ").contains("\njava " + System.getProperty("java.version"));
    assertThat(direct("eval", "no-such-profile-7f3e", "(+ 1 2)")[2]).startsWith("twin: error: ").doesNotContain("\tat ");
  }

  @Test
  void otherCommandLinesAreNotRun() {
    assertThat(direct("eval", "demo", "--json", "(+ 1 2)")).containsExactly("null", "", "");
  }
}
