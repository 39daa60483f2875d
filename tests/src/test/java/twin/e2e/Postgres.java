package twin.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster from the Debian packages: initdb in a temp directory, a free
 * port on 127.0.0.1 only, a password-protected superuser and a SELECT-only role. As root it runs
 * as the {@code postgres} OS user (PostgreSQL refuses root). When it cannot start, the test fails
 * with the reason; it never skips.
 */
final class Postgres implements AutoCloseable {
  static final String ADMIN = "twin_admin";
  static final String READER = "twin_reader";

  final Path dir;
  final Path bin;
  final int port;
  final String adminPassword;
  final String readerPassword;
  private final boolean asPostgres;

  private Postgres(Path dir, Path bin, int port, String adminPassword, String readerPassword, boolean asPostgres) {
    this.dir = dir;
    this.bin = bin;
    this.port = port;
    this.adminPassword = adminPassword;
    this.readerPassword = readerPassword;
    this.asPostgres = asPostgres;
  }

  /** The newest installed PostgreSQL's bin directory; fails when there is none. */
  static Path binDir() {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions.map(v -> v.resolve("bin"))
          .filter(b -> Files.isExecutable(b.resolve("initdb")))
          .max(Comparator.comparing(b -> Integer.parseInt(b.getParent().getFileName().toString().replaceAll("\\D", "0"))))
          .orElseThrow(() -> new AssertionError("PostgreSQL is not installed: no /usr/lib/postgresql/*/bin/initdb "
              + "(apt-get install postgresql; .ci/run does it)"));
    } catch (IOException e) {
      throw new AssertionError("PostgreSQL is not installed: cannot list /usr/lib/postgresql (" + e + "); "
          + "apt-get install postgresql", e);
    }
  }

  /** Starts a cluster; the caller closes it. */
  static Postgres start() {
    Path bin = binDir();
    boolean root = "root".equals(System.getProperty("user.name"));
    String admin = "admin-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
    String reader = "reader-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
    Path dir;
    try {
      dir = Files.createTempDirectory("twin-pg-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      Path pw = dir.resolve("pwfile");
      Files.writeString(pw, admin + "\n", StandardCharsets.UTF_8);
      if (root) {
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
        Files.setOwner(pw, users.lookupPrincipalByName("postgres"));
      }
    } catch (IOException e) {
      throw new AssertionError("cannot prepare a PostgreSQL directory: " + e, e);
    }
    Postgres pg = new Postgres(dir, bin, Host.freePort(), admin, reader, root);
    pg.run(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", ADMIN,
        "--pwfile=" + dir.resolve("pwfile"), "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync");
    pg.run(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(),
        "-w", "-t", "60", "-o", "-p " + pg.port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c fsync=off", "start");
    pg.execute("CREATE ROLE " + READER + " LOGIN PASSWORD '" + reader + "'");
    return pg;
  }

  /** The JDBC URL of database {@code postgres}. */
  String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /** A connection as the superuser, autocommit on. */
  Connection admin() {
    try {
      return DriverManager.getConnection(url(), ADMIN, adminPassword);
    } catch (SQLException e) {
      throw new AssertionError("cannot connect to the test cluster: " + e.getMessage() + "\n" + log(), e);
    }
  }

  /** Runs statements as the superuser. */
  void execute(String... statements) {
    try (Connection c = admin(); Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    } catch (SQLException e) {
      throw new AssertionError("SQL failed on the test cluster: " + e.getMessage(), e);
    }
  }

  /** psql's own output for {@code args} (as the superuser); fails if psql fails. */
  byte[] psql(String... args) {
    List<String> command = new ArrayList<>(List.of(psqlPath(), "-X", "-h", "127.0.0.1", "-p", Integer.toString(port),
        "-U", ADMIN, "-d", "postgres"));
    command.addAll(List.of(args));
    ProcessBuilder b = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    b.environment().put("PGPASSWORD", adminPassword);
    Host.Ran r = Host.run(b, Duration.ofMinutes(10));
    if (!r.ended() || r.exitCode() != 0) {
      throw new AssertionError("psql " + args[args.length - 1] + " failed with " + r.exitCode());
    }
    return r.output();
  }

  private String psqlPath() {
    Path inBin = bin.resolve("psql");
    return Files.isExecutable(inBin) ? inBin.toString() : "psql";
  }

  String log() {
    try {
      return Files.readString(dir.resolve("log"));
    } catch (IOException e) {
      return "(no server log)";
    }
  }

  private void run(String... command) {
    List<String> argv = new ArrayList<>();
    if (asPostgres) {
      argv.addAll(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
    }
    argv.addAll(List.of(command));
    ProcessBuilder b = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
    Host.Ran r;
    try {
      r = Host.run(b, Duration.ofSeconds(90));
    } catch (UncheckedIOException e) {
      throw new AssertionError("cannot start the test PostgreSQL: " + e.getCause(), e);
    }
    if (!r.ended() || r.exitCode() != 0) {
      throw new AssertionError("cannot start the test PostgreSQL: " + String.join(" ", argv) + " failed:\n" + r.text()
          + "\n" + log());
    }
  }

  /** Stops the server and removes its files. */
  @Override
  public void close() {
    try {
      run(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
    } finally {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temp directory left behind
      }
    }
  }

  /** The pgjdbc jar the tests use, to put on a twin's classpath. */
  static Path driverJar() {
    try {
      return Path.of(org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new AssertionError(e);
    }
  }
}
