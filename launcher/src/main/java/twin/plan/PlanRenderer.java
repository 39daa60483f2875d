package twin.plan;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import twin.secret.Redactor;

/** Renders a plan for {@code --dry-run} and {@code --explain}, with every secret masked. */
public final class PlanRenderer {
  private static final Pattern SYSTEM_PROPERTY = Pattern.compile("-D([^=]+)=(.*)", Pattern.DOTALL);

  private PlanRenderer() {}

  public static String render(LaunchPlan plan, Redactor redactor) {
    StringBuilder sb = new StringBuilder();
    sb.append("# twin launch plan for profile '").append(plan.profileName()).append("' (")
        .append(plan.profileFile()).append(")\n");
    sb.append("# nothing was started: this is --dry-run\n");
    sb.append("twin id:  ").append(plan.twinId()).append('\n');
    sb.append("java:     ").append(plan.java()).append(" (").append(plan.javaVersion()).append(")\n");
    sb.append("workdir:  ").append(plan.workdir()).append('\n');
    sb.append("user:     ").append(plan.user()).append('\n');
    sb.append("private:  ").append(plan.privateDir()).append(" (0700; removed when the twin ends)\n");
    sb.append("classes:  class-data archive ").append(plan.archive().note()).append('\n');
    sb.append("\nargv:\n");
    for (String arg : plan.argv()) {
      sb.append("  ").append(ShellQuote.quote(maskOption(arg, redactor))).append('\n');
    }
    sb.append("\nenvironment:\n");
    for (Map.Entry<String, String> e : plan.env().entrySet()) {
      String value = LaunchPlanner.OPTION_VARIABLES.contains(e.getKey())
          ? maskOptions(e.getValue(), redactor) : redactor.redactValue(e.getKey(), e.getValue());
      sb.append("  ").append(e.getKey()).append('=').append(ShellQuote.quote(value)).append('\n');
    }
    if (!plan.init().isEmpty()) {
      sb.append("\ninit forms:\n");
      plan.init().forEach(f -> sb.append("  ").append(redactor.redact(f)).append('\n'));
    }
    sb.append('\n').append(explain(plan, redactor));
    if (!plan.warnings().isEmpty()) {
      sb.append("\nwarnings:\n");
      plan.warnings().forEach(w -> sb.append("  ").append(redactor.redact(w)).append('\n'));
    }
    return sb.toString();
  }

  /** The rules that acted on the service's options, then what twin adds, each with its reason. */
  public static String explain(LaunchPlan plan, Redactor redactor) {
    StringBuilder sb = new StringBuilder(rules(plan, redactor));
    if (!plan.own().isEmpty()) {
      sb.append("\ntwin's own settings:\n");
      for (TwinSetting s : plan.own()) {
        sb.append("  ").append(maskOption(s.setting(), redactor)).append("\n          ").append(s.reason()).append('\n');
      }
    }
    return sb.toString();
  }

  private static String rules(LaunchPlan plan, Redactor redactor) {
    StringBuilder sb = new StringBuilder();
    if (plan.decisions().isEmpty()) {
      sb.append("rules applied: none (every service option is kept)\n");
      return sb.toString();
    }
    sb.append("rules applied:\n");
    for (Decision d : plan.decisions()) {
      sb.append("  ").append(String.format("%-7s", d.action().label())).append(' ')
          .append(maskOption(d.option(), redactor));
      if (d.result() != null && !d.result().equals(d.option())) {
        sb.append("\n          -> ").append(maskOption(d.result(), redactor));
      }
      if (!"jvm-options".equals(d.origin())) {
        sb.append("   (from ").append(d.origin()).append(')');
      }
      sb.append("\n          [").append(d.ruleId()).append("] ").append(d.reason()).append('\n');
    }
    return sb.toString();
  }

  /** Masks secret-named options inside a JAVA_TOOL_OPTIONS-style value. */
  static String maskOptions(String value, Redactor redactor) {
    StringBuilder sb = new StringBuilder();
    for (String option : ArgFiles.tokenize(value)) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(maskOption(option, redactor));
    }
    return sb.toString();
  }

  /** Masks the value of a {@code -Dname=value} option whose name says it is a secret. */
  static String maskOption(String option, Redactor redactor) {
    Matcher m = SYSTEM_PROPERTY.matcher(option);
    if (m.matches() && Redactor.isSecretName(m.group(1).replace('.', '_').replace('-', '_'))) {
      return "-D" + m.group(1) + "=" + Redactor.MASK;
    }
    return redactor.redact(option);
  }
}
