package twin.plan;

/**
 * Something twin itself adds to a launch (an option, a wrapper program) and why: what
 * {@code --explain} lists after the rules that acted on the service's own options.
 */
public record TwinSetting(String setting, String reason) {}
