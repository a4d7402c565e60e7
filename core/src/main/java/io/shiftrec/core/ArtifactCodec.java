package io.shiftrec.core;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The one binary form of every model artefact the store keeps: a format number, then the artefact's fields in a fixed
 * order, big-endian, strings as modified UTF-8 ({@link DataOutputStream}). Each artefact class says which fields and
 * in what order; this class writes them, and reads them back with the checks every artefact needs: a count larger
 * than the bytes could hold, bytes that end early or trailing bytes are refused with one IllegalArgumentException
 * naming the artefact, never an OutOfMemoryError or a half-read model.
 */
public final class ArtifactCodec {
  private ArtifactCodec() {}

  /** Collects an artefact's fields in memory. */
  public static final class Writer {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream out = new DataOutputStream(bytes);

    /** Starts an artefact of the given format number. */
    public Writer(int format) {
      writeInt(format);
    }

    public Writer writeInt(int v) {
      try {
        out.writeInt(v);
      } catch (IOException e) {
        throw new UncheckedIOException(e); // an in-memory stream does not fail
      }
      return this;
    }

    public Writer writeFloat(float v) {
      return writeInt(Float.floatToIntBits(v));
    }

    public Writer writeLong(long v) {
      return writeInt((int) (v >>> 32)).writeInt((int) v);
    }

    public Writer writeDouble(double v) {
      return writeLong(Double.doubleToLongBits(v));
    }

    public Writer writeBoolean(boolean v) {
      return raw(new byte[] {(byte) (v ? 1 : 0)});
    }

    public Writer writeString(String v) {
      try {
        out.writeUTF(v);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    /** Every value, without a count: the reader knows how many from fields before. */
    public Writer writeInts(int[] values) {
      for (int v : values) writeInt(v);
      return this;
    }

    /** Every value, without a count. */
    public Writer writeFloats(float[] values) {
      for (float v : values) writeFloat(v);
      return this;
    }

    /** Every string, without a count. */
    public Writer writeStrings(String[] values) {
      for (String v : values) writeString(v);
      return this;
    }

    /** A length, then the bytes: a nested artefact or a text. */
    public Writer writeBlock(byte[] block) {
      writeInt(block.length);
      return raw(block);
    }

    public Writer writeText(String text) {
      return writeBlock(text.getBytes(StandardCharsets.UTF_8));
    }

    private Writer raw(byte[] b) {
      try {
        out.write(b);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    public byte[] toBytes() {
      return bytes.toByteArray();
    }
  }

  /** Reads an artefact's fields back, in the order they were written. */
  public static final class Reader {
    private final DataInputStream in;
    private final int size;
    private final String what;
    private final int format;

    /**
     * Reads the format number; IllegalArgumentException when it is outside {@code [oldest, newest]}.
     *
     * @param what the artefact's name in errors, e.g. "ranker artefact"
     * @param advice what to do about a format this version cannot read, e.g. "run shiftrec train again"
     */
    public Reader(byte[] data, String what, int oldest, int newest, String advice) {
      this.in = new DataInputStream(new ByteArrayInputStream(data));
      this.size = data.length;
      this.what = what;
      this.format = readInt();
      if (format < oldest || format > newest) {
        throw new IllegalArgumentException(what + " format " + format + ", this version reads "
            + (oldest == newest ? Integer.toString(newest) : oldest + " to " + newest)
            + (advice.isEmpty() ? "" : ": " + advice));
      }
    }

    /** The format number the artefact was written in. */
    public int format() {
      return format;
    }

    public int readInt() {
      try {
        return in.readInt();
      } catch (IOException e) {
        throw cutShort(e);
      }
    }

    public float readFloat() {
      return Float.intBitsToFloat(readInt());
    }

    public long readLong() {
      long high = readInt() & 0xFFFFFFFFL, low = readInt() & 0xFFFFFFFFL;
      return high << 32 | low;
    }

    public double readDouble() {
      return Double.longBitsToDouble(readLong());
    }

    public boolean readBoolean() {
      try {
        return in.readBoolean();
      } catch (IOException e) {
        throw cutShort(e);
      }
    }

    public String readString() {
      try {
        return in.readUTF();
      } catch (IOException e) {
        throw cutShort(e);
      }
    }

    /**
     * A count of something ({@code name}, for the error): refused when negative or larger than the artefact's bytes
     * could hold, so corrupt data never allocates beyond the artefact's own size.
     */
    public int count(long value, String name) {
      if (value < 0 || value > size) {
        throw new IllegalArgumentException(what + " cut short or corrupt: " + value + " " + name);
      }
      return (int) value;
    }

    /** A count read from the bytes, checked as {@link #count(long, String)}. */
    public int readCount(String name) {
      return count(readInt(), name);
    }

    public int[] readInts(int n) {
      int[] v = new int[count(n, "values")];
      for (int i = 0; i < v.length; i++) v[i] = readInt();
      return v;
    }

    public float[] readFloats(int n) {
      float[] v = new float[count(n, "values")];
      for (int i = 0; i < v.length; i++) v[i] = readFloat();
      return v;
    }

    public String[] readStrings(int n) {
      String[] v = new String[count(n, "strings")];
      for (int i = 0; i < v.length; i++) v[i] = readString();
      return v;
    }

    /** What {@link Writer#writeBlock} wrote. */
    public byte[] readBlock(String name) {
      byte[] block = new byte[readCount(name)];
      try {
        in.readFully(block);
      } catch (IOException e) {
        throw cutShort(e);
      }
      return block;
    }

    public String readText(String name) {
      return new String(readBlock(name), StandardCharsets.UTF_8);
    }

    /** Refuses bytes left after the last field. */
    public void end() {
      try {
        if (in.available() > 0) throw new IllegalArgumentException(what + " has trailing bytes");
      } catch (IOException e) {
        throw cutShort(e);
      }
    }

    private IllegalArgumentException cutShort(IOException e) {
      return new IllegalArgumentException(what + " cut short: " + e.getMessage(), e);
    }
  }
}
