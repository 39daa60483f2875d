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
    Path temp = socket.resolveSibling(socket.getFileName() + ".tmp");
    Files.deleteIfExists(temp);
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(temp));
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
    Files.move(temp, socket, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return server;
  }
}
