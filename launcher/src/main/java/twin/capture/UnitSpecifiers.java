package twin.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import twin.TwinException;
import twin.capture.UnitFile.Setting;

/**
 * The specifiers of a system service unit ({@code %i}, {@code %h}, {@code %E}, ...) with the
 * meanings systemd's system manager gives them. Those twin cannot know for sure (the boot id, the
 * credentials directory, ...) are refused with the file and line, never kept as written.
 */
final class UnitSpecifiers {

  /** The specifiers {@link #expand} knows, for messages. */
  static final String KNOWN = "%i %I %n %N %p %P %j %J %f %u %U %h %H %l %E %L %S %C %t %T %V %%";

  private final UnitName name;
  private final String user;
  private final Host host;

  /** Where the user's entry and the host name come from: the real /etc/passwd and kernel, or a test's. */
  record Host(Path passwd, Supplier<String> hostName) {
    static Host real() {
      return new Host(Path.of("/etc/passwd"), Host::kernelHostName);
    }

    private static String kernelHostName() {
      try {
        return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        try {
          return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e2) {
          return "localhost";
        }
      }
    }

    /** The passwd entry of {@code user} (a name or a uid): its fields, or empty. */
    Optional<String[]> entry(String user) {
      try {
        boolean numeric = user.chars().allMatch(Character::isDigit);
        for (String line : Files.readAllLines(passwd, StandardCharsets.UTF_8)) {
          String[] f = line.split(":", -1);
          if (f.length > 6 && (numeric ? f[2].equals(user) : f[0].equals(user))) {
            return Optional.of(f);
          }
        }
      } catch (IOException e) {
        // no passwd file: the user is unknown, which the caller reports
      }
      return Optional.empty();
    }
  }

  /** Specifiers of {@code name}, whose service runs as {@code user} (null: {@code User=} unset, root). */
  UnitSpecifiers(UnitName name, String user, Host host) {
    this.name = name;
    this.user = user;
    this.host = host;
  }

  /**
   * {@code text} with its specifiers replaced; {@code where} names the setting in messages.
   *
   * @throws TwinException (usage) for a specifier twin does not know, or {@code %h}/{@code %U} of a
   *     user who is not in /etc/passwd
   */
  String expand(String text, Setting where) {
    if (text.indexOf('%') < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c != '%' || i + 1 == text.length()) {
        out.append(c);
        continue;
      }
      out.append(value(text.charAt(++i), where));
    }
    return out.toString();
  }

  private String value(char spec, Setting where) {
    String stem = name.full().substring(0, name.full().length() - UnitName.SUFFIX.length());
    String last = name.prefix().substring(name.prefix().lastIndexOf('-') + 1);
    return switch (spec) {
      case 'i' -> name.instance() == null ? "" : name.instance();
      case 'I' -> name.instance() == null ? "" : UnitName.unescape(name.instance());
      case 'n' -> name.full();
      case 'N' -> stem;
      case 'p' -> name.prefix();
      case 'P' -> UnitName.unescape(name.prefix());
      case 'j' -> last;
      case 'J' -> UnitName.unescape(last);
      case 'f' -> {
        String path = UnitName.unescape(name.instance() != null ? name.instance() : name.prefix());
        yield path.startsWith("/") ? path : "/" + path;
      }
      case 'u' -> user == null ? "root" : user;
      case 'U' -> user == null ? "0" : user.chars().allMatch(Character::isDigit) ? user : passwd(spec, where)[2];
      case 'h' -> user == null ? "/root" : passwd(spec, where)[5];
      case 'H' -> host.hostName().get();
      case 'l' -> {
        String full = host.hostName().get();
        yield full.contains(".") ? full.substring(0, full.indexOf('.')) : full;
      }
      case 'E' -> "/etc";
      case 'L' -> "/var/log";
      case 'S' -> "/var/lib";
      case 'C' -> "/var/cache";
      case 't' -> "/run";
      case 'T' -> "/tmp";
      case 'V' -> "/var/tmp";
      case '%' -> "%";
      default -> throw TwinException.usage(where.where() + ": the specifier %" + spec + " in " + where.key()
          + "= is not one twin can expand (it knows " + KNOWN + "); write its value out in a drop-in, "
          + "or capture the running JVM with twin capture --pid PID");
    };
  }

  private String[] passwd(char spec, Setting where) {
    return host.entry(user).orElseThrow(() -> TwinException.usage(where.where() + ": %" + spec + " in "
        + where.key() + "= needs the user " + user + " (User=), who is not in " + host.passwd()));
  }
}
