package twin.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import twin.capture.UnitFile.Setting;

class SystemdUnitSyntaxTest {

  private static final Path FILE = Path.of("x.service");

  private static List<String> settings(String text) {
    return UnitFile.parse(FILE, text).stream()
        .map(s -> s.key() + "=" + s.value() + "@" + s.line())
        .toList();
  }

  @Test
  void quotesGroupAnywhereInAWordAndEscapesWorkEverywhere() {
    assertThat(UnitWords.split("  a\"b c\"d 'e\\tf' \"\" x\\x41\\s\\q  end\\")).containsExactly(
        "ab cd", "e\tf", "", "xA \\q", "end\\");
  }

  @Test
  void anUnterminatedQuoteIsRejected() {
    assertThatThrownBy(() -> UnitWords.split("a 'b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsOnlyServiceSettingsTrimmedAndNumberedByTheirFirstLine() {
    assertThat(settings("\uFEFF[Unit]\nUser=no\n[Service]\r\n  User =  me  \r\n"
        + "ExecStart=/a \\\n  b \\\n; comment\n c\nGroup=g \\\\\n"))
        .containsExactly("User=me@4", "ExecStart=/a    b   c@5", "Group=g \\\\@9");
  }

  @Test
  void aContinuationAtTheEndOfTheFileStillCounts() {
    assertThat(UnitFile.parse(FILE, "[Service]\nSlice=a.slice \\"))
        .containsExactly(new Setting("Slice", "a.slice", FILE, 2));
  }
}
