package twin.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import twin.ExitCodes;
import twin.Os;
import twin.TwinException;
import twin.secret.Redactor;

/**
 * One session's record, written by the supervisor (outside the twin JVM, which could rewrite
 * anything inside itself): JSON Lines, each record carrying the SHA-256 of the line before it, and
 * each forced to disk before the caller goes on, so a result never reaches a client unrecorded.
 * Every value passes the redactor first.
 */
public final class Transcript implements AutoCloseable {
  /** The hash a first record points back to. */
  public static final String GENESIS = "0".repeat(64);
  /** Values and forms longer than this are cut, with a note of their full length. */
  static final int MAX_TEXT = 4000;

  private final Path file;
  private final FileChannel channel;
  private final Redactor redactor;
  private String previous = GENESIS;
  private long seq;

  private Transcript(Path file, FileChannel channel, Redactor redactor) {
    this.file = file;
    this.channel = channel;
    this.redactor = redactor;
  }

  /**
   * Opens a new transcript in {@code dir} (created 0700) as a 0600 file; fails closed: a
   * {@link TwinException} when it cannot be written, so the session is refused.
   */
  public static Transcript open(Path dir, String twinId, String kind, Redactor redactor) {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      String stamp = Instant.now().toString().replace(":", "").replace("-", "");
      Path file = dir.resolve(twinId + "-" + stamp + "-" + kind + "-" + ProcessHandle.current().pid() + "-"
          + System.nanoTime() % 100000 + ".jsonl");
      FileChannel channel = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
          StandardOpenOption.APPEND), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      return new Transcript(file, channel, redactor);
    } catch (IOException | UnsupportedOperationException e) {
      throw new TwinException(ExitCodes.NOT_PERMITTED, "cannot write the transcript in " + dir + " ("
          + (e instanceof IOException io ? Os.reason(io) : e.getMessage()) + "); refusing to evaluate without a record");
    }
  }

  public Path file() {
    return file;
  }

  /** Appends one record and forces it to disk; a failure is a TwinException (fail closed). */
  public synchronized void record(String type, Map<String, Object> fields) {
    Map<String, Object> rec = new LinkedHashMap<>();
    rec.put("seq", seq);
    rec.put("time", Instant.now().toString());
    rec.put("type", type);
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      Object v = e.getValue();
      rec.put(e.getKey(), v instanceof String s ? cut(redactor.redact(s)) : v);
    }
    rec.put("prev", previous);
    String line = Json.object(rec);
    try {
      ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      channel.force(false);
    } catch (IOException e) {
      throw new TwinException(ExitCodes.NOT_PERMITTED, "cannot write the transcript " + file + " ("
          + Os.reason(e) + "); refusing to go on without a record");
    }
    previous = sha256(line);
    seq++;
  }

  private static String cut(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "... (" + s.length() + " chars)";
  }

  static String sha256(String line) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The hash of the last record: the chain's head, for syslog. */
  public synchronized String head() {
    return previous;
  }

  @Override
  public synchronized void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // every record was forced already
    }
  }
}
