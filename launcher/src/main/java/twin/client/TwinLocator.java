package twin.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import twin.ExitCodes;
import twin.Os;
import twin.TwinException;

/**
 * Finds detached twins under the runtime dir ({@code twins/ID/twin.sock}) and vets a socket before
 * anything is sent to it, as HotSpot's attach client does: a real socket, not a link, owned by
 * us, no group or other bits, in a 0700 directory of ours. A socket whose supervisor died is
 * removed.
 */
public final class TwinLocator {
  /** Root's runtime dir, where twins shared with other users (twin.allowed-users) usually live. */
  static final Path SHARED_RUNTIME_DIR = Path.of("/run/twin");

  private final Path twinsDir;
  private final List<Path> sharedDirs;

  /** Looks in the runtime dir, and for a user other than root also in root's, for shared twins. */
  public TwinLocator(Path runtimeDir) {
    this(runtimeDir, Os.uid() != 0 && !runtimeDir.equals(SHARED_RUNTIME_DIR)
        ? List.of(twinsDir(SHARED_RUNTIME_DIR)) : List.of());
  }

  TwinLocator(Path runtimeDir, List<Path> sharedTwinsDirs) {
    this.twinsDir = twinsDir(runtimeDir);
    this.sharedDirs = List.copyOf(sharedTwinsDirs);
  }

  public static Path twinsDir(Path runtimeDir) {
    return runtimeDir.resolve("twins");
  }

  /** The directory of the twin {@code target} names when it is an id, or null when it cannot be one. */
  public static Path idDir(Path twinsDir, String target) {
    return target.isEmpty() || target.contains("/") || target.startsWith(".") || target.startsWith("-")
        ? null : twinsDir.resolve(target);
  }

  /** A detached twin's directory and socket; the profile name is the id less its random suffix. */
  public record Entry(String id, Path dir, Path socket) {
    public String profile() {
      int dash = id.lastIndexOf('-');
      return dash > 0 ? id.substring(0, dash) : id;
    }
  }

  /**
   * Every twin directory that holds a socket, sorted by id; stale ones included. Root's shared
   * twins come after the user's own and only where the user may look.
   */
  public List<Entry> list() {
    List<Entry> entries = new ArrayList<>();
    Path runtime = twinsDir.getParent();
    if (runtime != null && Files.exists(runtime) && !Files.isDirectory(runtime)) {
      throw TwinException.usage("the runtime dir " + runtime + " is not a directory (TWIN_RUNTIME_DIR?)");
    }
    try {
      Files.readAttributes(twinsDir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.AccessDeniedException e) {
      throw TwinException.notPermitted("cannot look into " + twinsDir.getParent()
          + ": permission denied (its twins are not shared with you; see twin.allowed-users)");
    } catch (IOException e) {
      // no twins dir yet: nothing runs
    }
    if (Files.isDirectory(twinsDir, LinkOption.NOFOLLOW_LINKS)) {
      try {
        addEntries(twinsDir, entries);
      } catch (IOException e) {
        throw new TwinException(ExitCodes.NOT_PERMITTED, "cannot list " + twinsDir + ": " + Os.reason(e));
      }
    }
    entries.sort((a, b) -> a.id().compareTo(b.id()));
    List<Entry> shared = new ArrayList<>();
    for (Path dir : sharedDirs) {
      try {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          addEntries(dir, shared);
        }
      } catch (IOException e) {
        // not shared with this user: nothing to see there
      }
    }
    shared.sort((a, b) -> a.id().compareTo(b.id()));
    entries.addAll(shared);
    return entries;
  }

