package twin.plan;

/**
 * One service option a rule acted on: where it came from ({@code jvm-options} or an environment
 * variable), the option, what became of it ({@code result} is null when stripped) and why.
 */
public record Decision(String origin, String option, Action action, String result, String ruleId, String reason) {}
