package twin.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import twin.profile.Profile;
import twin.profile.TwinSettings;
import twin.secret.Redactor;

class PlanRendererTest {

  private static final Path JAVA = Path.of("/usr/lib/jvm/java-17/bin/java");
  private static final Path PRIVATE = Path.of("/run/twin/orders-1");

  private static LaunchPlan plan(List<String> jvmOptions, Map<String, String> env, List<String> init) {
    Profile profile = new Profile(Path.of("/etc/twin/profiles/orders.yaml"), "orders", JAVA.toString(),
        Path.of("/opt/orders"), List.of("lib/*"), null, "com.example.Main", List.of(), jvmOptions, Map.of(),
        List.of(), null, new TwinSettings(init, null, null, null, null), Map.of());
    ServiceFacts facts = new ServiceFacts(JAVA, "17.0.9", Path.of("/opt/orders"), jvmOptions,
        List.of("/opt/orders/lib/*"), true, env, List.of(), new ServiceFacts.TargetUser("orders", 1000, 1000),
        new ServiceFacts.HostTools(Path.of("/usr/bin/setsid"), null, null, null, null, false));
    PlanOptions options = new PlanOptions("orders-1", Path.of("/usr/lib/twin/twin-runtime.jar"), List.of(),
        PRIVATE, 1000, "orders", null, false);
    return LaunchPlanner.plan(profile, facts, options);
  }

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  /** The lines of one section: after its heading, up to the next blank line. */
  private static List<String> section(String text, String heading) {
    List<String> lines = Arrays.asList(text.split("\n", -1));
    int start = lines.indexOf(heading);
    assertThat(start).as("section %s in%n%s", heading, text).isGreaterThanOrEqualTo(0);
    List<String> out = new ArrayList<>();
    for (int i = start + 1; i < lines.size() && !lines.get(i).isEmpty(); i++) {
      out.add(lines.get(i));
    }
    return out;
  }

  @Test
  void dryRunListsArgvOnePerLineShellQuoted() {
    LaunchPlan plan = plan(List.of("-Dapp.env=prod", "-Dgreeting=hello world", "-Xmx4g"), env("PATH", "/usr/bin"),
        List.of());

    String text = PlanRenderer.render(plan, new Redactor(plan.env()));

    List<String> expected = plan.argv().stream().map(a -> "  " + ShellQuote.quote(a)).toList();
    assertThat(section(text, "argv:")).containsExactlyElementsOf(expected);
    assertThat(section(text, "argv:")).contains("  '-Dgreeting=hello world'", "  /usr/bin/setsid",
        "  " + JAVA, "  -cp", "  twin.runtime.TwinMain", "  " + PRIVATE.resolve("channel.sock"));
    assertThat(text).contains("nothing was started").contains("orders-1").contains("17.0.9");
  }

  @Test
  void secretsAreMaskedInArgvAndEnvironment() {
    LaunchPlan plan = plan(List.of("-Ddb.password=hunter22", "-Dapp.env=prod"),
        env("PATH", "/usr/bin", "DB_PASSWORD", "s3cr3t-value", "API_TOKEN", "tok-123456",
            "DATABASE_URL", "postgresql://orders:pa55word@db.internal/orders", "ECHO", "uses s3cr3t-value here"),
        List.of("(def pw \"s3cr3t-value\")"));

    String text = PlanRenderer.render(plan, new Redactor(plan.env()));

    assertThat(section(text, "argv:")).contains("  " + ShellQuote.quote("-Ddb.password=***"))
        .contains("  -Dapp.env=prod");
    assertThat(section(text, "environment:")).contains("  DB_PASSWORD=" + ShellQuote.quote("***"),
        "  API_TOKEN=" + ShellQuote.quote("***"), "  PATH=/usr/bin");
    assertThat(text).doesNotContain("hunter22", "s3cr3t-value", "tok-123456", "pa55word");
  }

  @Test
  void secretPropertyInsideJavaToolOptionsIsMasked() {
    LaunchPlan plan = plan(List.of(), env("PATH", "/usr/bin", "JAVA_TOOL_OPTIONS", "-Dfoo=bar -Ddb.password=hunter22"),
        List.of());
    assertThat(plan.env().get("JAVA_TOOL_OPTIONS")).contains("hunter22");

    String text = PlanRenderer.render(plan, new Redactor(plan.env()));

    assertThat(text).doesNotContain("hunter22");
  }

  @Test
  void rulesAppliedSectionNamesEachRuleAndReason() {
    LaunchPlan plan = plan(List.of("-Xmx4g", "-javaagent:/opt/dd.jar", "-Xloggc:/var/log/gc.log"),
        env("JAVA_TOOL_OPTIONS", "-XX:+AlwaysPreTouch"), List.of());

    String text = PlanRenderer.render(plan, new Redactor(plan.env()));

    assertThat(text).contains("rules applied:");
    for (String id : List.of("max-heap", "java-agent", "gc-log", "pre-touch")) {
      String reason = OptionRules.RULES.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow().reason();
      assertThat(text).as(id).contains("[" + id + "] ");
      if (!id.equals("gc-log")) {
        assertThat(text).contains("[" + id + "] " + reason);
      }
    }
    assertThat(text).contains("replace -Xmx4g").contains("strip   -javaagent:/opt/dd.jar")
        .contains("-> -Xloggc:" + PRIVATE.resolve("gc.log")).contains("(from JAVA_TOOL_OPTIONS)");
  }

  @Test
  void planWithoutDecisionsSaysEveryOptionIsKept() {
    LaunchPlan plan = plan(List.of("-Dapp.env=prod"), env("PATH", "/usr/bin"), List.of());

    assertThat(PlanRenderer.explain(plan, Redactor.none())).contains("rules applied: none");
  }

  @Test
  void explainMasksSecretsInDecisions() {
    LaunchPlan plan = plan(List.of("-javaagent:/opt/agent.jar=apikey=k3y-value-123"), env("AGENT_KEY", "k3y-value-123"),
        List.of());

    String text = PlanRenderer.explain(plan, new Redactor(plan.env()));

    assertThat(text).contains("[java-agent]").doesNotContain("k3y-value-123");
  }

  @Test
  void shellQuoteRoundTrips() {
    assertThat(ShellQuote.quote("-Dapp.env=prod")).isEqualTo("-Dapp.env=prod");
    assertThat(ShellQuote.quote("")).isEqualTo("''");
    assertThat(ShellQuote.quote("a b")).isEqualTo("'a b'");
    assertThat(ShellQuote.quote("it's")).isEqualTo("'it'\"'\"'s'");
    assertThat(ShellQuote.quote("/opt/lib/*")).isEqualTo("'/opt/lib/*'");
    assertThat(ShellQuote.join(List.of("java", "-Dx=$HOME"))).isEqualTo("java '-Dx=$HOME'");
  }
}
