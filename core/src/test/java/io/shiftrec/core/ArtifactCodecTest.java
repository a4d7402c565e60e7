package io.shiftrec.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ArtifactCodecTest {
  private static byte[] sample() {
    return new ArtifactCodec.Writer(3).writeInt(-7).writeFloat(1.5f).writeDouble(Math.PI).writeLong(Long.MIN_VALUE)
        .writeBoolean(true).writeString("三体").writeInts(new int[] {1, 2}).writeFloats(new float[] {0.25f})
        .writeStrings(new String[] {"a", ""}).writeText("tree 1").writeBlock(new byte[] {9}).toBytes();
  }

  @Test
  void everyFieldReadsBackAsWritten() {
    ArtifactCodec.Reader in = new ArtifactCodec.Reader(sample(), "test artefact", 2, 3, "");
    assertEquals(3, in.format());
    assertEquals(-7, in.readInt());
    assertEquals(1.5f, in.readFloat());
    assertEquals(Math.PI, in.readDouble());
    assertEquals(Long.MIN_VALUE, in.readLong());
    assertTrue(in.readBoolean());
    assertEquals("三体", in.readString());
    assertArrayEquals(new int[] {1, 2}, in.readInts(2));
    assertArrayEquals(new float[] {0.25f}, in.readFloats(1));
    assertArrayEquals(new String[] {"a", ""}, in.readStrings(2));
    assertEquals("tree 1", in.readText("tree"));
    assertArrayEquals(new byte[] {9}, in.readBlock("block"));
    in.end();
  }

  /** The bytes are those of java.io.DataOutput, so artefacts written before the codec existed read unchanged. */
  @Test
  void theBytesAreDataOutputs() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(3);
      out.writeInt(-7);
      out.writeFloat(1.5f);
      out.writeDouble(Math.PI);
      out.writeLong(Long.MIN_VALUE);
      out.writeBoolean(true);
      out.writeUTF("三体");
      out.writeInt(1);
      out.writeInt(2);
      out.writeFloat(0.25f);
      out.writeUTF("a");
      out.writeUTF("");
      out.writeInt(6);
      out.write("tree 1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.writeInt(1);
      out.write(9);
    }
    assertArrayEquals(bytes.toByteArray(), sample());
  }

  @Test
  void badBytesAreRefusedNamingTheArtefact() {
    byte[] data = sample();
    IllegalArgumentException format = assertThrows(IllegalArgumentException.class,
        () -> new ArtifactCodec.Reader(data, "test artefact", 4, 5, "train again"));
    assertEquals("test artefact format 3, this version reads 4 to 5: train again", format.getMessage());
    byte[] cut = Arrays.copyOf(data, 10);
    IllegalArgumentException short_ = assertThrows(IllegalArgumentException.class, () -> {
      ArtifactCodec.Reader in = new ArtifactCodec.Reader(cut, "test artefact", 3, 3, "");
      in.readInt();
      in.readFloat();
      in.readDouble();
    });
    assertTrue(short_.getMessage().startsWith("test artefact cut short"), short_.getMessage());
    ArtifactCodec.Reader huge = new ArtifactCodec.Reader(data, "test artefact", 3, 3, "");
    IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
        () -> huge.readFloats(Integer.MAX_VALUE));
    assertTrue(count.getMessage().contains("corrupt"), count.getMessage());
    ArtifactCodec.Reader trailing = new ArtifactCodec.Reader(data, "test artefact", 3, 3, "");
    trailing.readInt();
    IllegalArgumentException extra = assertThrows(IllegalArgumentException.class, trailing::end);
    assertFalse(extra.getMessage().isEmpty());
  }
}
