package twin.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvFileTest {

  @TempDir Path tmp;

  private Map<String, String> parse(String text) throws Exception {
    Path file = tmp.resolve("service.env");
    Files.writeString(file, text);
    return EnvFile.parse(file);
  }

  private ProfileException error(String text) throws Exception {
    Path file = tmp.resolve("service.env");
    Files.writeString(file, text);
    return catchThrowableOfType(ProfileException.class, () -> EnvFile.parse(file));
  }

  @Test
  void aNulInAValueIsAnErrorAtItsNameWithoutTheValue() throws Exception {
    ProfileException e = error("A=1\nDB_PASSWORD=nulsecret-42\0tail\n");
    assertThat(e).isNotNull();
    assertThat(e.getMessage()).endsWith("service.env:2:1: error: DB_PASSWORD holds a NUL character, which no "
        + "process can be given; remove it").doesNotContain("nulsecret");
    assertThat(e.snippet()).isEmpty();
  }

  @Test
  void readsPlainAssignmentsInOrder() throws Exception {
    assertThat(parse("B=2\nA=1\nC=\n")).containsExactly(
        Map.entry("B", "2"), Map.entry("A", "1"), Map.entry("C", ""));
  }

  @Test
  void skipsBlankLinesAndComments() throws Exception {
    assertThat(parse("# a comment\n\n   \n; another\n  # indented\nA=1 # not a comment\n"))
        .containsExactly(Map.entry("A", "1 # not a comment"));
  }

  @Test
  void trimsAroundKeysAndUnquotedValues() throws Exception {
    assertThat(parse("  A  =  spaced value  \n\tB\t=\tx\n")).containsExactly(
        Map.entry("A", "spaced value"), Map.entry("B", "x"));
  }

  @Test
  void stripsQuotes() throws Exception {
    assertThat(parse("A='single $HOME \\n'\nB=\"double\"\nC=\"  kept  \"\nD=''\n"))
        .containsExactly(Map.entry("A", "single $HOME \\n"), Map.entry("B", "double"),
            Map.entry("C", "  kept  "), Map.entry("D", ""));
  }

  @Test
  void unescapesInDoubleQuotesLikeSystemd() throws Exception {
    // systemd unescapes \" \\ \` \$ and keeps any other backslash as written.
    assertThat(parse("A=\"say \\\"hi\\\" \\\\ \\$x \\n\"\n"))
        .containsEntry("A", "say \"hi\" \\ $x \\n");
  }

  @Test
  void quotedValuesMaySpanLines() throws Exception {
    assertThat(parse("KEY=\"-----BEGIN\nline2\n-----END\"\nNEXT=1\n")).containsExactly(
        Map.entry("KEY", "-----BEGIN\nline2\n-----END"), Map.entry("NEXT", "1"));
  }

  @Test
  void aTrailingBackslashContinuesTheLine() throws Exception {
    assertThat(parse("OPTS=-Xmx1g \\\n  -Xss1m\nB=\"one \\\ntwo\"\nC=x\\\r\ny\r\n"))
        .containsExactly(Map.entry("OPTS", "-Xmx1g   -Xss1m"), Map.entry("B", "one two"),
            Map.entry("C", "xy"));
  }

  @Test
  void toleratesExport() throws Exception {
    assertThat(parse("export A=1\nexport\tB=\"2\"\nexport=3\n")).containsExactly(
        Map.entry("A", "1"), Map.entry("B", "2"), Map.entry("export", "3"));
  }

  @Test
  void laterAssignmentsWin() throws Exception {
    assertThat(parse("A=1\nB=2\nA=3\n")).containsEntry("A", "3").hasSize(2);
  }

  @Test
  void handlesCrlfAndAMissingFinalNewline() throws Exception {
    assertThat(parse("A=1\r\nB=2")).containsExactly(Map.entry("A", "1"), Map.entry("B", "2"));
  }

  @Test
  void aMalformedLineIsReportedWithoutItsContent() throws Exception {
    ProfileException e = error("A=1\n# ok\n  hunter2-secret-value\nB=2\n");
    Path file = tmp.resolve("service.env");
    assertThat(e.getMessage()).isEqualTo(
        file + ":3:3: error: expected KEY=VALUE (KEY matching [A-Za-z_][A-Za-z0-9_]*)");
    assertThat(e.getMessage()).doesNotContain("hunter2");
    assertThat(e.snippet()).isEmpty();
    assertThat(e.mark()).hasValue(new SourceMark(file.toString(), 3, 3));
  }

  @Test
  void aBadKeyIsReportedWithoutTheValue() throws Exception {
    ProfileException e = error("DB PASSWORD=hunter2\n");
    assertThat(e.getMessage()).endsWith(":1:1: error: expected KEY=VALUE "
        + "(KEY matching [A-Za-z_][A-Za-z0-9_]*)");
    assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain("PASSWORD");
    assertThat(error("1A=x\n").getMessage()).contains(":1:1: error: expected KEY=VALUE");
    assertThat(error("A=1\n=novalue\n").getMessage()).contains(":2:1: error: expected KEY=VALUE");
  }

  @Test
  void anUnterminatedQuoteIsReportedAtTheQuote() throws Exception {
    ProfileException e = error("A=1\nB= \"s3cret-unterminated\n");
    assertThat(e.getMessage()).endsWith(":2:4: error: unterminated quoted value");
    assertThat(e.getMessage()).doesNotContain("s3cret");
  }

  @Test
  void aMissingFileIsReportedWithoutAPosition() {
    Path missing = tmp.resolve("missing.env");
    ProfileException e = catchThrowableOfType(ProfileException.class,
        () -> EnvFile.parse(missing));
    assertThat(e.getMessage()).isEqualTo(missing + ": error: cannot read env file: no such file");
    assertThat(e.mark()).isEmpty();
  }

  @Test
  void aDirectoryIsNotAnEnvFile() {
    ProfileException e = catchThrowableOfType(ProfileException.class, () -> EnvFile.parse(tmp));
    assertThat(e.getMessage()).isEqualTo(tmp + ": error: cannot read env file: is a directory");
  }

  @Test
  void invalidUtf8IsReportedWithoutContent() throws Exception {
    Path file = tmp.resolve("bad.env");
    Files.write(file, new byte[] {'A', '=', (byte) 0xff, (byte) 0xfe, '\n'});
    ProfileException e = catchThrowableOfType(ProfileException.class, () -> EnvFile.parse(file));
    assertThat(e.getMessage()).isEqualTo(file + ": error: cannot read env file: not valid UTF-8");
    assertThat(e.getCause()).isNull();
  }
}
