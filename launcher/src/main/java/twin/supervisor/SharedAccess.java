package twin.supervisor;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
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
    setfacl(runtimeDir, "--x");
    setfacl(twinsDir, "r-x");
    setfacl(twinDir, "r-x");
    setfacl(socket, "rw-");
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
    String pkg = name.equals("setfacl") ? "acl" : "libc-bin";
    throw TwinException.failed("twin.allowed-users needs " + name + ", which is not installed (apt-get install " + pkg + ")");
  }

  @Override
  public String toString() {
    List<String> all = new ArrayList<>(users);
    groups.forEach(g -> all.add("group " + g));
    return String.join(", ", all);
  }
}
