package twin.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
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

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Copies the collections. */
  public CapturedProfile {
    secrets = Collections.unmodifiableMap(new LinkedHashMap<>(secrets));
    warnings = List.copyOf(warnings);
  }

  /**
   * Fails, before anything is written, when {@code output} cannot be a profile file twin writes:
   * an empty name, a directory, a missing directory, a symbolic link (never written through or
   * replaced, even with {@code force}), or an existing file without {@code force}.
   */
  public static void checkOutput(Path output, boolean force) {
    if (output.toString().isEmpty()) {
      throw TwinException.usage("-o needs a file name, e.g. -o profiles/orders.yaml");
    }
    if (Files.isDirectory(output)) {
      throw TwinException.usage("-o " + output + " is a directory; name a file in it, e.g. -o "
          + output.resolve("NAME.yaml"));
    }
    Path dir = output.toAbsolutePath().getParent();
    if (dir != null && !Files.isDirectory(dir)) {
      throw TwinException.usage("cannot write " + output + ": the directory " + dir + " does not exist");
    }
    checkTarget(output, force, output + " already exists");
  }

  /**
   * Writes the profile to {@code output} and its secrets to {@link #envFile}, each to a temporary
   * file in the same directory first (the env file created 0600 before any byte goes in), renamed
   * over the target only when both are complete: a failure leaves no half-written file. A replaced
   * profile keeps its mode.
   *
   * @param force replace an existing profile or env file (never a symbolic link)
   * @param serviceEnvFiles the service's own env files (a unit's EnvironmentFile=), which twin
   *     never replaces, even with {@code force}
   * @throws TwinException (usage) when a target exists without {@code force}, is a link or one of
   *     {@code serviceEnvFiles}, or cannot be written
   */
  public void writeTo(Path output, boolean force, List<Path> serviceEnvFiles) {
    checkOutput(output, force);
    if (envFile != null) {
      Path absolute = envFile.toAbsolutePath().normalize();
      for (Path own : serviceEnvFiles) {
        if (own.toAbsolutePath().normalize().equals(absolute)) {
          throw TwinException.usage(envFile + ", where the secrets of " + output + " would go, is an "
              + "EnvironmentFile= of the service; twin never replaces the service's own files, even with "
              + "--force: give another -o FILE");
        }
      }
      checkTarget(envFile, force, envFile + " (the env file for the secrets of " + output + ") already exists");
    }
    Set<PosixFilePermission> mode = null;
    try {
      if (Files.isRegularFile(output, LinkOption.NOFOLLOW_LINKS)) {
        mode = Files.getPosixFilePermissions(output, LinkOption.NOFOLLOW_LINKS);
      }
    } catch (IOException e) {
      // the new file gets the default mode, as a new profile would
    }
    Path envTemp = null;
    Path yamlTemp = null;
    try {
      if (envFile != null) {
        envTemp = temporary(envFile, envFileText(), true, null);
      }
      yamlTemp = temporary(output, yaml, false, mode);
      if (envTemp != null) {
        rename(envTemp, envFile);
        envTemp = null;
      }
      rename(yamlTemp, output);
      yamlTemp = null;
    } finally {
      deleteQuietly(envTemp);
      deleteQuietly(yamlTemp);
    }
  }

  private static void checkTarget(Path target, boolean force, String exists) {
    if (Files.isSymbolicLink(target)) {
      throw TwinException.usage(target + " is a symbolic link; twin never writes through or replaces one, "
          + "even with --force: remove it, or give another -o FILE");
    }
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
        throw TwinException.usage(target + " exists and is not a regular file; give another -o FILE");
      }
      if (!force) {
        throw TwinException.usage(exists + "; give another -o FILE, or add --force to replace it");
      }
    }
  }

  /**
   * {@code text} in a new file beside {@code target}: 0600 from its creation when {@code ownerOnly},
   * else with {@code mode} (null: the default for new files).
   */
  private static Path temporary(Path target, String text, boolean ownerOnly, Set<PosixFilePermission> mode) {
    Path temp = target.resolveSibling("." + target.getFileName() + ".twin-" + Long.toHexString(RANDOM.nextLong()));
    FileAttribute<?>[] attributes = ownerOnly
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
    try (FileChannel out = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        attributes)) {
      if (!ownerOnly && mode != null) {
        Files.setPosixFilePermissions(temp, mode);
      }
      ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
      out.force(true);
      return temp;
    } catch (IOException e) {
      deleteQuietly(temp);
      throw TwinException.cannotWrite(target, e);
    }
  }

  private static void rename(Path from, Path to) {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw TwinException.cannotWrite(to, e);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // best effort: the temporary file is hidden and named as twin's
      }
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
