package twin.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import twin.Os;

/**
 * Who a session is for: the OS user (from SO_PEERCRED for a socket client, or this process), the
 * client's SUDO_USER and audit login uid where they exist, the reason given, and the client kind.
 */
public record ClientInfo(String user, long uid, String sudoUser, String loginUid, String reason, String client) {

  /** This process, as a client of the twin it supervises. */
  public static ClientInfo self(String reason, String client) {
    return new ClientInfo(Os.userName(), Os.uid(), System.getenv("SUDO_USER"), currentLoginUid(), reason, client);
  }

  /** The audit login uid (set by pam_loginuid at login, kept across sudo), or null. */
  public static String currentLoginUid() {
    try {
      String id = Files.readString(Path.of("/proc/self/loginuid")).strip();
      return id.isEmpty() || id.equals("4294967295") ? null : id;
    } catch (IOException e) {
      return null;
    }
  }
}
