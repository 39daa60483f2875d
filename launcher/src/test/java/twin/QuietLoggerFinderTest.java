package twin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The launcher's System.Logger: found through META-INF/services, one warning line, nothing below. */
class QuietLoggerFinderTest {
  @Test
  void theLauncherUsesItAndNotJavaUtilLogging() {
    assertThat(System.LoggerFinder.getLoggerFinder()).isInstanceOf(QuietLoggerFinder.class);
  }

  @Test
  void warningsAreOneLineAndDebugIsDropped() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      System.Logger logger = System.getLogger("org.yaml.snakeyaml.TypeDescription");
      assertThat(logger.isLoggable(System.Logger.Level.DEBUG)).isFalse();
      assertThat(logger.isLoggable(System.Logger.Level.WARNING)).isTrue();
      logger.log(System.Logger.Level.DEBUG, "noise");
      logger.log(System.Logger.Level.INFO, "more noise");
      logger.log(System.Logger.Level.WARNING, "property {0} ignored", "x");
    } finally {
      System.setErr(saved);
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .isEqualTo("twin: warning: org.yaml.snakeyaml.TypeDescription: property x ignored" + System.lineSeparator());
  }
}
