package twin.plan;

import java.nio.file.Path;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * One row of the rule table: an id, which options it matches, what it does, and why. A REWRITE
 * rule's {@code rewrite} maps the option and the twin's private directory to the new option.
 */
public record OptionRule(
    String id,
    Action action,
    String reason,
    Predicate<String> matcher,
    BiFunction<String, Path, String> rewrite) {

  static OptionRule strip(String id, String reason, Predicate<String> matcher) {
    return new OptionRule(id, Action.STRIP, reason, matcher, null);
  }

  static OptionRule replace(String id, String reason, Predicate<String> matcher) {
    return new OptionRule(id, Action.REPLACE, reason, matcher, null);
  }

  static OptionRule rewrite(String id, String reason, Predicate<String> matcher,
      BiFunction<String, Path, String> rewrite) {
    return new OptionRule(id, Action.REWRITE, reason, matcher, rewrite);
  }

  public boolean matches(String option) {
    return matcher.test(option);
  }
}
