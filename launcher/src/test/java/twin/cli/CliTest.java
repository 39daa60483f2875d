package twin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command tree a command line needs: only the subcommand it names, yet the same behaviour. */
class CliTest {
  private static String[] run(boolean lean, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = lean ? Cli.create(new PrintWriter(out), new PrintWriter(err), args)
        : Cli.create(new PrintWriter(out), new PrintWriter(err));
    int code = cli.execute(args);
    return new String[] {Integer.toString(code), out.toString(), err.toString()};
  }

  @Test
  void aNamedSubcommandIsTheOnlyOneBuilt() {
    assertThat(Cli.subcommandsFor(new String[] {"eval", "demo", "(+ 1 2)"}))
        .containsExactly(TwinsCommands.EvalCommand.class);
    assertThat(Cli.subcommandsFor(new String[] {"--stacktrace", "ps", "--json"}))
        .containsExactly(TwinsCommands.PsCommand.class);
    assertThat(Cli.subcommandsFor(new String[] {"profiles", "list"})).containsExactly(ProfilesCommand.class);
  }

  @Test
  void aCommandLineTwinCannotReadIsOneLineWithTheNearestWordAndWhereHelpIs() {
    String[][] cases = {
        {"twin: error: unknown command 'launhc'; did you mean launch? (see 'twin --help')", "launhc", "demo"},
        {"twin: error: unknown command 'bogus' (see 'twin --help')", "bogus"},
        {"twin: error: Unknown option: '--detch'; did you mean --detach? (see 'twin launch --help')",
            "launch", "demo", "--detch"},
        {"twin: error: Invalid value for option '--pid': 'abc' is not a whole number (see 'twin capture --help')",
            "capture", "--pid", "abc"},
        {"twin: error: unknown command 'lst'; did you mean list? (see 'twin profiles --help')", "profiles", "lst"},
        {"twin: error: unexpected argument 'extra' (see 'twin launch --help')", "launch", "demo", "extra"},
    };
    for (String[] c : cases) {
      String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
      String[] r = run(true, args);
      assertThat(r[0]).as(String.join(" ", args)).isEqualTo("2");
      assertThat(r[2]).as(String.join(" ", args)).isEqualTo(c[0] + System.lineSeparator());
      assertThat(r[1]).isEmpty();
    }
  }

  @Test
  void versionNeedsNoSubcommand() {
    assertThat(Cli.subcommandsFor(new String[] {"--version"})).isEmpty();
    assertThat(Cli.subcommandsFor(new String[] {"-V"})).isEmpty();
  }

  @Test
  void helpCompletionArgFilesAndUnknownWordsGetTheWholeTree() {
    for (String[] args : List.of(new String[] {}, new String[] {"--help"}, new String[] {"-V", "-h"},
        new String[] {"help", "eval"}, new String[] {"completion", "bash"}, new String[] {"@args.txt"},
        new String[] {"evl"}, new String[] {"--stacktrace"}, new String[] {"--", "eval"})) {
      assertThat(Cli.subcommandsFor(args)).as(String.join(" ", args)).isEqualTo(TwinCommand.SUBCOMMANDS);
    }
  }

  @Test
  void everySubcommandIsFoundByNameAndAlias() {
    for (Class<?> subcommand : TwinCommand.SUBCOMMANDS) {
      Command command = subcommand.getAnnotation(Command.class);
      if (subcommand == CompletionCommand.class || subcommand == CommandLine.HelpCommand.class) {
        continue;
      }
      assertThat(Cli.subcommandsFor(new String[] {command.name()})).containsExactly(subcommand);
      for (String alias : command.aliases()) {
        assertThat(Cli.subcommandsFor(new String[] {alias})).containsExactly(subcommand);
      }
    }
  }

  @Test
  void theLeanTreeAnswersAsTheWholeTreeDoes() {
    List<String[]> cases = List.of(new String[] {"--version"}, new String[] {"eval"},
        new String[] {"eval", "--bogus", "x", "y"}, new String[] {"eval", "--help"}, new String[] {"ps", "--bogus"},
        new String[] {"profiles", "--help"}, new String[] {"profiles", "lst"}, new String[] {"launch", "--heap"},
        new String[] {"--version", "--bogus"}, new String[] {"evl"}, new String[] {"--", "eval"},
        new String[] {"--stacktrace", "eval", "--bogus"});
    for (String[] args : cases) {
      assertThat(run(true, args)).as(String.join(" ", args)).isEqualTo(run(false, args));
    }
  }
}
