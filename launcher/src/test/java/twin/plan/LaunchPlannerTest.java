package twin.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import twin.ExitCodes;
import twin.TwinException;
import twin.profile.Database;
import twin.profile.Profile;
import twin.profile.TwinSettings;

class LaunchPlannerTest {

  private static final Path PROFILE_FILE = Path.of("/etc/twin/profiles/orders.yaml");
  private static final Path JAVA = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
  private static final Path WORKDIR = Path.of("/opt/orders");
  private static final Path PRIVATE = Path.of("/run/twin/orders-7f3a");
  private static final Path RUNTIME_JAR = Path.of("/usr/lib/twin/twin-runtime.jar");
  private static final List<Path> CLOJURE_JARS = List.of(
      Path.of("/usr/lib/twin/clojure/clojure-1.12.0.jar"),
      Path.of("/usr/lib/twin/clojure/spec.alpha-0.5.238.jar"),
      Path.of("/usr/lib/twin/clojure/core.specs.alpha-0.4.74.jar"));
  private static final String SERVICE_MAIN = "com.example.orders.Main";
  private static final String TWIN_ID = "orders-7f3a";

  private static final Path SYSTEMD_RUN = Path.of("/usr/bin/systemd-run");
  private static final ServiceFacts.HostTools ALL_TOOLS = new ServiceFacts.HostTools(
      Path.of("/usr/bin/setsid"), Path.of("/usr/bin/setpriv"), Path.of("/usr/bin/nice"), Path.of("/usr/bin/ionice"),
      SYSTEMD_RUN, true);
  private static final ServiceFacts.HostTools NO_TOOLS = ServiceFacts.HostTools.none();

  private static final long ME = 1000;
  private static final ServiceFacts.TargetUser SAME_USER = new ServiceFacts.TargetUser("orders", ME, 1000);

  /** Facts as the inspector would hand them over; tests change one part at a time. */
  private static final class Facts {
    List<String> jvmOptions = List.of();
    List<String> classpath = List.of("/opt/orders/classes", "/opt/orders/lib/*", "/opt/orders/orders.jar");
    boolean hasClojure = false;
    Map<String, String> env = new LinkedHashMap<>(Map.of("PATH", "/usr/bin:/bin"));
    List<String> warnings = List.of();
    ServiceFacts.TargetUser user = SAME_USER;
    ServiceFacts.HostTools tools = ALL_TOOLS;

    ServiceFacts build() {
      return new ServiceFacts(JAVA, "17.0.9", WORKDIR, jvmOptions, classpath, hasClojure, env, warnings, user, tools);
    }
  }

  private static Profile profile(TwinSettings twin) {
    return new Profile(PROFILE_FILE, "orders", JAVA.toString(), WORKDIR,
        List.of("classes", "lib/*", "orders.jar"), null, SERVICE_MAIN, List.of("--port", "8080"),
        List.of(), Map.of(), List.of(), "orders", twin, Map.of());
  }

  private static Profile profile() {
    return profile(TwinSettings.empty());
  }

  private static TwinSettings twin(String heap, List<String> keep, Map<String, String> env, List<String> unset) {
    return new TwinSettings(List.of(), heap, keep, env, unset);
  }

  private static PlanOptions options(long invokingUid, String heap) {
    return options(invokingUid, heap, false);
  }

  private static PlanOptions options(long invokingUid, String heap, boolean scope) {
    return new PlanOptions(TWIN_ID, RUNTIME_JAR, CLOJURE_JARS, PRIVATE, invokingUid,
        invokingUid == 0 ? "root" : "orders", heap, scope);
  }

  private static PlanOptions options() {
    return options(ME, null);
  }

  private static LaunchPlan plan(Facts facts) {
    return LaunchPlanner.plan(profile(), facts.build(), options());
  }

  private static List<String> twinOwnOptions(String heap) {
    return List.of("-Xmx" + heap, "-XX:+ExitOnOutOfMemoryError", "-XX:-HeapDumpOnOutOfMemoryError",
        "-Djava.io.tmpdir=" + PRIVATE.resolve("tmp"));
  }

