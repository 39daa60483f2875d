package twin.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ArgFilesTest {

  @Test
  void whiteSpaceSeparates() {
    assertThat(ArgFiles.tokenize("-Xmx1g  -Dfoo=bar\n\t-Dbaz=qux\r\n-XX:+UseG1GC\r\n"))
        .containsExactly("-Xmx1g", "-Dfoo=bar", "-Dbaz=qux", "-XX:+UseG1GC");
  }

  @Test
  void emptyTextHasNoTokens() {
    assertThat(ArgFiles.tokenize("")).isEmpty();
    assertThat(ArgFiles.tokenize(" \n\t \r\n")).isEmpty();
  }

  @Test
  void doubleQuotesGroup() {
    assertThat(ArgFiles.tokenize("-Dgreeting=\"hello world\" \"-Dother=a b\" -Dx=1"))
        .containsExactly("-Dgreeting=hello world", "-Dother=a b", "-Dx=1");
  }

  @Test
  void singleQuotesGroup() {
    assertThat(ArgFiles.tokenize("'-Dsingle=a b' -Dmixed='x y'z"))
        .containsExactly("-Dsingle=a b", "-Dmixed=x yz");
  }

  @Test
  void theOtherQuoteIsLiteralInsideQuotes() {
    assertThat(ArgFiles.tokenize("\"-Dmsg=it's\" '-Dq=say \"hi\"'"))
        .containsExactly("-Dmsg=it's", "-Dq=say \"hi\"");
  }

  @Test
  void backslashEscapesInsideQuotes() {
    // text: "-Dq=say \"hi\"" "-Dwin=C:\\dir"
    assertThat(ArgFiles.tokenize("\"-Dq=say \\\"hi\\\"\" \"-Dwin=C:\\\\dir\""))
        .containsExactly("-Dq=say \"hi\"", "-Dwin=C:\\dir");
  }

  @Test
  void backslashIsLiteralOutsideQuotes() {
    assertThat(ArgFiles.tokenize("-Dwin=C:\\dir\\file")).containsExactly("-Dwin=C:\\dir\\file");
  }

  @Test
  void hashAtTheStartOfATokenCommentsOutTheLine() {
    String text = "# the orders service\n-Dx=1\n  # -Dcommented=out\n-Dy=2 # trailing comment -Dz=0\n-Dz=3\n#last";
    assertThat(ArgFiles.tokenize(text)).containsExactly("-Dx=1", "-Dy=2", "-Dz=3");
  }

  @Test
  void hashInsideATokenOrQuotesIsKept() {
    assertThat(ArgFiles.tokenize("-Dcolor=#fff \"#not-a-comment\""))
        .containsExactly("-Dcolor=#fff", "#not-a-comment");
  }
}
