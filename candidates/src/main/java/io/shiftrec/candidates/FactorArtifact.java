package io.shiftrec.candidates;

import io.shiftrec.core.TrainingData;

import io.shiftrec.learn.Factors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Learned factors with the user and item ids their rows belong to, as the bytes of a store artefact. Layout (big
 * endian, {@link java.io.DataOutput}): format, rank, users, items; the user ids, then the item ids (modified UTF-8);
 * then user factors, item factors and item biases as floats, row-major.
 */
public record FactorArtifact(String[] userIds, String[] itemIds, Factors factors) {
  public static final int FORMAT = 1;

  public FactorArtifact {
    if (userIds.length != factors.numUsers() || itemIds.length != factors.numItems()) {
      throw new IllegalArgumentException("ids do not match the factors' " + factors.numUsers() + " users and "
          + factors.numItems() + " items");
    }
  }

  /** The factors of a model fit on {@code train}, labelled with its user and item ids. */
  public static FactorArtifact of(TrainingData train, Factors factors) {
    String[] users = new String[train.numUsers()];
    for (int u = 0; u < users.length; u++) users[u] = train.userId(u);
    String[] items = new String[train.numItems()];
    for (int i = 0; i < items.length; i++) items[i] = train.catalog().item(i).id();
    return new FactorArtifact(users, items, factors);
  }

  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeInt(factors.rank());
      out.writeInt(userIds.length);
      out.writeInt(itemIds.length);
      for (String id : userIds) out.writeUTF(id);
      for (String id : itemIds) out.writeUTF(id);
      for (float v : factors.users()) out.writeFloat(v);
      for (float v : factors.items()) out.writeFloat(v);
      for (float v : factors.itemBias()) out.writeFloat(v);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory stream does not fail
    }
    return bytes.toByteArray();
  }

  /** Reads {@link #toBytes()}; IllegalArgumentException when the bytes are another format or cut short. */
  public static FactorArtifact fromBytes(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int format = in.readInt();
      if (format != FORMAT) {
        throw new IllegalArgumentException("factor artefact format " + format + ", this version reads " + FORMAT);
      }
      int rank = in.readInt(), nu = in.readInt(), ni = in.readInt();
      if (rank < 1 || nu < 0 || ni < 0) {
        throw new IllegalArgumentException("corrupt factor artefact: rank " + rank + ", " + nu + " users, " + ni
            + " items");
      }
      String[] users = new String[nu];
      for (int u = 0; u < nu; u++) users[u] = in.readUTF();
      String[] items = new String[ni];
      for (int i = 0; i < ni; i++) items[i] = in.readUTF();
      float[] x = readFloats(in, nu * rank), y = readFloats(in, ni * rank), bias = readFloats(in, ni);
      return new FactorArtifact(users, items, new Factors(rank, nu, ni, x, y, bias));
    } catch (IOException e) {
      throw new IllegalArgumentException("factor artefact cut short: " + e.getMessage(), e);
    }
  }

  private static float[] readFloats(DataInputStream in, int n) throws IOException {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = in.readFloat();
    return v;
  }
}
