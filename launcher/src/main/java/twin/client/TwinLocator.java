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
  private final Path twinsDir;

  public TwinLocator(Path runtimeDir) {
    this.twinsDir = twinsDir(runtimeDir);
  }

  public static Path twinsDir(Path runtimeDir) {
    return runtimeDir.resolve("twins");
  }

  /** A detached twin's directory and socket; the profile name is the id less its random suffix. */
  public record Entry(String id, Path dir, Path socket) {
    public String profile() {
      int dash = id.lastIndexOf('-');
      return dash > 0 ? id.substring(0, dash) : id;
    }
  }

  /** Every twin directory that holds a socket, sorted by id; stale ones included. */
  public List<Entry> list() {
    List<Entry> entries = new ArrayList<>();
    if (!Files.isDirectory(twinsDir, LinkOption.NOFOLLOW_LINKS)) {
      return entries;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(twinsDir)) {
      for (Path dir : dirs) {
        Path socket = dir.resolve("twin.sock");
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
          entries.add(new Entry(dir.getFileName().toString(), dir, socket));
        }
      }
    } catch (IOException e) {
      throw new TwinException(ExitCodes.NOT_PERMITTED, "cannot list " + twinsDir + ": " + Os.reason(e));
    }
    entries.sort((a, b) -> a.id().compareTo(b.id()));
    return entries;
  }

  /** The running twins, with stale sockets cleaned up on the way. */
  public List<RemoteTwin> running() {
    List<RemoteTwin> twins = new ArrayList<>();
    for (Entry e : list()) {
      if (isLive(e)) {
        twins.add(new RemoteTwin(e));
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
    Path exact = target.isEmpty() || target.contains("/") || target.startsWith(".") ? null : twinsDir.resolve(target);
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

  /** Vets the socket, then probes it; a refused connection means a dead supervisor: clean it up. */
  boolean isLive(Entry entry) {
    vet(entry);
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(entry.socket()));
      return true;
    } catch (ConnectException refused) {
      removeStale(entry);
      return false;
    } catch (IOException e) {
      throw new TwinException(ExitCodes.NOT_PERMITTED, "cannot connect to " + entry.socket() + ": " + Os.reason(e));
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

  /** Refuses a socket that someone else could have planted or could listen on. */
  static void vet(Entry entry) {
    long me = Os.uid();
    check(entry.dir(), me, true);
    check(entry.socket(), me, false);
  }

  private static void check(Path path, long me, boolean directory) {
    try {
      PosixFileAttributes attrs = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      long owner = ((Number) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
      if (attrs.isSymbolicLink() || (directory ? !attrs.isDirectory() : !attrs.isOther())) {
        throw TwinException.notPermitted(path + " is not a " + (directory ? "directory" : "socket")
            + " (or is a link); refusing to use it");
      }
      if (owner != me && me != 0) {
        throw TwinException.notPermitted(path + " is owned by uid " + owner + ", not by you; refusing to connect");
      }
      Set<PosixFilePermission> perms = attrs.permissions();
      for (PosixFilePermission p : perms) {
        if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
          throw TwinException.notPermitted(path + " is open to other users (" + java.nio.file.attribute.PosixFilePermissions.toString(perms)
              + "); refusing to use it");
        }
      }
    } catch (IOException e) {
      throw new TwinException(ExitCodes.NOT_PERMITTED, "cannot check " + path + ": " + Os.reason(e));
    }
  }
}
