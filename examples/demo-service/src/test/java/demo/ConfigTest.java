package demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

  private static final String TOKEN = "s3cret-token";

  @Test
  void defaultsApplyWhenOnlyTheTokenIsSet() {
    Config config = Config.fromEnv(Map.of("DEMO_API_TOKEN", TOKEN));

    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.dbPath()).isEqualTo(Path.of("var/demo.db"));
    assertThat(config.apiToken()).isEqualTo(TOKEN);
  }

  @Test
  void readsPortAndDbPath() {
    Config config = Config.fromEnv(
        Map.of("DEMO_API_TOKEN", TOKEN, "DEMO_PORT", "9091", "DEMO_DB_PATH", "/tmp/x/demo.db"));

    assertThat(config.port()).isEqualTo(9091);
    assertThat(config.dbPath()).isEqualTo(Path.of("/tmp/x/demo.db"));
    assertThat(config.jdbcUrl()).isEqualTo("jdbc:sqlite:/tmp/x/demo.db");
  }

  @Test
  void relativeDbPathResolvesAgainstTheWorkingDirectory() {
    Config config = Config.fromEnv(Map.of("DEMO_API_TOKEN", TOKEN));

    assertThat(config.jdbcUrl())
        .isEqualTo("jdbc:sqlite:" + Path.of("").toAbsolutePath().resolve("var/demo.db"));
  }

  @Test
  void missingOrBlankTokenIsAnError() {
    assertThatThrownBy(() -> Config.fromEnv(Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DEMO_API_TOKEN");
    assertThatThrownBy(() -> Config.fromEnv(Map.of("DEMO_API_TOKEN", "  ")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badPortIsAnErrorThatDoesNotLeakTheToken() {
    for (String port : new String[] {"http", "-1", "65536"}) {
      assertThatThrownBy(() -> Config.fromEnv(Map.of("DEMO_API_TOKEN", TOKEN, "DEMO_PORT", port)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("DEMO_PORT")
          .message().doesNotContain(TOKEN);
    }
  }

  @Test
  void toStringMasksTheToken() {
    Config config = Config.fromEnv(Map.of("DEMO_API_TOKEN", TOKEN));

    assertThat(config.toString()).contains("apiToken=***").doesNotContain(TOKEN);
  }

  @Test
  void formatCentsRendersDollars() {
    assertThat(Orders.formatCents(12550)).isEqualTo("$125.50");
    assertThat(Orders.formatCents(5)).isEqualTo("$0.05");
    assertThat(Orders.formatCents(-5)).isEqualTo("-$0.05");
    assertThat(Orders.formatCents(0)).isEqualTo("$0.00");
  }
}
