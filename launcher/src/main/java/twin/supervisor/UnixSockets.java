package twin.supervisor;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Unix socket helpers shared by the private channel and the supervisor's control socket. */
final class UnixSockets {
  private UnixSockets() {}

  /**
   * Binds under a temporary name, narrows the mode to 0600, then renames into place, so the
   * socket is never reachable with wider permissions, even for a moment.
   */
  static ServerSocketChannel bindPrivate(Path socket) throws IOException {
    // bind() creates the file under the umask, which Java cannot set: bind inside a fresh 0700
    // directory, so the socket is unreachable until it is 0600 and renamed into place.
    // A short name: socket paths are limited to 107 bytes.
    Path staging = socket.resolveSibling(".b" + Integer.toHexString(new java.security.SecureRandom().nextInt(0xffff)));
    Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path temp = staging.resolve(socket.getFileName());
    try {
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(temp));
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      Files.move(temp, socket, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return server;
    } finally {
      Files.deleteIfExists(temp);
      Files.deleteIfExists(staging);
    }
  }
}
