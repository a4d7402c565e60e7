package io.shiftrec.ranker;

import io.shiftrec.core.ArtifactCodec;
import io.shiftrec.candidates.AdapterArtifact;
import io.shiftrec.candidates.GroupPopularity;
import io.shiftrec.candidates.ItemGraph;
import io.shiftrec.candidates.NextItemSvdModel;

import io.shiftrec.learn.LowRank;
import io.shiftrec.interest.InterestConfig;
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
 * factor matrices row-major); the interests' short-term boost after a migration; the longest history that the
 * short histories' weights serve (0: none) and, if any, those weights; what each group of users took (byte count, 0
 * for none, then {@link GroupPopularity#toBytes()}, items in the artefact's order). Format 8, the same without the
 * groups, format 7, without the short histories' weights either, format 6, without the boost either (read as the
 * default), format 5, without the low-rank rules either, format 4, without the blend either, and format 3, without
 * the adapter either, are still read.
 */
public record RankerArtifact(String[] features, double[] weights, int recentItems, int candidates,
                             boolean perDomain, String[] itemIds, int rank, float regularization, float alpha,
                             float[] itemFactors, ItemGraph neighbours, ItemGraph nextItems, int[] popularity,
                             String trees, AdapterArtifact adapter, boolean blend, LowRank.Factors smoothedRules,
                             double migrationBoost, int shortHistory, double[] shortWeights,
                             GroupPopularity groups) {
  public static final int FORMAT = 9;
  /** The format before what each group of users took was saved: read as a ranker without it. */
  private static final int FORMAT_WITHOUT_GROUPS = 8;
  /** The format before the short histories' weights were saved: read as a ranker with one set of weights. */
  private static final int FORMAT_WITHOUT_SHORT_WEIGHTS = 7;
  /** The format before the migration boost was saved: read with the default boost. */
  private static final int FORMAT_WITHOUT_MIGRATION_BOOST = 6;
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
    if (shortHistory < 0 || (shortHistory > 0) != (shortWeights != null)
        || shortWeights != null && shortWeights.length != features.length) {
      throw new IllegalArgumentException("short histories' weights must come with a positive history length and one"
          + " weight per feature, got " + shortHistory + " and " + Arrays.toString(shortWeights));
    }
    if (groups != null && groups.numItems() != n) {
      throw new IllegalArgumentException("group popularity of " + groups.numItems() + " items, not " + n);
    }
    if (smoothedRules != null && (smoothedRules.left().length != (long) n * smoothedRules.rank()
        || smoothedRules.right().length != (long) n * smoothedRules.rank())) {
      throw new IllegalArgumentException("low-rank rules do not match " + n + " items of rank "
          + smoothedRules.rank());
    }
  }

  /** A ranker with one set of weights for every history. */
  public RankerArtifact(String[] features, double[] weights, int recentItems, int candidates, boolean perDomain,
                        String[] itemIds, int rank, float regularization, float alpha, float[] itemFactors,
                        ItemGraph neighbours, ItemGraph nextItems, int[] popularity, String trees,
                        AdapterArtifact adapter, boolean blend, LowRank.Factors smoothedRules,
                        double migrationBoost) {
    this(features, weights, recentItems, candidates, perDomain, itemIds, rank, regularization, alpha, itemFactors,
        neighbours, nextItems, popularity, trees, adapter, blend, smoothedRules, migrationBoost, 0, null, null);
  }

  /** A ranker with the default migration boost. */
  public RankerArtifact(String[] features, double[] weights, int recentItems, int candidates, boolean perDomain,
                        String[] itemIds, int rank, float regularization, float alpha, float[] itemFactors,
                        ItemGraph neighbours, ItemGraph nextItems, int[] popularity, String trees,
                        AdapterArtifact adapter, boolean blend, LowRank.Factors smoothedRules) {
    this(features, weights, recentItems, candidates, perDomain, itemIds, rank, regularization, alpha, itemFactors,
        neighbours, nextItems, popularity, trees, adapter, blend, smoothedRules,
        InterestConfig.defaults().migrationBoost());
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
    ArtifactCodec.Writer out = new ArtifactCodec.Writer(FORMAT).writeInt(features.length);
    for (int f = 0; f < features.length; f++) out.writeString(features[f]).writeDouble(weights[f]);
    out.writeInt(recentItems).writeInt(candidates).writeBoolean(perDomain).writeInt(itemIds.length)
        .writeStrings(itemIds).writeInt(rank).writeFloat(regularization).writeFloat(alpha).writeFloats(itemFactors);
    write(neighbours, out);
    write(nextItems, out);
    out.writeInts(popularity).writeText(trees).writeBlock(adapter == null ? new byte[0] : adapter.toBytes())
        .writeBoolean(blend).writeInt(smoothedRules == null ? 0 : smoothedRules.rank());
    if (smoothedRules != null) out.writeFloats(smoothedRules.left()).writeFloats(smoothedRules.right());
    out.writeDouble(migrationBoost).writeInt(shortHistory);
    if (shortWeights != null) for (double w : shortWeights) out.writeDouble(w);
    return out.writeBlock(groups == null ? new byte[0] : groups.toBytes()).toBytes();
  }

  /** Reads {@link #toBytes()}; IllegalArgumentException when the bytes are another format, cut short or corrupt. */
  public static RankerArtifact fromBytes(byte[] data) {
    ArtifactCodec.Reader in = new ArtifactCodec.Reader(data, "ranker artefact", FORMAT_WITHOUT_ADAPTER, FORMAT,
        "run shiftrec train again");
    int nf = in.readCount("features");
    String[] features = new String[nf];
    double[] weights = new double[nf];
    for (int f = 0; f < nf; f++) {
      features[f] = in.readString();
      weights[f] = in.readDouble();
    }
    int recent = in.readInt();
    int candidates = in.readInt();
    boolean perDomain = in.readBoolean();
    int n = in.readCount("items");
    String[] ids = in.readStrings(n);
    int rank = in.readCount("rank");
    float reg = in.readFloat(), alpha = in.readFloat();
    float[] factors = in.readFloats(in.count((long) n * rank, "factors"));
    ItemGraph neighbours = readGraph(in, n);
    ItemGraph nextItems = readGraph(in, n);
    int[] popularity = in.readInts(n);
    String trees = in.readText("tree bytes");
    AdapterArtifact adapter = null;
    if (in.format() >= FORMAT_WITHOUT_BLEND) {
      byte[] adapterBytes = in.readBlock("adapter bytes");
      if (adapterBytes.length > 0) adapter = AdapterArtifact.fromBytes(adapterBytes);
    }
    boolean blend = in.format() >= FORMAT_WITHOUT_SMOOTHED_RULES && in.readBoolean();
    LowRank.Factors smoothed = null;
    int smoothedRank = in.format() >= FORMAT_WITHOUT_MIGRATION_BOOST ? in.readCount("low-rank rules rank") : 0;
    if (smoothedRank > 0) {
      int size = in.count((long) n * smoothedRank, "low-rank rules");
      smoothed = new LowRank.Factors(smoothedRank, in.readFloats(size), in.readFloats(size));
    }
    double boost = in.format() >= FORMAT_WITHOUT_SHORT_WEIGHTS ? in.readDouble()
        : InterestConfig.defaults().migrationBoost();
    int shortHistory = in.format() >= FORMAT_WITHOUT_GROUPS ? in.readCount("short history") : 0;
    double[] shortWeights = null;
    if (shortHistory > 0) {
      shortWeights = new double[nf];
      for (int f = 0; f < nf; f++) shortWeights[f] = in.readDouble();
    }
    GroupPopularity groups = null;
    if (in.format() == FORMAT) {
      byte[] groupBytes = in.readBlock("group popularity bytes");
      if (groupBytes.length > 0) groups = GroupPopularity.fromBytes(groupBytes);
    }
    in.end();
    return new RankerArtifact(features, weights, recent, candidates, perDomain, ids, rank, reg, alpha, factors,
        neighbours, nextItems, popularity, trees, adapter, blend, smoothed, boost, shortHistory, shortWeights, groups);
  }

  private static void write(ItemGraph graph, ArtifactCodec.Writer out) {
    out.writeInts(graph.offsets()).writeInts(graph.items()).writeFloats(graph.weights());
  }

  private static ItemGraph readGraph(ArtifactCodec.Reader in, int n) {
    int[] offsets = in.readInts(n + 1);
    int edges = in.count(offsets[n], "graph edges");
    return new ItemGraph(offsets, in.readInts(edges), in.readFloats(edges));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RankerArtifact a && Arrays.equals(features, a.features) && Arrays.equals(weights, a.weights)
        && recentItems == a.recentItems && candidates == a.candidates && perDomain == a.perDomain
        && Arrays.equals(itemIds, a.itemIds) && rank == a.rank && regularization == a.regularization
        && alpha == a.alpha && Arrays.equals(itemFactors, a.itemFactors) && neighbours.equals(a.neighbours)
        && nextItems.equals(a.nextItems) && Arrays.equals(popularity, a.popularity) && trees.equals(a.trees)
        && Arrays.equals(adapter == null ? null : adapter.toBytes(), a.adapter == null ? null : a.adapter.toBytes())
        && blend == a.blend && Objects.equals(smoothedRules, a.smoothedRules) && migrationBoost == a.migrationBoost
        && shortHistory == a.shortHistory && Arrays.equals(shortWeights, a.shortWeights)
        && Objects.equals(groups, a.groups);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(itemIds) * 31 + Arrays.hashCode(weights);
  }
}
