package twin.client;

import static org.assertj.core.api.Assertions.assertThat;

import clojure.java.api.Clojure;
import clojure.lang.IFn;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import twin.secret.Redactor;

/** One record per form, on one line, that a JSON or EDN reader reads back as it was. */
class StructuredPrinterTest {
  private static final String NASTY = "tab\t cr\r nl\n nul\0 esc\u001b bell\u0007 del\u007f quote\" back\\ ls\u2028 é";

  @Test
  void anEdnRecordIsOneLineAndClojureReadsEveryCharacterBack() {
    StringWriter out = new StringWriter();
    StructuredPrinter p = new StructuredPrinter(new PrintWriter(out), new PrintWriter(new StringWriter()), false,
        Redactor.none());
    p.value(NASTY);
    p.finish();
    String text = out.toString();
    assertThat(text.strip()).doesNotContain("\n", "\r", "\0", "\u001b", "\u2028");
    IFn read = Clojure.var("clojure.edn", "read-string");
    Clojure.var("clojure.core", "require").invoke(Clojure.read("clojure.edn"));
    Object record = read.invoke(text.strip());
    assertThat(((clojure.lang.ILookup) record).valAt(clojure.lang.Keyword.intern("value"))).isEqualTo(NASTY);
  }
}
