package twin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The warm-up only saves time when its built-in profile really reads: a failure there is silent. */
class WarmupTest {
  @Test
  void theBuiltInProfileReads() {
    assertThat(Warmup.read()).as("the warm-up's built-in profile").isNotNull()
        .satisfies(p -> assertThat(p.name()).isEqualTo("warm-up"));
  }
}
