package twin.capture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import twin.TwinException;

/**
 * A captured profile, ready to write: the YAML (no secret in it) and the secret variables that go
 * to its env file.
 *
 * @param name the profile's name
 * @param yaml the profile text, which {@link twin.profile.ProfileLoader} accepts
 * @param envFile where the secrets go (beside the profile), or null when there are none
 * @param secrets the secret variables, in the process's order; empty when there are none
 * @param warnings what was left out or masked, one line each
 */
public record CapturedProfile(
    String name,
    String yaml,
    Path envFile,
    Map<String, String> secrets,
    List<String> warnings) {

  /** Owner read and write, nothing for anyone else. */
  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  /** Copies the collections. */
  public CapturedProfile {
    secrets = Collections.unmodifiableMap(new LinkedHashMap<>(secrets));
    warnings = List.copyOf(warnings);
  }

  /**
   * Writes the env file (created 0600 before any byte goes in; an old one is replaced), then the
   * profile to {@code output}.
   */
  public void writeTo(Path output) {
    if (envFile != null) {
      try {
        Files.deleteIfExists(envFile);
        Files.createFile(envFile, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.writeString(envFile, envFileText(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw TwinException.cannotWrite(envFile, e);
      }
    }
    try {
      Files.writeString(output, yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw TwinException.cannotWrite(output, e);
    }
  }

  /** The env file: {@code NAME="value"} lines that {@link twin.profile.EnvFile} reads back as they were. */
  String envFileText() {
    StringBuilder out = new StringBuilder("# Secret variables captured by twin capture for profile '")
        .append(name).append("'. Keep this file 0600.\n");
    secrets.forEach((var, value) -> out.append(var).append('=').append(quote(value)).append('\n'));
    return out.toString();
  }

  // In double quotes, systemd's env file reader unescapes exactly these four.
  private static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\' || c == '`' || c == '$') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.append('"').toString();
  }
}
