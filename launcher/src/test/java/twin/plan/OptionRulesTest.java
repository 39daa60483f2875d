package twin.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class OptionRulesTest {

  private static final Path DIR = Path.of("/run/twin/orders-7f3a");

  /** Every rule id this class tests; a new rule without a test fails {@link #everyRuleIdIsTested}. */
  private static final Set<String> TESTED_IDS = Set.of("clojure-server", "jmx-remote", "jdwp", "java-agent",
      "native-agent", "error-hooks", "flight-recorder", "gc-log", "heap-dump", "error-file", "tmpdir", "log-file",
      "pid-file", "pre-touch", "large-pages", "initial-heap", "max-heap");

  private static OptionRule rule(String option) {
    Optional<OptionRule> rule = OptionRules.find(option);
    assertThat(rule).as("a rule for %s", option).isPresent();
    return rule.get();
  }

  /** What the planner makes of one option: the decision it records and the options it keeps. */
  private static List<String> filter(String option, List<Decision> decisions) {
    return LaunchPlanner.filter("jvm-options", List.of(option), List.of(), DIR, decisions);
  }

  private static void assertDropped(String option, String id, Action action) {
    OptionRule rule = rule(option);
    assertThat(rule.id()).as(option).isEqualTo(id);
    assertThat(rule.action()).as(option).isEqualTo(action);
    List<Decision> decisions = new ArrayList<>();
    assertThat(filter(option, decisions)).as("%s is dropped", option).isEmpty();
    assertThat(decisions).containsExactly(new Decision("jvm-options", option, action, null, id, rule.reason()));
  }

  private static void assertRewritten(String option, String expected) {
    OptionRule rule = rule(option);
    assertThat(rule.action()).as(option).isEqualTo(Action.REWRITE);
    assertThat(rule.rewrite().apply(option, DIR)).as(option).isEqualTo(expected);
    List<Decision> decisions = new ArrayList<>();
    assertThat(filter(option, decisions)).containsExactly(expected);
    assertThat(decisions).singleElement().satisfies(d -> {
      assertThat(d.action()).isEqualTo(Action.REWRITE);
      assertThat(d.result()).isEqualTo(expected);
      assertThat(d.ruleId()).isEqualTo(rule.id());
    });
  }

  @Test
  void everyRuleIdIsTested() {
    Set<String> ids = OptionRules.RULES.stream().map(OptionRule::id).collect(Collectors.toCollection(TreeSet::new));
    assertThat(ids).isEqualTo(new TreeSet<>(TESTED_IDS));
  }

  @Test
  void everyRuleHasAnIdAReasonAndAMatchingShape() {
    assertThat(OptionRules.RULES).isNotEmpty().allSatisfy(r -> {
      assertThat(r.id()).isNotBlank().matches("[a-z][a-z-]*");
      assertThat(r.reason()).isNotBlank();
      assertThat(r.action()).isNotNull().isNotEqualTo(Action.KEEP);
      if (r.action() == Action.REWRITE) {
        assertThat(r.rewrite()).as(r.id()).isNotNull();
      } else {
        assertThat(r.rewrite()).as(r.id()).isNull();
      }
    });
  }

  @Test
  void clojureServer() {
    assertDropped("-Dclojure.server.repl={:port 5555 :accept clojure.core.server/repl}", "clojure-server", Action.STRIP);
    assertDropped("-Dclojure.server.prepl={:port 5556 :accept clojure.core.server/io-prepl}", "clojure-server",
        Action.STRIP);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-Dcom.sun.management.jmxremote", "-Dcom.sun.management.jmxremote.port=9010",
      "-Dcom.sun.management.jmxremote.rmi.port=9011", "-Dcom.sun.management.jmxremote.authenticate=false",
      "-Djava.rmi.server.hostname=10.0.0.5"})
  void jmxRemote(String option) {
    assertDropped(option, "jmx-remote", Action.STRIP);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005", "-Xdebug",
      "-Xrunjdwp:transport=dt_socket,server=y,suspend=n,address=8000", "-Xnoagent"})
  void jdwp(String option) {
    assertDropped(option, "jdwp", Action.STRIP);
  }

  @Test
  void javaAgent() {
    assertDropped("-javaagent:/opt/dd-java-agent.jar", "java-agent", Action.STRIP);
    assertDropped("-javaagent:/opt/jmx_prometheus_javaagent.jar=9404:/etc/jmx.yaml", "java-agent", Action.STRIP);
  }

  @Test
  void nativeAgent() {
    assertDropped("-agentpath:/opt/async-profiler/libasyncProfiler.so=start,event=cpu,file=/tmp/p.html",
        "native-agent", Action.STRIP);
    assertDropped("-agentlib:hprof=cpu=samples", "native-agent", Action.STRIP);
  }

  @Test
  void errorHooks() {
    assertDropped("-XX:OnOutOfMemoryError=kill -9 %p", "error-hooks", Action.STRIP);
    assertDropped("-XX:OnError=/usr/local/bin/page-oncall %p", "error-hooks", Action.STRIP);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-XX:StartFlightRecording=duration=0,filename=/var/log/orders/rec.jfr",
      "-XX:StartFlightRecording", "-XX:FlightRecorderOptions=repository=/var/jfr", "-XX:+FlightRecorder"})
  void flightRecorder(String option) {
    assertDropped(option, "flight-recorder", Action.STRIP);
  }

  @Test
  void gcLogXlogFileMovesIntoThePrivateDirectoryKeepingDecorators() {
    assertThat(rule("-Xlog:gc*:file=/var/log/app/gc.log:time:filecount=5").id()).isEqualTo("gc-log");
    assertRewritten("-Xlog:gc*:file=/var/log/app/gc.log:time:filecount=5",
        "-Xlog:gc*:file=" + DIR + "/gc.log:time:filecount=5");
    assertRewritten("-Xlog:gc*,safepoint=info:file=/var/log/app/gc-%p-%t.log:uptime,level,tags:filecount=10,filesize=50m",
        "-Xlog:gc*,safepoint=info:file=" + DIR + "/gc-%p-%t.log:uptime,level,tags:filecount=10,filesize=50m");
    assertRewritten("-Xlog:gc:/var/log/app/gc.log", "-Xlog:gc:file=" + DIR + "/gc.log");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-Xlog:gc:stdout", "-Xlog:gc*:stderr:time", "-Xlog:gc", "-Xlog:disable", "-Xlog"})
  void xlogToTheConsoleIsUntouched(String option) {
    assertThat(OptionRules.find(option)).as(option).isEmpty();
  }

  @Test
  void gcLogXloggc() {
    OptionRule rule = rule("-Xloggc:/var/log/gc.log");
    assertThat(rule.id()).isEqualTo("gc-log");
    assertRewritten("-Xloggc:/var/log/gc.log", "-Xloggc:" + DIR + "/gc.log");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-XX:+HeapDumpOnOutOfMemoryError", "-XX:HeapDumpPath=/var/dumps/orders.hprof"})
  void heapDump(String option) {
    assertDropped(option, "heap-dump", Action.REPLACE);
  }

  @Test
  void errorFile() {
    assertDropped("-XX:ErrorFile=/var/log/orders/hs_err.log", "error-file", Action.REPLACE);
  }

  @Test
  void tmpdir() {
    assertDropped("-Djava.io.tmpdir=/var/tmp/orders", "tmpdir", Action.REPLACE);
  }

  @Test
  void logFileProperties() {
    assertThat(rule("-Dlogging.file.name=/var/log/app.log").id()).isEqualTo("log-file");
    assertRewritten("-Dlogging.file.name=/var/log/app.log", "-Dlogging.file.name=" + DIR + "/logs/app.log");
    assertThat(rule("-Dlog.dir=/var/log/app").id()).isEqualTo("log-file");
    assertRewritten("-Dlog.dir=/var/log/app", "-Dlog.dir=" + DIR + "/logs");
    assertRewritten("-Dlogging.file.path=/var/log/app", "-Dlogging.file.path=" + DIR + "/logs");
    assertRewritten("-DLOG_FILE=/var/log/orders/orders.log", "-DLOG_FILE=" + DIR + "/logs/orders.log");
  }

  @Test
  void pidFile() {
    assertThat(rule("-Dspring.pid.file=/run/app.pid").id()).isEqualTo("pid-file");
    assertRewritten("-Dspring.pid.file=/run/app.pid", "-Dspring.pid.file=" + DIR + "/app.pid");
  }

  @Test
  void preTouch() {
    assertDropped("-XX:+AlwaysPreTouch", "pre-touch", Action.STRIP);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-XX:+UseLargePages", "-XX:LargePageSizeInBytes=2m"})
  void largePages(String option) {
    assertDropped(option, "large-pages", Action.STRIP);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-Xms2g", "-XX:InitialHeapSize=2147483648", "-XX:MinHeapSize=1g",
      "-XX:InitialRAMPercentage=50"})
  void initialHeap(String option) {
    assertDropped(option, "initial-heap", Action.STRIP);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-Xmx4g", "-XX:MaxHeapSize=4g", "-XX:MaxRAMPercentage=75.0", "-XX:MaxRAM=8g"})
  void maxHeap(String option) {
    assertDropped(option, "max-heap", Action.REPLACE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-Dfile.encoding=UTF-8", "-Duser.timezone=UTC",
      "--add-opens=java.base/java.lang=ALL-UNNAMED", "-XX:+UseG1GC", "-Dapp.catalog.path=/x",
      "-Dcatalog.dir=/data/catalog", "-Dlogback.configurationFile=/etc/app/logback.xml",
      "-Dlog4j2.configurationFile=/etc/app/log4j2.xml", "-Dlogging.config=/etc/app/logback-spring.xml",
      "-Dlogging.level.root=INFO", "-Dspring.profiles.active=prod", "-Xss1m", "-XX:-HeapDumpOnOutOfMemoryError",
      "-Djava.security.egd=file:/dev/./urandom", "-Dapp.env=prod"})
  void ordinaryOptionsAreKept(String option) {
    assertThat(OptionRules.find(option)).as(option).isEmpty();
    List<Decision> decisions = new ArrayList<>();
    assertThat(filter(option, decisions)).containsExactly(option);
    assertThat(decisions).isEmpty();
  }

  @Test
  void firstMatchingRuleWins() {
    // -agentlib:jdwp is also an -agentlib: the more specific jdwp row comes first.
    assertThat(rule("-agentlib:jdwp=transport=dt_socket").id()).isEqualTo("jdwp");
  }

  @Test
  void keepOptionsOverridesARule() {
    List<Decision> decisions = new ArrayList<>();
    List<String> kept = LaunchPlanner.filter("jvm-options", List.of("-XX:+AlwaysPreTouch", "-Xms2g"),
        List.of("-XX:+AlwaysPreTouch"), DIR, decisions);

    assertThat(kept).containsExactly("-XX:+AlwaysPreTouch");
    assertThat(decisions).extracting(Decision::action).containsExactly(Action.KEEP, Action.STRIP);
  }

  @CsvSource({
      "/var/log/app/gc.log, gc.log",
      "gc.log, gc.log",
      "'', file"})
  @ParameterizedTest
  void privateFileKeepsOnlyTheFileName(String original, String name) {
    assertThat(OptionRules.privateFile(DIR, original)).isEqualTo(DIR.resolve(name).toString());
  }
}
