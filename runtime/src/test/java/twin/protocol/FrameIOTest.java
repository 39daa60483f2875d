package twin.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameIOTest {

  private static byte[] bytes(Frame... frames) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(buffer);
    for (Frame frame : frames) {
      FrameIO.write(out, frame);
    }
    return buffer.toByteArray();
  }

  private static DataInputStream in(byte[] bytes) {
    return new DataInputStream(new ByteArrayInputStream(bytes));
  }

  private static List<Frame> readAll(byte[] bytes) throws IOException {
    DataInputStream in = in(bytes);
    List<Frame> frames = new ArrayList<>();
    for (Frame f = FrameIO.read(in); f != null; f = FrameIO.read(in)) {
      frames.add(f);
    }
    return frames;
  }

  /** About one megabyte of text mixing one-, two-, three- and four-byte UTF-8 characters. */
  private static String megabyte() {
    Random random = new Random(42);
    String[] pieces = {"a", "Z", "\n", "é", "ж", "€", "日", "🙂", "\"", "\\", "\0"};
    StringBuilder sb = new StringBuilder();
    while (sb.length() < 1024 * 1024) {
      sb.append(pieces[random.nextInt(pieces.length)]);
    }
    return sb.toString();
  }

  @Test
  void framesRoundTrip() throws IOException {
    String big = megabyte();
    Frame[] frames = {
        Frame.of(0, FrameType.HELLO, "token-abc", "4242", "17.0.9"),
        Frame.of(3, FrameType.EVAL),
        Frame.of(7, FrameType.OUT, "", "", ""),
        Frame.of(8, FrameType.RET, "user", "12", "ok", "héllo ✓ 🙂 日本語 ж", "(str \"x\")"),
        Frame.of(Integer.MAX_VALUE, FrameType.ERR, big),
        Frame.of(-1, FrameType.CLOSED)};

    List<Frame> read = readAll(bytes(frames));

    assertThat(read).containsExactly(frames);
    assertThat(read.get(4).field(0)).hasSize(big.length()).isEqualTo(big);
  }

  @Test
  void everyFrameTypeRoundTrips() throws IOException {
    for (FrameType type : FrameType.values()) {
      Frame frame = Frame.of(5, type, type.name());
      assertThat(readAll(bytes(frame))).as("%s", type).containsExactly(frame);
    }
  }

  @Test
  void frameTextCannotBeMistakenForFraming() throws IOException {
    // A field that holds the bytes of a whole frame stays one field.
    String inner = new String(bytes(Frame.of(9, FrameType.SHUTDOWN)), java.nio.charset.StandardCharsets.ISO_8859_1);
    Frame frame = Frame.of(1, FrameType.OUT, inner, "after");

    assertThat(readAll(bytes(frame, Frame.of(2, FrameType.READY, "user")))).containsExactly(frame,
        Frame.of(2, FrameType.READY, "user"));
  }

  @Test
  void cleanEndOfStreamIsNull() throws IOException {
    assertThat(FrameIO.read(in(new byte[0]))).isNull();

    DataInputStream in = in(bytes(Frame.of(1, FrameType.READY, "user")));
    assertThat(FrameIO.read(in)).isEqualTo(Frame.of(1, FrameType.READY, "user"));
    assertThat(FrameIO.read(in)).isNull();
    assertThat(FrameIO.read(in)).isNull();
  }

  @Test
  void streamCutInsideAFrameIsEof() throws IOException {
    byte[] whole = bytes(Frame.of(4, FrameType.RET, "user", "3", "ok", "héllo 🙂"));
    for (int cut = 2; cut < whole.length; cut++) {
      byte[] part = Arrays.copyOf(whole, cut);
      assertThatThrownBy(() -> FrameIO.read(in(part))).as("cut at %d of %d", cut, whole.length)
          .isInstanceOf(EOFException.class);
    }
  }

  @Test
  void streamCutInsideTheMarkerIsEofNotACleanEnd() throws IOException {
    byte[] whole = bytes(Frame.of(4, FrameType.READY, "user"));
    byte[] oneByte = Arrays.copyOf(whole, 1);

    assertThatThrownBy(() -> FrameIO.read(in(oneByte))).isInstanceOf(EOFException.class);
  }

  @Test
  void badMarkerIsAnIoError() throws IOException {
    byte[] bytes = bytes(Frame.of(1, FrameType.OUT, "text"));
    bytes[0] = 'H';
    bytes[1] = 'i';

    assertThatThrownBy(() -> FrameIO.read(in(bytes))).isInstanceOf(IOException.class)
        .isNotInstanceOf(EOFException.class).hasMessageContaining("marker");
  }

  @Test
  void serviceOutputOnTheChannelIsABadMarker() {
    byte[] bytes = "2024-01-01 INFO Started OrdersApplication\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    assertThatThrownBy(() -> FrameIO.read(in(bytes))).isInstanceOf(IOException.class)
        .hasMessageContaining("marker");
  }

  @Test
  void unknownFrameTypeIsAnIoError() throws IOException {
    byte[] bytes = bytes(Frame.of(1, FrameType.OUT, "text"));
    bytes[6] = (byte) 200; // marker (2) + session (4), then the type byte

    assertThatThrownBy(() -> FrameIO.read(in(bytes))).isInstanceOf(IOException.class)
        .isNotInstanceOf(EOFException.class).hasMessageContaining("200");
  }

  @Test
  void oversizedOrNegativeFieldLengthIsAnIoErrorWithoutReadingIt() throws IOException {
    for (int length : new int[] {-1, FrameIO.MAX_FIELD_BYTES + 1, Integer.MAX_VALUE}) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(buffer);
      byte[] header = bytes(Frame.of(1, FrameType.OUT));
      out.write(header, 0, header.length - 2);
      out.writeShort(1);
      out.writeInt(length);
      out.flush();

      assertThatThrownBy(() -> FrameIO.read(in(buffer.toByteArray()))).as("length %d", length)
          .isInstanceOf(IOException.class).isNotInstanceOf(EOFException.class).hasMessageContaining("too large");
    }
  }

  @Test
  void fieldAccessorAndImmutability() {
    List<String> fields = new ArrayList<>(List.of("a", "b"));
    Frame frame = new Frame(1, FrameType.OUT, fields);
    fields.add("c");

    assertThat(frame.fields()).containsExactly("a", "b");
    assertThat(frame.field(1)).isEqualTo("b");
    assertThat(frame.field(2)).isEmpty();
    assertThatThrownBy(() -> frame.fields().add("d")).isInstanceOf(UnsupportedOperationException.class);
  }
}
