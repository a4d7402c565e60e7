package io.shiftrec.candidates;

import io.shiftrec.core.ArtifactCodec;
import io.shiftrec.core.TrainingData;
import io.shiftrec.learn.Factors;

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
    return new ArtifactCodec.Writer(FORMAT).writeInt(factors.rank()).writeInt(userIds.length)
        .writeInt(itemIds.length).writeStrings(userIds).writeStrings(itemIds).writeFloats(factors.users())
        .writeFloats(factors.items()).writeFloats(factors.itemBias()).toBytes();
  }

  /** Reads {@link #toBytes()}; IllegalArgumentException when the bytes are another format or cut short. */
  public static FactorArtifact fromBytes(byte[] data) {
    ArtifactCodec.Reader in = new ArtifactCodec.Reader(data, "factor artefact", FORMAT, FORMAT, "");
    int rank = in.readInt(), nu = in.readCount("users"), ni = in.readCount("items");
    if (rank < 1) throw new IllegalArgumentException("corrupt factor artefact: rank " + rank);
    String[] users = in.readStrings(nu);
    String[] items = in.readStrings(ni);
    float[] x = in.readFloats(in.count((long) nu * rank, "user factors"));
    float[] y = in.readFloats(in.count((long) ni * rank, "item factors"));
    float[] bias = in.readFloats(ni);
    in.end();
    return new FactorArtifact(users, items, new Factors(rank, nu, ni, x, y, bias));
  }
}
