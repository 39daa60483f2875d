package twin.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FormBalanceTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "",
      "42",
      ":kw",
      "(+ 1 2)",
      "(let [a {:b [1 2 #{3}]}] (str a))",
      "(+ 1\n   2)",
      "(str \"(\")",
      "(str \"a)b]c}\")",
      "\"[\"",
      "(str \"say \\\"(hi\\\" ok\")",
      "(str \"a\\\\\")",
      "(+ 1 2) ; comment (",
      "; open ( in a comment\n(+ 1 2)",
      "(foo ; ) not a closer\n )",
      "(str \\()",
      "[\\) \\] \\}]",
      "(list \\\" 1)",
      "(a))",
      ")",
      "#\"[a-z(]+\"",
      "(+ 1 2) (+ 3 4)"})
  void complete(String text) {
    assertThat(FormBalance.isComplete(text)).as("%s", text).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "(+ 1",
      "(let [a {:b [1 2]}",
      "(let [a {:b [1 2]}] a",
      "(str \"a)b\"",
      "\"open string",
      "(println \"unterminated)",
      "(str \"a\\\"",
      "(foo ; comment )\n",
      "(list \\)",
      "(str \\( ",
      "[1 2 \"]\"",
      "(+ 1 2) (+ 3",
      "(a)) (b"})
  void incomplete(String text) {
    assertThat(FormBalance.isComplete(text)).as("%s", text).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", " \n\t\n", "; a comment", "  ;; a\n   ; b (\n", ";"})
  void blank(String text) {
    assertThat(FormBalance.isBlank(text)).as("%s", text).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"(+ 1 2)", "x", "  x ; c", "; c\n(foo)", "\"\"", "  \n  :kw\n"})
  void notBlank(String text) {
    assertThat(FormBalance.isBlank(text)).as("%s", text).isFalse();
  }
}
