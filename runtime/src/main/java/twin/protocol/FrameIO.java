package twin.protocol;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and writes frames: session (int), type (byte), field count (short), then each field as
 * a length (int) and UTF-8 bytes. Length-prefixed, so no text can be mistaken for framing.
 */
public final class FrameIO {
  /** A bound on one field, so a corrupt stream fails fast instead of exhausting the heap. */
  public static final int MAX_FIELD_BYTES = 64 * 1024 * 1024;

  private static final int MAGIC = 0x7417;

  private FrameIO() {}

  /** Writes one frame and flushes. Callers that share a stream serialise calls themselves. */
  public static void write(DataOutputStream out, Frame frame) throws IOException {
    writeUnflushed(out, frame);
    out.flush();
  }

  /** Writes one frame without flushing, for writers that flush once per batch. */
  public static void writeUnflushed(DataOutputStream out, Frame frame) throws IOException {
    out.writeShort(MAGIC);
    out.writeInt(frame.session());
    out.writeByte(frame.type().ordinal());
    if (frame.fields().size() > 0xffff) {
      throw new IOException("too many fields in one frame: " + frame.fields().size());
    }
    out.writeShort(frame.fields().size());
    for (String field : frame.fields()) {
      byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
      out.writeInt(bytes.length);
      out.write(bytes);
    }
  }

  /** Reads one frame; returns null at a clean end of stream. */
  public static Frame read(DataInputStream in) throws IOException {
    int first = in.read();
    if (first == -1) {
      return null;
    }
    int second = in.read();
    if (second == -1) {
      throw new EOFException("twin channel ended inside a frame");
    }
    int magic = (first << 8) | second;
    if (magic != MAGIC) {
      throw new IOException("bad frame marker on the twin channel");
    }
    int session = in.readInt();
    int typeIndex = in.readUnsignedByte();
    FrameType[] types = FrameType.values();
    if (typeIndex >= types.length) {
      throw new IOException("unknown frame type " + typeIndex + " on the twin channel");
    }
    int count = in.readUnsignedShort();
    List<String> fields = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int length = in.readInt();
      if (length < 0 || length > MAX_FIELD_BYTES) {
        throw new IOException("frame field too large on the twin channel: " + length);
      }
      byte[] bytes = in.readNBytes(length);
      if (bytes.length != length) {
        throw new EOFException("twin channel ended inside a frame");
      }
      fields.add(new String(bytes, StandardCharsets.UTF_8));
    }
    return new Frame(session, types[typeIndex], fields);
  }
}
