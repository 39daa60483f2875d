package twin.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import twin.TwinException;
import twin.secret.Redactor;

/** Transcripts: the hash chain, what verify catches, redaction, and failing closed. */
class TranscriptTest {
  @TempDir
  Path tmp;

  private Path file;

  @BeforeEach
  void write() {
    Transcript t = Transcript.open(tmp.resolve("t"), "orders-abc123", "eval",
        new Redactor(Map.of("DB_PASSWORD", "hunter2-secret")));
    t.record("session-start", Map.of("user", "alice"));
    t.record("input", Map.of("text", "(println \"hunter2-secret\")"));
    t.record("result", Map.of("ok", true, "value", "nil"));
    t.record("session-end", Map.of("reason", "closed"));
    t.close();
    file = t.file();
  }

  private List<String> lines() throws IOException {
    return new ArrayList<>(Files.readAllLines(file));
  }

  private String verify(List<String> lines) throws IOException {
    Path copy = tmp.resolve("copy.jsonl");
    Files.writeString(copy, String.join("\n", lines) + "\n");
    return TranscriptVerifier.problem(copy);
  }

  @Test
  void anIntactTranscriptVerifiesAndIsPrivate() throws IOException {
    assertThat(TranscriptVerifier.problem(file)).isNull();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
  }

  @Test
  void secretsAreMaskedInRecords() throws IOException {
    assertThat(Files.readString(file)).doesNotContain("hunter2-secret").contains("***");
  }

  @Test
  void anEditedRecordIsNamed() throws IOException {
    List<String> l = lines();
    l.set(2, l.get(2).replace("\"nil\"", "\"42\""));
    assertThat(verify(l)).startsWith("line 3 or line 4 was edited");
  }

  @Test
  void aRemovedRecordIsCaught() throws IOException {
    List<String> l = lines();
    l.remove(1);
    assertThat(verify(l)).contains("line 1").contains("removed");
  }

  @Test
  void aRecordAddedAfterTheEndIsNamed() throws IOException {
    List<String> l = lines();
    l.add(l.get(l.size() - 2));
    assertThat(verify(l)).isEqualTo("line " + l.size() + " follows the session-end record: it was added to a closed "
        + "transcript");
  }

  @Test
  void reorderedRecordsAreCaught() throws IOException {
    List<String> l = lines();
    String second = l.remove(1);
    l.add(2, second);
    assertThat(verify(l)).isNotNull();
  }

  @Test
  void aTruncatedTailIsCaught() throws IOException {
    String text = Files.readString(file);
    Path cut = tmp.resolve("cut.jsonl");
    Files.writeString(cut, text.substring(0, text.length() - 20));
    assertThat(TranscriptVerifier.problem(cut)).contains("cut off");

    List<String> l = lines();
    l.remove(l.size() - 1);
    assertThat(verify(l)).contains("without a session-end record");
  }

  @Test
  void anUnwritableDirectoryFailsClosed() throws IOException {
    Path notADir = Files.writeString(tmp.resolve("file"), "x");
    assertThatThrownBy(() -> Transcript.open(notADir.resolve("sub"), "orders-abc123", "eval", Redactor.none()))
        .isInstanceOf(TwinException.class)
        .hasMessageContaining("refusing to evaluate without a record");
  }

  @Test
  void jsonRoundTripsEveryCharacter() {
    String nasty = "quote\" backslash\\ newline\n tab\t bell\u0007 é";
    Map<String, String> back = Json.parse(Json.object(new java.util.LinkedHashMap<>(Map.of("k", nasty))));
    assertThat(back).containsEntry("k", nasty);
  }
}