  @Test
  void classpathServiceRunsTwinMainWithServiceOptionsThenTwinOptions() {
    Facts facts = new Facts();
    List<String> serviceOptions = List.of("-Dapp.env=prod", "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "-Duser.timezone=UTC", "-XX:+UseG1GC");
    facts.jvmOptions = serviceOptions;

    LaunchPlan plan = plan(facts);
    List<String> argv = plan.argv();

    int java = argv.indexOf(JAVA.toString());
    assertThat(java).as("java comes right after the wrappers").isEqualTo(plan.wrapper().size());
    List<String> afterJava = argv.subList(java + 1, argv.size());
    assertThat(afterJava).as("service options first, in order").startsWith(serviceOptions.toArray(String[]::new));
    assertThat(afterJava.subList(serviceOptions.size(), afterJava.size()))
        .containsSubsequence(twinOwnOptions("512m"));
    assertThat(afterJava).contains("-XX:ErrorFile=" + PRIVATE.resolve("hs_err_pid%p.log"));
    assertThat(afterJava.indexOf("-Xmx512m")).isGreaterThan(afterJava.indexOf("-XX:+UseG1GC"));

    String classpath = String.join(":", "/opt/orders/classes", "/opt/orders/lib/*", "/opt/orders/orders.jar",
        RUNTIME_JAR.toString(), CLOJURE_JARS.get(0).toString(), CLOJURE_JARS.get(1).toString(),
        CLOJURE_JARS.get(2).toString());
    assertThat(argv.subList(argv.size() - 4, argv.size())).containsExactly(
        "-cp", classpath, "twin.runtime.TwinMain", PRIVATE.resolve("channel.sock").toString());
    assertThat(argv).filteredOn("-cp"::equals).hasSize(1);

    assertThat(plan.mainClass()).isEqualTo(LaunchPlanner.RUNTIME_MAIN).isEqualTo("twin.runtime.TwinMain");
    assertThat(plan.mainArgs()).containsExactly(PRIVATE.resolve("channel.sock").toString());
    assertThat(plan.channelSocket()).isEqualTo(PRIVATE.resolve("channel.sock"));
    assertThat(argv).noneMatch(a -> a.contains(SERVICE_MAIN)).doesNotContain("--port", "8080");
  }

  @Test
  void everyOptionAndWrapperTwinAddsComesWithItsReason() {
    Facts facts = new Facts();
    facts.jvmOptions = List.of("-XX:+UseG1GC");
    LaunchPlan plan = plan(facts);
    List<String> settings = plan.own().stream().map(TwinSetting::setting).toList();
    assertThat(settings).containsSubsequence("-Xmx512m", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1",
        "-XX:CICompilerCount=1", "-Xms8m", "setsid", "nice -n 10", "ionice -c 2 -n 7");
    assertThat(settings).as("the service chose its collector").doesNotContain("-XX:+UseSerialGC");
    assertThat(plan.own()).allSatisfy(s -> assertThat(s.reason()).isNotBlank());
    assertThat(plan.own().get(0).reason()).isEqualTo("the twin's own heap (the default; set twin.heap or --heap)");
    for (String option : plan.jvmOptions()) {
      if (!option.equals("-XX:+UseG1GC")) {
        assertThat(settings).as("every option twin added is explained").contains(option);
      }
    }
    String explained = PlanRenderer.explain(plan, twin.secret.Redactor.none());
    assertThat(explained).contains("twin's own settings:\n  -Xmx512m\n          the twin's own heap");
    assertThat(explained).contains("  nice -n 10\n          lower CPU priority: the live service comes first\n");

    LaunchPlan asRoot = LaunchPlanner.plan(profile(), facts.build(), options(0, "1g"));
    assertThat(asRoot.own()).anySatisfy(s -> assertThat(s.setting()).startsWith("setpriv --reuid=1000"));
    assertThat(asRoot.own().get(0)).isEqualTo(new TwinSetting("-Xmx1g", "the twin's own heap (--heap)"));
  }

  @Test
  void planCarriesTheFactsAndTheProfile() {
    Facts facts = new Facts();
    facts.warnings = List.of("classpath entry /opt/orders/gone.jar does not exist; skipped");
    Profile profile = profile(new TwinSettings(List.of("(require 'orders.config)"), null, null, null, null));

    LaunchPlan plan = LaunchPlanner.plan(profile, facts.build(), options());

    assertThat(plan.profileName()).isEqualTo("orders");
    assertThat(plan.profileFile()).isEqualTo(PROFILE_FILE);
    assertThat(plan.twinId()).isEqualTo(TWIN_ID);
    assertThat(plan.java()).isEqualTo(JAVA);
    assertThat(plan.javaVersion()).isEqualTo("17.0.9");
    assertThat(plan.workdir()).isEqualTo(WORKDIR);
    assertThat(plan.user()).isEqualTo("orders");
    assertThat(plan.privateDir()).isEqualTo(PRIVATE);
    assertThat(plan.init()).containsExactly("(require 'orders.config)");
    assertThat(plan.warnings()).containsExactlyElementsOf(facts.warnings);
    assertThat(plan.jvmOptions()).contains("-Dtwin.profile=orders");
    assertThat(plan.decisions()).isEmpty();
  }

  @Test
  void jarServiceKeepsTheJarThenItsManifestEntriesAndNeverUsesDashJar() {
    Facts facts = new Facts();
    facts.classpath = List.of("/opt/orders/orders.jar", "/opt/orders/lib/b.jar", "/opt/orders/lib/a.jar");
    Profile jarProfile = new Profile(PROFILE_FILE, "orders", JAVA.toString(), WORKDIR, List.of(), "orders.jar",
        null, List.of(), List.of(), Map.of(), List.of(), null, null, Map.of());

    LaunchPlan plan = LaunchPlanner.plan(jarProfile, facts.build(), options());

    assertThat(plan.classpath()).startsWith("/opt/orders/orders.jar", "/opt/orders/lib/b.jar", "/opt/orders/lib/a.jar",
        RUNTIME_JAR.toString());
    assertThat(plan.argv()).doesNotContain("-jar", "/opt/orders/orders.jar");
    assertThat(plan.argv()).contains("-cp");
    assertThat(plan.mainClass()).isEqualTo("twin.runtime.TwinMain");
  }

  @Test
  void wildcardClasspathEntriesAreKeptAsWritten() {
    Facts facts = new Facts();
    facts.classpath = List.of("/opt/app/lib/*", "/opt/app/conf");

    List<String> argv = plan(facts).argv();

    String cp = argv.get(argv.indexOf("-cp") + 1);
    assertThat(cp).startsWith("/opt/app/lib/*:/opt/app/conf:" + RUNTIME_JAR);
    assertThat(cp.split(":")).contains("/opt/app/lib/*");
  }

  @Test
  void clojureJarsAreAppendedAfterTheServiceWhenItHasNone() {
    Facts facts = new Facts();
    facts.hasClojure = false;

    List<String> classpath = plan(facts).classpath();

    List<String> expected = new ArrayList<>(facts.classpath);
    expected.add(RUNTIME_JAR.toString());
    CLOJURE_JARS.forEach(j -> expected.add(j.toString()));
    assertThat(classpath).containsExactlyElementsOf(expected);
  }

  @Test
  void clojureJarsAreNotAppendedWhenTheServiceBringsItsOwn() {
    Facts facts = new Facts();
    facts.hasClojure = true;

    List<String> classpath = plan(facts).classpath();

    List<String> expected = new ArrayList<>(facts.classpath);
    expected.add(RUNTIME_JAR.toString());
    assertThat(classpath).containsExactlyElementsOf(expected);
    assertThat(classpath).noneMatch(e -> e.contains("clojure-1.12.0"));
  }

  @Test
  void heapOverrideBeatsProfileHeap() {
    LaunchPlan plan = LaunchPlanner.plan(profile(twin("1g", null, null, null)), new Facts().build(), options(ME, "2g"));

    assertThat(plan.jvmOptions()).contains("-Xmx2g").doesNotContain("-Xmx1g", "-Xmx512m");
  }

  @Test
  void profileHeapBeatsTheDefault() {
    LaunchPlan plan = LaunchPlanner.plan(profile(twin("1g", null, null, null)), new Facts().build(), options());

    assertThat(plan.jvmOptions()).contains("-Xmx1g").doesNotContain("-Xmx512m");
  }

  @Test
  void defaultHeapIs512m() {
    assertThat(LaunchPlanner.DEFAULT_HEAP).isEqualTo("512m");
    assertThat(plan(new Facts()).jvmOptions()).contains("-Xmx512m");
  }

  @Test
  void serviceMaxHeapIsReplacedByTheTwinHeap() {
    Facts facts = new Facts();
    facts.jvmOptions = List.of("-Xms4g", "-Xmx4g", "-Dapp.env=prod");

    LaunchPlan plan = plan(facts);

    assertThat(plan.jvmOptions()).doesNotContain("-Xmx4g", "-Xms4g").startsWith("-Dapp.env=prod");
    assertThat(plan.jvmOptions()).filteredOn(o -> o.startsWith("-Xmx")).containsExactly("-Xmx512m");
    assertThat(plan.decisions()).contains(
        new Decision("jvm-options", "-Xmx4g", Action.REPLACE, null, "max-heap", OptionRules.find("-Xmx4g").get().reason()));
    assertThat(plan.decisions()).anySatisfy(d -> {
      assertThat(d.option()).isEqualTo("-Xms4g");
      assertThat(d.action()).isEqualTo(Action.STRIP);
      assertThat(d.ruleId()).isEqualTo("initial-heap");
    });
  }

  @Test
  void rewrittenOptionsKeepTheirPlace() {
    Facts facts = new Facts();
    facts.jvmOptions = List.of("-Dapp.env=prod", "-Xloggc:/var/log/orders/gc.log", "-Duser.timezone=UTC");

    LaunchPlan plan = plan(facts);

    String rewritten = "-Xloggc:" + PRIVATE.resolve("gc.log");
    assertThat(plan.jvmOptions()).startsWith("-Dapp.env=prod", rewritten, "-Duser.timezone=UTC");
    assertThat(plan.decisions()).singleElement().satisfies(d -> {
      assertThat(d.origin()).isEqualTo("jvm-options");
      assertThat(d.action()).isEqualTo(Action.REWRITE);
      assertThat(d.result()).isEqualTo(rewritten);
      assertThat(d.ruleId()).isEqualTo("gc-log");
    });
  }

  @Test
  void serviceEnvironmentIsPassedThrough() {
    Facts facts = new Facts();
    facts.env = new LinkedHashMap<>();
    facts.env.put("PATH", "/usr/bin:/bin");
    facts.env.put("DB__SERVER_NAME", "db.internal");
    facts.env.put("LANG", "C.UTF-8");

    Map<String, String> env = plan(facts).env();

    assertThat(env).containsEntry("PATH", "/usr/bin:/bin").containsEntry("DB__SERVER_NAME", "db.internal")
        .containsEntry("LANG", "C.UTF-8");
  }

  @Test
  void javaToolOptionsAreFilteredByTheSameRules() {
    Facts facts = new Facts();
    facts.env.put("JAVA_TOOL_OPTIONS", "-javaagent:/x.jar -Dfoo=bar");

    LaunchPlan plan = plan(facts);

    assertThat(plan.env()).containsEntry("JAVA_TOOL_OPTIONS", "-Dfoo=bar");
    assertThat(plan.decisions()).containsExactly(new Decision("JAVA_TOOL_OPTIONS", "-javaagent:/x.jar", Action.STRIP,
        null, "java-agent", OptionRules.find("-javaagent:/x.jar").get().reason()));
  }

  @Test
  void optionVariableThatFiltersToNothingIsRemoved() {
    Facts facts = new Facts();
    facts.env.put("JDK_JAVA_OPTIONS", "-agentlib:jdwp=transport=dt_socket,server=y,address=*:5005 -Xdebug");
    facts.env.put("_JAVA_OPTIONS", "-Xmx6g");

    LaunchPlan plan = plan(facts);

    assertThat(plan.env()).doesNotContainKeys("JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
    assertThat(plan.decisions()).extracting(Decision::origin, Decision::ruleId).containsExactly(
        tuple("JDK_JAVA_OPTIONS", "jdwp"),
        tuple("JDK_JAVA_OPTIONS", "jdwp"),
        tuple("_JAVA_OPTIONS", "max-heap"));
  }

  @Test
  void filteredOptionVariableKeepsQuotedValuesReadableByTheJvm() {
    Facts facts = new Facts();
    facts.env.put("JAVA_TOOL_OPTIONS", "-Dgreeting=\"hello world\" -XX:+AlwaysPreTouch -Dfoo=bar");

    String value = plan(facts).env().get("JAVA_TOOL_OPTIONS");

    assertThat(ArgFiles.tokenize(value)).containsExactly("-Dgreeting=hello world", "-Dfoo=bar");
  }

  @Test
  void apmIdentityVariablesAreDropped() {
    Facts facts = new Facts();
    facts.env.put("DD_SERVICE", "orders");
    facts.env.put("OTEL_SERVICE_NAME", "orders");
    facts.env.put("NEW_RELIC_APP_NAME", "orders");
    facts.env.put("ELASTIC_APM_SERVICE_NAME", "orders");
    facts.env.put("ORDERS_MODE", "live");

    LaunchPlan plan = plan(facts);

    assertThat(plan.env()).doesNotContainKeys("DD_SERVICE", "OTEL_SERVICE_NAME", "NEW_RELIC_APP_NAME",
        "ELASTIC_APM_SERVICE_NAME").containsEntry("ORDERS_MODE", "live");
    assertThat(plan.decisions()).extracting(Decision::option).containsExactly("DD_SERVICE", "OTEL_SERVICE_NAME",
        "NEW_RELIC_APP_NAME", "ELASTIC_APM_SERVICE_NAME");
    assertThat(plan.decisions()).allSatisfy(d -> {
      assertThat(d.ruleId()).isEqualTo("apm-identity");
      assertThat(d.action()).isEqualTo(Action.STRIP);
      assertThat(d.origin()).isEqualTo("env");
      assertThat(d.reason()).isNotBlank();
    });
  }

  @Test
  void twinEnvOverridesAndMaySetAnApmVariableOnPurpose() {
    Facts facts = new Facts();
    facts.env.put("LOG_LEVEL", "info");
    facts.env.put("DD_SERVICE", "orders");

    LaunchPlan plan = LaunchPlanner.plan(
        profile(twin(null, null, Map.of("LOG_LEVEL", "debug", "DD_SERVICE", "orders-twin"), null)),
        facts.build(), options());

    assertThat(plan.env()).containsEntry("LOG_LEVEL", "debug").containsEntry("DD_SERVICE", "orders-twin");
  }

  @Test
  void twinUnsetEnvRemovesVariables() {
    Facts facts = new Facts();
    facts.env.put("DB__SERVER_NAME", "db.internal");
    facts.env.put("FEATURE_FLAGS", "all");

    LaunchPlan plan = LaunchPlanner.plan(profile(twin(null, null, null, List.of("FEATURE_FLAGS"))),
        facts.build(), options());

    assertThat(plan.env()).doesNotContainKey("FEATURE_FLAGS").containsEntry("DB__SERVER_NAME", "db.internal");
  }

  @Test
  void twinMarkersAreAddedAndCannotBeOverridden() {
    Facts facts = new Facts();
    facts.env.put("TWIN_PROFILE", "someone-else");

    LaunchPlan plan = LaunchPlanner.plan(
        profile(twin(null, null, Map.of("TWIN", "0"), List.of("TWIN_ID"))), facts.build(), options());

    assertThat(plan.env()).containsEntry("TWIN", "1").containsEntry("TWIN_PROFILE", "orders")
        .containsEntry("TWIN_ID", TWIN_ID);
  }

  @Test
  void keepOptionsKeepsAnAgentWithAKeepDecision() {
    Facts facts = new Facts();
    facts.jvmOptions = List.of("-javaagent:/opt/dd.jar", "-javaagent:/opt/other-agent.jar");

    LaunchPlan plan = LaunchPlanner.plan(profile(twin(null, List.of("-javaagent:/opt/dd.jar"), null, null)),
        facts.build(), options());

    assertThat(plan.jvmOptions()).contains("-javaagent:/opt/dd.jar").doesNotContain("-javaagent:/opt/other-agent.jar");
    assertThat(plan.decisions()).contains(new Decision("jvm-options", "-javaagent:/opt/dd.jar", Action.KEEP,
        "-javaagent:/opt/dd.jar", "java-agent", "kept by twin.keep-options"));
    assertThat(plan.decisions()).anySatisfy(d -> {
      assertThat(d.option()).isEqualTo("-javaagent:/opt/other-agent.jar");
      assertThat(d.action()).isEqualTo(Action.STRIP);
    });
  }

  @Test
  void rootSwitchesToTheServiceUserWithSetprivBeforeJava() {
    Facts facts = new Facts();
    facts.user = new ServiceFacts.TargetUser("orders", 1000, 1001);

    LaunchPlan plan = LaunchPlanner.plan(profile(), facts.build(), options(0, null));

    List<String> argv = plan.argv();
    int setpriv = argv.indexOf("/usr/bin/setpriv");
    int java = argv.indexOf(JAVA.toString());
    assertThat(setpriv).isGreaterThanOrEqualTo(0).isLessThan(java);
    assertThat(argv.subList(setpriv, java)).contains("--reuid=1000", "--regid=1001", "--init-groups");
    assertThat(argv.get(java - 1)).as("setpriv's options end before java").isEqualTo("--");
    assertThat(plan.user()).isEqualTo("orders");
  }

  @Test
  void nonRootCannotSwitchUser() {
    Facts facts = new Facts();
    facts.user = new ServiceFacts.TargetUser("billing", 1001, 1001);

    TwinException e = catchThrowableOfType(TwinException.class,
        () -> LaunchPlanner.plan(profile(), facts.build(), options(1000, null)));

    assertThat(e).isNotNull();
    assertThat(e.exitCode()).isEqualTo(ExitCodes.NOT_PERMITTED).isEqualTo(3);
    assertThat(e.getMessage()).contains("billing");
  }

  @Test
  void rootWithoutSetprivCannotSwitchUser() {
    Facts facts = new Facts();
    facts.user = new ServiceFacts.TargetUser("orders", 1000, 1000);
    facts.tools = new ServiceFacts.HostTools(Path.of("/usr/bin/setsid"), null, null, null, null, false);

    TwinException e = catchThrowableOfType(TwinException.class,
        () -> LaunchPlanner.plan(profile(), facts.build(), options(0, null)));

    assertThat(e).isNotNull();
    assertThat(e.exitCode()).isEqualTo(3);
    assertThat(e.getMessage()).contains("setpriv");
  }

  @Test
  void sameUserNeedsNoSetpriv() {
    assertThat(plan(new Facts()).argv()).doesNotContain("/usr/bin/setpriv").noneMatch(a -> a.startsWith("--reuid"));

    Facts root = new Facts();
    root.user = new ServiceFacts.TargetUser("root", 0, 0);
    assertThat(LaunchPlanner.plan(profile(), root.build(), options(0, null)).argv())
        .doesNotContain("/usr/bin/setpriv");
  }

  @Test
  void wrappersComeInOrderSetsidNiceIonice() {
    assertThat(plan(new Facts()).wrapper()).containsExactly(
        "/usr/bin/setsid", "/usr/bin/nice", "-n", "10", "/usr/bin/ionice", "-c", "2", "-n", "7");
  }

  @Test
  void eachWrapperOnlyWhenTheHostHasIt() {
    Facts onlyNice = new Facts();
    onlyNice.tools = new ServiceFacts.HostTools(null, null, Path.of("/usr/bin/nice"), null, null, false);
    assertThat(plan(onlyNice).wrapper()).containsExactly("/usr/bin/nice", "-n", "10");

    Facts noSetsid = new Facts();
    noSetsid.tools = new ServiceFacts.HostTools(null, null, Path.of("/usr/bin/nice"), Path.of("/usr/bin/ionice"), null, false);
    assertThat(plan(noSetsid).wrapper()).containsExactly("/usr/bin/nice", "-n", "10", "/usr/bin/ionice", "-c", "2",
        "-n", "7");

    Facts none = new Facts();
    none.tools = NO_TOOLS;
    LaunchPlan plan = plan(none);
    assertThat(plan.wrapper()).isEmpty();
    assertThat(plan.argv().get(0)).isEqualTo(JAVA.toString());
  }

  /** The value a JVM ends up with for -Dname: JAVA_TOOL_OPTIONS first, then the command line, last wins. */
  private static String effectiveProperty(LaunchPlan plan, String name) {
    List<String> all = new ArrayList<>();
    String tool = plan.env().get("JAVA_TOOL_OPTIONS");
    if (tool != null) {
      all.addAll(ArgFiles.tokenize(tool));
    }
    all.addAll(plan.jvmOptions());
    String value = null;
    for (String o : all) {
      if (o.startsWith("-D" + name + "=")) {
        value = o.substring(name.length() + 3);
      }
    }
    return value;
  }

  @Test
  void keptApmAgentReportsAsTheTwin() {
    Facts facts = new Facts();
    facts.jvmOptions = List.of("-javaagent:/opt/datadog/dd-java-agent.jar", "-Ddd.service=orders");

    LaunchPlan plan = LaunchPlanner.plan(
        profile(twin(null, List.of("-javaagent:/opt/datadog/dd-java-agent.jar"), null, null)), facts.build(), options());

    assertThat(plan.jvmOptions()).contains("-javaagent:/opt/datadog/dd-java-agent.jar", "-Ddd.service=orders-twin");
    assertThat(effectiveProperty(plan, "dd.service")).isEqualTo("orders-twin");
    assertThat(plan.decisions()).anySatisfy(d -> {
      assertThat(d.ruleId()).isEqualTo("apm-identity");
      assertThat(d.result()).isEqualTo("-Ddd.service=orders-twin");
    });
  }

  @Test
  void strippedApmAgentNeedsNoIdentity() {
    Facts facts = new Facts();
    facts.jvmOptions = List.of("-javaagent:/opt/otel/opentelemetry-javaagent.jar");

    LaunchPlan plan = plan(facts);

    assertThat(plan.jvmOptions()).noneMatch(o -> o.startsWith("-Dotel.service.name"));
  }

  @Test
  void apmAgentKeptInJavaToolOptionsAlsoReportsAsTheTwin() {
    Facts facts = new Facts();
    facts.env.put("JAVA_TOOL_OPTIONS", "-javaagent:/opt/datadog/dd-java-agent.jar -Ddd.service=orders");

    LaunchPlan plan = LaunchPlanner.plan(
        profile(twin(null, List.of("-javaagent:/opt/datadog/dd-java-agent.jar"), null, null)), facts.build(), options());

    assertThat(plan.env().get("JAVA_TOOL_OPTIONS")).contains("-javaagent:/opt/datadog/dd-java-agent.jar");
    assertThat(effectiveProperty(plan, "dd.service")).as("the twin must never report as the live service")
        .isEqualTo("orders-twin");
  }

  @Test
  void scopeWrapsEverythingInATransientSystemdScope() {
    LaunchPlan plan = LaunchPlanner.plan(profile(), new Facts().build(), options(ME, "1g", true));

    List<String> wrapper = plan.wrapper();
    assertThat(wrapper.get(0)).isEqualTo(SYSTEMD_RUN.toString());
    int end = wrapper.indexOf("--");
    assertThat(wrapper.subList(0, end)).contains("--scope", "MemoryMax=2048M", "MemorySwapMax=0");
    assertThat(wrapper.subList(end + 1, wrapper.size())).startsWith("/usr/bin/setsid", "/usr/bin/nice");
  }

  @Test
  void scopeMemoryIsTwiceTheHeapAndAtLeast512M() {
    assertThat(LaunchPlanner.scopeMemory("512m")).isEqualTo("1024M");
    assertThat(LaunchPlanner.scopeMemory("2g")).isEqualTo("4096M");
    assertThat(LaunchPlanner.scopeMemory("2G")).isEqualTo("4096M");
    assertThat(LaunchPlanner.scopeMemory("100m")).isEqualTo("512M");
    assertThat(LaunchPlanner.scopeMemory("1048576k")).isEqualTo("2048M");
  }

  @Test
  void scopeWithoutSystemdSaysWhy() {
    Facts noRun = new Facts();
    noRun.tools = new ServiceFacts.HostTools(null, null, null, null, null, true);
    TwinException missing = catchThrowableOfType(TwinException.class,
        () -> LaunchPlanner.plan(profile(), noRun.build(), options(ME, null, true)));
    assertThat(missing).isNotNull();
    assertThat(missing.getMessage()).contains("systemd-run is not installed");

    Facts notBooted = new Facts();
    notBooted.tools = new ServiceFacts.HostTools(null, null, null, null, SYSTEMD_RUN, false);
    TwinException notRunning = catchThrowableOfType(TwinException.class,
        () -> LaunchPlanner.plan(profile(), notBooted.build(), options(ME, null, true)));
    assertThat(notRunning).isNotNull();
    assertThat(notRunning.getMessage()).contains("systemd is not running");
    assertThat(notRunning.exitCode()).isEqualTo(ExitCodes.FAILED);
  }

  @Test
  void noScopeUnlessAsked() {
    assertThat(plan(new Facts()).wrapper()).doesNotContain(SYSTEMD_RUN.toString(), "--scope");
  }

  @Test
  void planIsImmutable() {
    LaunchPlan plan = plan(new Facts());

    assertThatThrownBy(() -> plan.env().put("X", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> plan.jvmOptions().add("-Xdebug"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void extraClasspathGoesAfterTheServiceAndDatabasesGetTheirFile() {
    TwinSettings twin = new TwinSettings(List.of(), null, List.of(), Map.of(), List.of(), null, null, false, List.of(), List.of(), List.of(),
        List.of("/opt/jdbc/postgresql.jar"));
    Profile withDb = new Profile(PROFILE_FILE, "orders", JAVA.toString(), WORKDIR, List.of("orders.jar"), null,
        SERVICE_MAIN, List.of(), List.of(), Map.of(), List.of(), "orders", twin, Map.of(), null,
        Map.of("main", Database.ofForm("main", "(orders.db/pool)")));
    LaunchPlan plan = LaunchPlanner.plan(withDb, new Facts().build(), options());
    assertThat(plan.classpath()).containsSubsequence("/opt/orders/orders.jar", "/opt/jdbc/postgresql.jar",
        RUNTIME_JAR.toString());
    assertThat(plan.jvmOptions()).contains("-Dtwin.sql.config=" + PRIVATE.resolve("databases.properties"));

    LaunchPlan none = plan(new Facts());
    assertThat(none.jvmOptions()).noneMatch(o -> o.startsWith("-Dtwin.sql.config="));
  }
}
