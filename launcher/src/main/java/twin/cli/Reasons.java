package twin.cli;

import java.io.Console;
import twin.TwinException;

/** twin.require-reason: a session without a reason is refused (exit 3), or asked for one at a terminal. */
final class Reasons {
  private Reasons() {}

  static String require(String reason, boolean required, String profile) {
    if (!required || (reason != null && !reason.isBlank())) {
      return reason;
    }
    Console console = System.console();
    if (console != null) {
      String typed = console.readLine("twin: profile '%s' requires a reason (it goes into the transcript): ", profile);
      if (typed != null && !typed.isBlank()) {
        return typed.strip();
      }
    }
    throw TwinException.notPermitted("profile '" + profile + "' requires a reason (twin.require-reason): "
        + "add --reason TEXT");
  }
}