  private static void addEntries(Path dir, List<Entry> entries) throws IOException {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir)) {
      for (Path d : dirs) {
        Path socket = d.resolve("twin.sock");
        try {
          if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            entries.add(new Entry(d.getFileName().toString(), d, socket));
          }
        } catch (SecurityException e) {
          // unreadable: not ours to see
        }
      }
    }
  }

  /**
   * The running twins, with stale sockets cleaned up on the way. An entry that fails the checks
   * (not a socket, a link, open to others, another owner's) is skipped with a warning, so that one
   * bad entry does not hide the twins around it; it is still never used.
   */
  public List<RemoteTwin> running() {
    List<RemoteTwin> twins = new ArrayList<>();
    for (Entry e : list()) {
      if (!e.dir().startsWith(twinsDir) && !isAccessible(e)) {
        continue;
      }
      try {
        if (isLive(e)) {
          twins.add(new RemoteTwin(e));
        }
      } catch (TwinException bad) {
        System.err.println("twin: warning: skipping " + e.dir() + ": " + bad.getMessage());
      }
    }
    return twins;
  }

  /**
   * The twin named by {@code target}: an id, or a profile name when exactly one twin of it runs.
   * Returns null when nothing matches, so callers can fall back to a profile.
   */
  public RemoteTwin find(String target) {
    // An id names one directory: probe that twin alone, not every twin of the host.
    Path exact = idDir(twinsDir, target);
    if (exact != null && Files.exists(exact.resolve("twin.sock"), LinkOption.NOFOLLOW_LINKS)) {
      Entry entry = new Entry(target, exact, exact.resolve("twin.sock"));
      if (isLive(entry)) {
        return new RemoteTwin(entry);
      }
    }
    List<RemoteTwin> running = running();
    for (RemoteTwin t : running) {
      if (t.entry().id().equals(target)) {
        return t;
      }
    }
    List<RemoteTwin> ofProfile = running.stream().filter(t -> t.entry().profile().equals(target)).toList();
    if (ofProfile.size() > 1) {
      throw TwinException.usage(ofProfile.size() + " twins of '" + target + "' run ("
          + ofProfile.stream().map(t -> t.entry().id()).collect(Collectors.joining(", ")) + "); name one by its id");
    }
    return ofProfile.isEmpty() ? null : ofProfile.get(0);
  }

  /** Like {@link #find}, but a missing twin is an error. */
  public RemoteTwin require(String target) {
    RemoteTwin twin = find(target);
    if (twin == null) {
      throw TwinException.usage("no running twin '" + target + "' (see twin ps)");
    }
    return twin;
  }

  /**
   * Vets the socket, then probes it; a refused connection means a dead supervisor: clean it up. A
   * twin whose socket vanished meanwhile (it ended) is not live; one whose supervisor does not
   * accept in time is, and its status request says it does not answer.
   */
  boolean isLive(Entry entry) {
    if (!Files.exists(entry.socket(), LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try {
      vet(entry);
    } catch (TwinException e) {
      if (!Files.exists(entry.socket(), LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      throw e;
    }
    RemoteTwin.Deadline deadline = null;
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      deadline = new RemoteTwin.Deadline(probe);
      probe.connect(UnixDomainSocketAddress.of(entry.socket()));
      return true;
    } catch (ConnectException refused) {
      if (ownedByMe(entry)) {
        removeStale(entry);
      }
      return false;
    } catch (IOException e) {
      if (deadline != null && deadline.missed()) {
        return true;
      }
      if (!Files.exists(entry.socket(), LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      throw new TwinException(ExitCodes.NOT_PERMITTED, "cannot connect to " + entry.socket() + ": " + Os.reason(e));
    } finally {
      if (deadline != null) {
        deadline.met();
      }
    }
  }

  /** A shared twin this user may not connect to is not listed at all. */
  private static boolean isAccessible(Entry entry) {
    return Files.isReadable(entry.socket()) && Files.isWritable(entry.socket());
  }

  /** Only the owner (or root) cleans up a stale twin; others just do not list it. */
  private static boolean ownedByMe(Entry entry) {
    long me = Os.uid();
    try {
      return me == 0 || ((Number) Files.getAttribute(entry.dir(), "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue() == me;
    } catch (IOException e) {
      return false;
    }
  }

  private static void removeStale(Entry entry) {
    try {
      Files.deleteIfExists(entry.socket());
      try (DirectoryStream<Path> rest = Files.newDirectoryStream(entry.dir())) {
        for (Path p : rest) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(entry.dir());
      // The twin's own private directory, which a killed supervisor could not remove.
      twin.supervisor.Supervisor.deleteTree(entry.dir().getParent().getParent().resolve(entry.id()));
      System.err.println("twin: removed the stale socket of twin " + entry.id() + " (its supervisor is gone)");
    } catch (IOException e) {
      System.err.println("twin: warning: cannot remove the stale twin " + entry.dir() + ": " + Os.reason(e));
    }
  }

  /**
   * Refuses a socket that someone else could have planted or could listen on: the directory must
   * be a real directory of ours or root's that nobody else can write (a group read/search bit is
   * the mask of a shared twin's ACL), and the socket a real socket of the same owner, closed to
   * others. Links are never followed.
   */
  static void vet(Entry entry) {
    long me = Os.uid();
    long dirOwner = check(entry.dir(), true);
    if (dirOwner != me && dirOwner != 0 && me != 0) {
      throw TwinException.notPermitted(entry.dir() + " is owned by uid " + dirOwner
          + ", not by you or root; refusing to connect");
    }
    long socketOwner = check(entry.socket(), false);
    if (socketOwner != dirOwner) {
      throw TwinException.notPermitted(entry.socket() + " is owned by uid " + socketOwner + ", not by uid " + dirOwner
          + " who owns its directory; refusing to connect");
    }
  }

  /** Checks type and mode without following links; returns the owner's uid. */
  private static long check(Path path, boolean directory) {
    try {
      PosixFileAttributes attrs = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      long owner = ((Number) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
      if (attrs.isSymbolicLink() || (directory ? !attrs.isDirectory() : !attrs.isOther())) {
        throw TwinException.notPermitted(path + " is not a " + (directory ? "directory" : "socket")
            + " (or is a link); refusing to use it");
      }
      Set<PosixFilePermission> perms = attrs.permissions();
      boolean open = perms.stream().anyMatch(p -> p.name().startsWith("OTHERS"))
          || (directory && perms.contains(PosixFilePermission.GROUP_WRITE));
      if (open) {
        throw TwinException.notPermitted(path + " is open to other users ("
            + java.nio.file.attribute.PosixFilePermissions.toString(perms) + "); refusing to use it");
      }
      return owner;
    } catch (IOException e) {
      throw new TwinException(ExitCodes.NOT_PERMITTED, "cannot check " + path + ": " + Os.reason(e));
    }
  }
}
