package twin.supervisor;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import jdk.net.UnixDomainPrincipal;
import twin.TwinException;

/**
 * Who may use a detached twin besides its owner and root ({@code twin.allowed-users} and
 * {@code twin.allowed-groups}), and the POSIX ACL entries that let exactly them reach its socket.
 * The modes stay owner-only (0700 directories, a 0600 socket); named ACL entries open them to the
 * listed users and groups and nobody else. The supervisor still checks every peer's credentials.
 */
public final class SharedAccess {
  private static final SharedAccess NOBODY = new SharedAccess(List.of(), List.of(), Set.of());
  /** In the runtime dir (0600, like everything there): held while ACL entries change. */
  static final String LOCK = ".acl.lock";

  private final List<String> users;
  private final List<String> groups;
  /** The members of the allowed groups, from the group database, for supplementary membership. */
  private final Set<String> members;

  private SharedAccess(List<String> users, List<String> groups, Set<String> members) {
    this.users = List.copyOf(users);
    this.groups = List.copyOf(groups);
    this.members = Set.copyOf(members);
  }

  public static SharedAccess nobody() {
    return NOBODY;
  }

  /** Checks that every user and group exists on this host; an unknown one is a profile error. */
  public static SharedAccess resolve(List<String> users, List<String> groups) {
    if (users.isEmpty() && groups.isEmpty()) {
      return NOBODY;
    }
    UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
    for (String user : users) {
      try {
        lookup.lookupPrincipalByName(user);
      } catch (UserPrincipalNotFoundException e) {
        throw TwinException.usage("twin.allowed-users: there is no user '" + user + "' on this host");
      } catch (IOException e) {
        throw TwinException.failed("cannot look up user '" + user + "': " + twin.Os.reason(e));
      }
    }
    Set<String> members = new LinkedHashSet<>();
    for (String group : groups) {
      TwinProcess.Outcome entry = TwinProcess.runChecked(List.of(tool("getent"), "group", group));
      if (!entry.ok()) {
        throw TwinException.usage("twin.allowed-groups: there is no group '" + group + "' on this host");
      }
      // name:password:gid:member,member
      String[] fields = entry.output().strip().split(":", -1);
      if (fields.length == 4 && !fields[3].isBlank()) {
        members.addAll(List.of(fields[3].split(",")));
      }
    }
    return new SharedAccess(users, groups, members);
  }

  public boolean isEmpty() {
    return users.isEmpty() && groups.isEmpty();
  }

  /** Whether this peer is one of the allowed users, or in one of the allowed groups. */
  public boolean admits(UnixDomainPrincipal peer) {
    String user = peer.user().getName();
    return users.contains(user) || groups.contains(peer.group().getName()) || members.contains(user);
  }

  /**
   * Grants the allowed users and groups passage through the runtime directories, a listing of the
   * twins and this twin's directory, and read-write on its socket, with named ACL entries.
   */
  public void grant(Path runtimeDir, Path twinsDir, Path twinDir, Path socket) {
    if (isEmpty()) {
      return;
    }
    try (FileLock lock = lock(runtimeDir)) {
      setfacl(runtimeDir, "--x");
      setfacl(twinsDir, "r-x");
      setfacl(twinDir, "r-x");
      setfacl(socket, "rw-");
    } catch (IOException e) {
      throw TwinException.failed("cannot lock " + runtimeDir.resolve(LOCK) + ": " + twin.Os.reason(e));
    }
  }

  /**
   * Takes back, once this twin's directory is gone, the entries {@link #grant} put on the runtime
   * dir and the twins dir for each user and group that no other twin there is shared with (a
   * twin's own directory carries its entries, so the directories left say who still needs them).
   * Never throws: returns why it could not, for the supervisor's log, or null.
   */
  public String revoke(Path runtimeDir, Path twinsDir) {
    if (isEmpty()) {
      return null;
    }
    try (FileLock lock = lock(runtimeDir); Stream<Path> others = Files.list(twinsDir)) {
      Set<String> stillShared = new HashSet<>();
      for (Path other : others.filter(Files::isDirectory).toList()) {
        stillShared.addAll(namedEntries(other));
      }
      List<String> gone = new ArrayList<>();
      users.stream().map(u -> "user:" + u).filter(e -> !stillShared.contains(e)).forEach(gone::add);
      groups.stream().map(g -> "group:" + g).filter(e -> !stillShared.contains(e)).forEach(gone::add);
      if (gone.isEmpty()) {
        return null;
      }
      TwinProcess.Outcome r = TwinProcess.runChecked(List.of(tool("setfacl"), "-x", String.join(",", gone),
          twinsDir.toString(), runtimeDir.toString()));
      return r.ok() ? null : "setfacl -x: " + r.firstLine();
    } catch (IOException e) {
      return twin.Os.reason(e);
    } catch (RuntimeException e) {
      return e.getMessage();
    }
  }

  /** {@code user:NAME} and {@code group:NAME} of the named entries in a file's ACL. */
  private static Set<String> namedEntries(Path path) {
    TwinProcess.Outcome r = TwinProcess.runChecked(List.of(tool("getfacl"), "-pc", path.toString()));
    if (!r.ok()) {
      if (!Files.exists(path)) {
        return Set.of(); // a twin that ended meanwhile shares with nobody
      }
      // Unknown: keep every entry rather than take one another twin needs.
      throw new IllegalStateException("getfacl " + path + ": " + r.firstLine());
    }
    Set<String> named = new HashSet<>();
    for (String line : r.output().split("\n")) {
      String[] f = line.split(":", 3);
      if (f.length == 3 && (f[0].equals("user") || f[0].equals("group")) && !f[1].isEmpty()) {
        named.add(f[0] + ":" + f[1]);
      }
    }
    return named;
  }

  /**
   * Serializes grants and revokes between the supervisors of one runtime dir, so that a twin
   * ending cannot take back what a twin starting beside it has just granted.
   */
  private static FileLock lock(Path runtimeDir) throws IOException {
    FileChannel channel = FileChannel.open(runtimeDir.resolve(LOCK), Set.of(StandardOpenOption.CREATE,
        StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      channel.lock();
      return new FileLock(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** A held lock: closing the channel releases it. */
  private record FileLock(FileChannel channel) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  private void setfacl(Path path, String perms) {
    List<String> entries = new ArrayList<>();
    users.forEach(u -> entries.add("u:" + u + ":" + perms));
    groups.forEach(g -> entries.add("g:" + g + ":" + perms));
    TwinProcess.Outcome r = TwinProcess.runChecked(List.of(tool("setfacl"), "-m", String.join(",", entries), path.toString()));
    if (!r.ok()) {
      throw TwinException.failed("cannot give twin.allowed-users access to " + path + " (setfacl: " + r.firstLine()
          + "); the file system must support POSIX ACLs");
    }
  }

  /** Finds a system tool, with a hint to install it when it is missing. */
  public static String tool(String name) {
    Path found = twin.Os.systemTool(name);
    if (found != null) {
      return found.toString();
    }
    String pkg = name.endsWith("facl") ? "acl" : "libc-bin";
    throw TwinException.failed("twin.allowed-users needs " + name + ", which is not installed (apt-get install " + pkg + ")");
  }

  @Override
  public String toString() {
    List<String> all = new ArrayList<>(users);
    groups.forEach(g -> all.add("group " + g));
    return String.join(", ", all);
  }
}
