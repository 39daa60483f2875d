package twin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import twin.ExitCodes;

/**
 * The man page the .deb ships is written by hand: it must name every command a user can type and
 * every exit code, so that a new command or code cannot reach a release undocumented.
 */
class ManPageTest {
  static String page;

  @BeforeAll
  static void read() throws Exception {
    page = Files.readString(Path.of("src/deb/twin.1"));
  }

  /** The text of each {@code .TP} item's first line in a section, with roff's escapes and quotes taken out. */
  static List<String> items(String section) {
    String body = page.substring(page.indexOf(".SH " + section));
    body = body.substring(0, body.indexOf("\n.SH ", 1) < 0 ? body.length() : body.indexOf("\n.SH ", 1));
    List<String> items = new ArrayList<>();
    String[] lines = body.split("\n");
    for (int i = 0; i + 1 < lines.length; i++) {
      if (lines[i].equals(".TP")) {
        items.add(lines[i + 1].replaceFirst("^\\.[A-Z]+ ", "").replace("\"", "").replace("\\-", "-")
            .replaceAll("\\\\f[BIPR]", ""));
      }
    }
    return items;
  }

  @Test
  void everyCommandAndSubcommandHasAnItem() {
    List<String> items = items("COMMANDS");
    for (Class<?> type : TwinCommand.SUBCOMMANDS) {
      Command command = type.getAnnotation(Command.class);
      if (command.hidden() || type == picocli.CommandLine.HelpCommand.class) {
        continue;
      }
      String name = command.name();
      assertThat(items).as("an item for twin %s in twin.1", name).anyMatch(item -> item.startsWith(name + " ")
          || item.equals(name));
      for (Class<?> sub : command.subcommands()) {
        String subName = sub.getAnnotation(Command.class).name();
        assertThat(items).as("twin %s %s in twin.1", name, subName)
            .anyMatch(item -> item.matches("\\Q" + name + "\\E ([a-z|]+\\|)?\\Q" + subName + "\\E([ |].*)?"));
      }
    }
  }

  @Test
  void everyExitCodeIsListed() throws Exception {
    List<String> codes = items("EXIT STATUS");
    List<String> expected = new ArrayList<>();
    for (Field f : ExitCodes.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
        expected.add(Integer.toString(f.getInt(null)));
      }
    }
    expected.add("130"); // Ctrl-C: the JVM's own exit on a second SIGINT
    assertThat(codes).containsExactlyInAnyOrderElementsOf(expected);
  }
}
