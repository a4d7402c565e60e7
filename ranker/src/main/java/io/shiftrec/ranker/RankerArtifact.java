package io.shiftrec.ranker;

import io.shiftrec.candidates.AdapterArtifact;
import io.shiftrec.candidates.ItemGraph;
import io.shiftrec.candidates.NextItemSvdModel;

import io.shiftrec.learn.LowRank;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Everything the served learned ranker ({@link LearnedRanking}) needs, as the bytes of one store artefact, so a
 * trained model serves without its training data: the feature names and their weights, iALS item factors with the
 * regularisation and α that fold new users in, ItemKNN neighbour lists, the next-item rules, popularity counts, the
 * recent-items window (of ItemKNN over the latest items and of the next-item rules), how many candidates each part
 * retrieves (0: the ranker orders the whole catalogue) and whether it retrieves them per domain, all keyed by item
 * id, the LambdaMART trees that order the candidates (LightGBM's model text; empty when the weighted sum does),
 * the text adapter whose space the interest part scores in (null: the centred text space), and whether the trees'
 * and the weighted sum's scores are blended (each standardised over the candidates, then added) instead of the
 * trees ordering alone, and the low-rank next-item rules ({@link NextItemSvdModel}; null: none).
 * A feature named {@code part@N} reads the part over the user's latest N items instead of the recent-items window.
 * Layout (big endian, {@link java.io.DataOutput}): format; features (count, then name and weight each); recent
 * items; candidates; per domain; items (count, ids); rank, λ, α, factors row-major; the neighbour graph and the
 * next-item graph (offsets, targets, weights each); popularity; trees (byte count, UTF-8); the adapter (byte count,
 * 0 for none, then {@link AdapterArtifact#toBytes()}); blend; the low-rank rules (rank, 0 for none, then both
 * factor matrices row-major). Format 5, the same without the low-rank rules, format 4, without the blend either, and
 * format 3, without the adapter either, are still read.
 */
public record RankerArtifact(String[] features, double[] weights, int recentItems, int candidates,
                             boolean perDomain, String[] itemIds, int rank, float regularization, float alpha,
                             float[] itemFactors, ItemGraph neighbours, ItemGraph nextItems, int[] popularity,
                             String trees, AdapterArtifact adapter, boolean blend, LowRank.Factors smoothedRules) {
  public static final int FORMAT = 6;
  /** The format before the low-rank rules were added: read as a ranker without them. */
  private static final int FORMAT_WITHOUT_SMOOTHED_RULES = 5;
  /** The format before the blend was added: read as a ranker without it. */
  private static final int FORMAT_WITHOUT_BLEND = 4;
  /** The format before the adapter was added: read as a ranker without one. */
  private static final int FORMAT_WITHOUT_ADAPTER = 3;
  /** The artefact name in the store. */
  public static final String NAME = LearnedRankerModel.NAME;

  public RankerArtifact {
    int n = itemIds.length;
    if (features.length != weights.length || features.length == 0) {
      throw new IllegalArgumentException(features.length + " features but " + weights.length + " weights");
    }
    if (recentItems < 1 || rank < 1 || candidates < 0) {
      throw new IllegalArgumentException("recent items and rank must be positive and candidates ≥ 0, got "
          + recentItems + ", " + rank + ", " + candidates);
    }
    if (itemFactors.length != n * rank || neighbours.size() != n || nextItems.size() != n || popularity.length != n) {
      throw new IllegalArgumentException("ranker arrays do not match " + n + " items of rank " + rank);
    }
    if (!trees.isEmpty() && candidates == 0) {
      throw new IllegalArgumentException("trees order retrieved candidates, but the ranker retrieves none");
    }
    if (blend && trees.isEmpty()) throw new IllegalArgumentException("a blend of trees and weights without trees");
    if (smoothedRules != null && (smoothedRules.left().length != (long) n * smoothedRules.rank()
        || smoothedRules.right().length != (long) n * smoothedRules.rank())) {
      throw new IllegalArgumentException("low-rank rules do not match " + n + " items of rank "
          + smoothedRules.rank());
    }
  }

  /** A ranker whose trees, if any, order the candidates alone, without low-rank rules. */
  public RankerArtifact(String[] features, double[] weights, int recentItems, int candidates, boolean perDomain,
                        String[] itemIds, int rank, float regularization, float alpha, float[] itemFactors,
                        ItemGraph neighbours, ItemGraph nextItems, int[] popularity, String trees,
                        AdapterArtifact adapter) {
    this(features, weights, recentItems, candidates, perDomain, itemIds, rank, regularization, alpha, itemFactors,
        neighbours, nextItems, popularity, trees, adapter, false, null);
  }

  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeInt(features.length);
      for (int f = 0; f < features.length; f++) {
        out.writeUTF(features[f]);
        out.writeDouble(weights[f]);
      }
      out.writeInt(recentItems);
      out.writeInt(candidates);
      out.writeBoolean(perDomain);
      out.writeInt(itemIds.length);
      for (String id : itemIds) out.writeUTF(id);
      out.writeInt(rank);
      out.writeFloat(regularization);
      out.writeFloat(alpha);
      for (float v : itemFactors) out.writeFloat(v);
      write(neighbours, out);
      write(nextItems, out);
      for (int v : popularity) out.writeInt(v);
      byte[] text = trees.getBytes(StandardCharsets.UTF_8);
      out.writeInt(text.length);
      out.write(text);
      byte[] adapterBytes = adapter == null ? new byte[0] : adapter.toBytes();
      out.writeInt(adapterBytes.length);
      out.write(adapterBytes);
      out.writeBoolean(blend);
      out.writeInt(smoothedRules == null ? 0 : smoothedRules.rank());
      if (smoothedRules != null) {
        for (float v : smoothedRules.left()) out.writeFloat(v);
        for (float v : smoothedRules.right()) out.writeFloat(v);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory stream does not fail
    }
    return bytes.toByteArray();
  }

  /** Reads {@link #toBytes()}; IllegalArgumentException when the bytes are another format, cut short or corrupt. */
  public static RankerArtifact fromBytes(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int format = in.readInt();
      if (format < FORMAT_WITHOUT_ADAPTER || format > FORMAT) {
        throw new IllegalArgumentException("ranker artefact format " + format + ", this version reads "
            + FORMAT_WITHOUT_ADAPTER + " to " + FORMAT + ": run shiftrec train again");
      }
      int nf = count(in.readInt(), data.length, "features");
      String[] features = new String[nf];
      double[] weights = new double[nf];
      for (int f = 0; f < nf; f++) {
        features[f] = in.readUTF();
        weights[f] = in.readDouble();
      }
      int recent = in.readInt();
      int candidates = in.readInt();
      boolean perDomain = in.readBoolean();
      int n = count(in.readInt(), data.length, "items");
      String[] ids = new String[n];
      for (int i = 0; i < n; i++) ids[i] = in.readUTF();
      int rank = count(in.readInt(), data.length, "rank");
      float reg = in.readFloat(), alpha = in.readFloat();
      float[] factors = floats(in, count((long) n * rank, data.length, "factors"));
      ItemGraph neighbours = readGraph(in, n, data.length);
      ItemGraph nextItems = readGraph(in, n, data.length);
      int[] popularity = ints(in, n);
      byte[] text = new byte[count(in.readInt(), data.length, "tree bytes")];
      in.readFully(text);
      AdapterArtifact adapter = null;
      if (format >= FORMAT_WITHOUT_BLEND) {
        byte[] adapterBytes = new byte[count(in.readInt(), data.length, "adapter bytes")];
        in.readFully(adapterBytes);
        if (adapterBytes.length > 0) adapter = AdapterArtifact.fromBytes(adapterBytes);
      }
      boolean blend = format >= FORMAT_WITHOUT_SMOOTHED_RULES && in.readBoolean();
      LowRank.Factors smoothed = null;
      int smoothedRank = format == FORMAT ? count(in.readInt(), data.length, "low-rank rules rank") : 0;
      if (smoothedRank > 0) {
        int size = count((long) n * smoothedRank, data.length, "low-rank rules");
        smoothed = new LowRank.Factors(smoothedRank, floats(in, size), floats(in, size));
      }
      if (in.available() > 0) throw new IllegalArgumentException("ranker artefact has trailing bytes");
      return new RankerArtifact(features, weights, recent, candidates, perDomain, ids, rank, reg, alpha, factors,
          neighbours, nextItems, popularity, new String(text, StandardCharsets.UTF_8), adapter, blend, smoothed);
    } catch (IOException e) {
      throw new IllegalArgumentException("ranker artefact cut short: " + e.getMessage(), e);
    }
  }

  private static void write(ItemGraph graph, DataOutputStream out) throws IOException {
    for (int v : graph.offsets()) out.writeInt(v);
    for (int v : graph.items()) out.writeInt(v);
    for (float v : graph.weights()) out.writeFloat(v);
  }

  private static ItemGraph readGraph(DataInputStream in, int n, int bytes) throws IOException {
    int[] offsets = ints(in, n + 1);
    int edges = count(offsets[n], bytes, "graph edges");
    return new ItemGraph(offsets, ints(in, edges), floats(in, edges));
  }

  /** A count read from the bytes, refused when negative or larger than the bytes could hold (corrupt data). */
  private static int count(long value, int bytes, String what) {
    if (value < 0 || value > bytes) throw new IllegalArgumentException("ranker artefact cut short or corrupt: " + value + " " + what);
    return (int) value;
  }

  private static float[] floats(DataInputStream in, int n) throws IOException {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = in.readFloat();
    return v;
  }

  private static int[] ints(DataInputStream in, int n) throws IOException {
    int[] v = new int[n];
    for (int i = 0; i < n; i++) v[i] = in.readInt();
    return v;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RankerArtifact a && Arrays.equals(features, a.features) && Arrays.equals(weights, a.weights)
        && recentItems == a.recentItems && candidates == a.candidates && perDomain == a.perDomain
        && Arrays.equals(itemIds, a.itemIds) && rank == a.rank && regularization == a.regularization
        && alpha == a.alpha && Arrays.equals(itemFactors, a.itemFactors) && neighbours.equals(a.neighbours)
        && nextItems.equals(a.nextItems) && Arrays.equals(popularity, a.popularity) && trees.equals(a.trees)
        && Arrays.equals(adapter == null ? null : adapter.toBytes(), a.adapter == null ? null : a.adapter.toBytes())
        && blend == a.blend && Objects.equals(smoothedRules, a.smoothedRules);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(itemIds) * 31 + Arrays.hashCode(weights);
  }
}
