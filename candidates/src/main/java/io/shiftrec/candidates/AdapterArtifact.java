package io.shiftrec.candidates;

import io.shiftrec.core.ArtifactCodec;
import io.shiftrec.core.TrainingData;

import io.shiftrec.core.Catalog;
import io.shiftrec.learn.Interactions;
import io.shiftrec.learn.TextAdapter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Learned text adapters ({@link TextAdapter}), one per embedding space, with the ids of the items that carry a
 * residual, as the bytes of a store artefact; {@link #adapted} applies them to a catalogue. Layout (big endian,
 * {@link java.io.DataOutput}): format, number of spaces; per space its name (modified UTF-8), the config (14
 * numbers in {@link TextAdapter.Config} order), d_in, W transposed (d_in × d_out floats), the number of residual
 * items, their ids, then their rows (d_out floats each); then whether a centre follows (0 or 1) and its d_in
 * floats.
 */
public record AdapterArtifact(List<Part> parts) {
  public static final int FORMAT = 2;
  /** Format 1 had no centre: its spaces are centred by the catalogue's own mean. */
  private static final int FORMAT_WITHOUT_CENTRE = 1;

  /**
   * The adapter of one space. Its {@link TextAdapter#residualItems()} are not used here (they index the rows of
   * the catalogue it was fit on); {@code residualItemIds} name the items of its residual rows, in row order.
   * {@code centre} is the mean its inputs were centred by in training (null: unknown, the catalogue's own).
   */
  public record Part(String space, TextAdapter adapter, String[] residualItemIds, float[] centre) {
    public Part {
      if (residualItemIds.length * adapter.outputDimension() != adapter.residuals().length) {
        throw new IllegalArgumentException("space " + space + ": " + residualItemIds.length + " residual ids for "
            + adapter.residuals().length / adapter.outputDimension() + " residual rows");
      }
      if (centre != null && centre.length != adapter.inputDimension()) {
        throw new IllegalArgumentException("space " + space + ": a centre of dimension " + centre.length
            + " for an adapter that takes " + adapter.inputDimension());
      }
    }
  }

  public AdapterArtifact {
    parts = List.copyOf(parts);
  }

  /** An adapter per space of the centred catalogue, each chosen on held-out training data and refit on all of it. */
  public static Fitted fit(TrainingData train, Catalog centred, TextAdapter.Config base, long seed,
                           int validationUsers) {
    return fit(train, centred, base, seed, validationUsers, null);
  }

  /**
   * {@link #fit(TrainingData, Catalog, TextAdapter.Config, long, int)} on the interactions with items of
   * {@code domain} alone (null: every domain): the map is learned there and applied to every item of the space, the
   * way an adapter trained on one domain is carried to another.
   */
  public static Fitted fit(TrainingData train, Catalog centred, TextAdapter.Config base, long seed,
                           int validationUsers, String domain) {
    if (domain != null && !centred.hasDomain(domain)) {
      throw new IllegalArgumentException("no item of domain '" + domain + "' to fit the text adapter on");
    }
    List<Part> parts = new ArrayList<>();
    List<Choice> choices = new ArrayList<>();
    Map<String, Object> chosen = new LinkedHashMap<>();
    for (Catalog.Space space : centred.spaces().values()) {
      TextAdapter.Selection s = TextAdapter.select(space.vectors, space.dimension,
          sequences(train, centred, space, domain), base, seed, validationUsers);
      parts.add(part(centred, space, s.adapter()));
      choices.add(new Choice(space.model, s.config(), s.steps()));
      String prefix = centred.spaces().size() == 1 ? "" : space.model + ".";
      for (Map.Entry<String, Object> e : s.chosen().entrySet()) chosen.put(prefix + e.getKey(), e.getValue());
    }
    return new Fitted(new AdapterArtifact(parts), chosen, choices);
  }

  /**
   * An adapter per space fit with choices already made (by {@link #fit} on other data of the same catalogue, such as
   * the same interactions less some held out): each space's config for its number of steps, with no selection.
   */
  public static Fitted refit(TrainingData train, Catalog centred, List<Choice> choices, long seed) {
    List<Part> parts = new ArrayList<>();
    Map<String, Object> chosen = new LinkedHashMap<>();
    for (Catalog.Space space : centred.spaces().values()) {
      Choice c = choices.stream().filter(x -> x.space().equals(space.model)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no text adapter choice for space " + space.model));
      TextAdapter adapter = TextAdapter.fit(space.vectors, space.dimension, sequences(train, centred, space, null),
          c.config(), seed, c.steps());
      parts.add(part(centred, space, adapter));
      String prefix = centred.spaces().size() == 1 ? "" : space.model + ".";
      for (Map.Entry<String, Object> e : c.config().toMap().entrySet()) chosen.put(prefix + e.getKey(), e.getValue());
      chosen.put(prefix + "steps", c.steps());
      chosen.put(prefix + "selection", "reused");
    }
    return new Fitted(new AdapterArtifact(parts), chosen, choices);
  }

  private static Part part(Catalog centred, Catalog.Space space, TextAdapter adapter) {
    int[] rows = adapter.residualItems();
    String[] ids = new String[rows.length];
    for (int r = 0; r < rows.length; r++) ids[r] = centred.item(space.itemIndex[rows[r]]).id();
    return new Part(space.model, adapter, ids, space.centre());
  }

  /**
   * Per adapted space, the centre its adapter was trained with ({@link Catalog#centredBy}): items added later are
   * centred as the training items were, and the items already there keep their vectors.
   */
  public Map<String, float[]> centres() {
    Map<String, float[]> centres = new HashMap<>();
    for (Part p : parts) if (p.centre() != null) centres.put(p.space(), p.centre());
    return centres;
  }

  /**
   * Each user's items of {@code space} (of {@code domain} alone when not null), as rows of the space, in order;
   * pooling weight = how much they liked it (> 0).
   */
  private static Interactions sequences(TrainingData train, Catalog centred, Catalog.Space space, String domain) {
    int[] items = train.historyItems();
    float[] weights = train.historyWeights();
    int[] offsets = train.offsets();
    int[] rowOfItem = new int[train.numItems()];
    Arrays.fill(rowOfItem, -1);
    for (int r = 0; r < space.size(); r++) {
      int item = space.itemIndex[r];
      if (domain == null || domain.equals(centred.item(item).domain())) rowOfItem[item] = r;
    }
    int[] seqOffsets = new int[train.numUsers() + 1];
    int[] seqItems = new int[items.length];
    float[] seqWeights = new float[items.length];
    int n = 0;
    for (int u = 0; u < train.numUsers(); u++) {
      for (int p = offsets[u]; p < offsets[u + 1]; p++) {
        int row = rowOfItem[items[p]];
        if (row < 0) continue;
        seqItems[n] = row;
        seqWeights[n++] = Math.max(0f, weights[p]);
      }
      seqOffsets[u + 1] = n;
    }
    return new Interactions(train.numUsers(), space.size(), seqOffsets, Arrays.copyOf(seqItems, n),
        Arrays.copyOf(seqWeights, n));
  }

  /** What was chosen for one space: the config and its number of steps. */
  public record Choice(String space, TextAdapter.Config config, int steps) {}

  /** A fit adapter, what its selection chose (for reports) and the choices themselves (for {@link #refit}). */
  public record Fitted(AdapterArtifact artifact, Map<String, Object> chosen, List<Choice> choices) {
    public Fitted {
      choices = List.copyOf(choices);
    }
  }

  /**
   * The catalogue with every adapted space replaced by its adapted vectors: each item's {@code W·e_i}, plus its
   * residual when the artefact holds one for its id, at unit length. Pass the {@link Catalog#centred() centred}
   * catalogue: the adapters were trained on centred vectors. Spaces without an adapter stay as they are.
   * {@link Catalog.Space#place} in an adapted space centres a raw vector as the items were, then applies W (no
   * residual: a query is no item), so onboarding text and reviews meet the items where they now lie.
   */
  public Catalog adapted(Catalog centred) {
    return adapt(centred, null).catalog();
  }

  /**
   * {@link #adapted}, projecting only the rows that {@code previous} does not hold for the same item and the same
   * input row ({@code previous}: an adaptation of an earlier catalogue by this artefact; null, or one by another
   * artefact, for none). When one item is added to a catalogue centred by {@link #centres()}, one row is projected
   * instead of every row. The result is the same bit for bit, since each row is projected on its own.
   */
  public Adaptation adapt(Catalog centred, Adaptation previous) {
    Map<String, float[]> replaced = new HashMap<>();
    Map<String, UnaryOperator<float[]>> placements = new HashMap<>();
    Map<String, Projected> projected = new HashMap<>();
    int projectedRows = 0;
    for (Part part : parts) {
      Catalog.Space space = centred.spaces().get(part.space());
      if (space == null) continue;
      TextAdapter a = part.adapter();
      int dIn = space.dimension;
      if (dIn != a.inputDimension()) {
        throw new IllegalArgumentException("space " + space.model + " has dimension " + dIn
            + ", its adapter takes " + a.inputDimension());
      }
      Map<String, Integer> rowOfId = new HashMap<>();
      for (int r = 0; r < space.size(); r++) rowOfId.put(centred.item(space.itemIndex[r]).id(), r);
      int[] residualOfRow = new int[space.size()];
      Arrays.fill(residualOfRow, -1);
      for (int i = 0; i < part.residualItemIds().length; i++) {
        Integer row = rowOfId.get(part.residualItemIds()[i]);
        if (row != null) residualOfRow[row] = i; // an item gone from the catalogue has no row
      }
      Projected before = previous == null || previous.adapter != this ? null : previous.projected.get(space.model);
      int d = a.outputDimension();
      float[] out = new float[space.size() * d];
      int[] todo = new int[space.size()];
      int n = 0;
      for (int r = 0; r < space.size(); r++) {
        int from = before == null ? -1 : before.rowOf(centred.item(space.itemIndex[r]).id(), space, r);
        if (from >= 0) System.arraycopy(before.output, from * d, out, r * d, d);
        else todo[n++] = r;
      }
      if (n > 0) project(a, space, Arrays.copyOf(todo, n), residualOfRow, out);
      projectedRows += n;
      projected.put(space.model, new Projected(space, rowOfId, out));
      replaced.put(space.model, out);
      placements.put(space.model, raw -> {
        float[] c = space.place(raw);
        return c == null ? null : a.adapt(c);
      });
    }
    return new Adaptation(this, centred.withVectors(replaced, placements), projected, projectedRows);
  }

  /** Projects the given rows of {@code space} (ascending) with their residuals into their places in {@code out}. */
  private static void project(TextAdapter a, Catalog.Space space, int[] rows, int[] residualOfRow, float[] out) {
    int dIn = space.dimension, d = a.outputDimension();
    float[] inputs = new float[rows.length * dIn];
    int withResidual = 0;
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(space.vectors, rows[i] * dIn, inputs, i * dIn, dIn);
      if (residualOfRow[rows[i]] >= 0) withResidual++;
    }
    int[] residualRows = new int[withResidual]; // ascending, as TextAdapter wants
    float[] residuals = new float[withResidual * d];
    for (int i = 0, k = 0; i < rows.length; i++) {
      int source = residualOfRow[rows[i]];
      if (source < 0) continue;
      residualRows[k] = i;
      System.arraycopy(a.residuals(), source * d, residuals, k++ * d, d);
    }
    float[] z = new TextAdapter(a.config(), dIn, a.weights(), residualRows, residuals).adaptAll(inputs);
    for (int i = 0; i < rows.length; i++) System.arraycopy(z, i * d, out, rows[i] * d, d);
  }

  /** An adapted catalogue and, per space, the rows it was projected from, for {@link #adapt} to reuse. */
  public static final class Adaptation {
    private final AdapterArtifact adapter;
    private final Catalog catalog;
    private final Map<String, Projected> projected;
    private final int projectedRows;

    private Adaptation(AdapterArtifact adapter, Catalog catalog, Map<String, Projected> projected,
                       int projectedRows) {
      this.adapter = adapter;
      this.catalog = catalog;
      this.projected = projected;
      this.projectedRows = projectedRows;
    }

    public Catalog catalog() {
      return catalog;
    }

    /** How many rows this adaptation projected; the others it took from the previous one. */
    public int projectedRows() {
      return projectedRows;
    }
  }

  /** One space's input rows, their rows by item id, and the projected rows (before the catalogue's normalising). */
  private record Projected(Catalog.Space input, Map<String, Integer> rowOfId, float[] output) {
    /** The row that holds {@code id} with the same input as row {@code row} of {@code space}, or -1. */
    int rowOf(String id, Catalog.Space space, int row) {
      Integer r = rowOfId.get(id);
      int d = space.dimension;
      if (r == null || input.dimension != d) return -1;
      return Arrays.equals(input.vectors, r * d, r * d + d, space.vectors, row * d, row * d + d) ? r : -1;
    }
  }

  public byte[] toBytes() {
    ArtifactCodec.Writer out = new ArtifactCodec.Writer(FORMAT).writeInt(parts.size());
    for (Part p : parts) {
      TextAdapter a = p.adapter();
      TextAdapter.Config c = a.config();
      out.writeString(p.space()).writeInt(c.outputDimension()).writeInt(c.history()).writeFloat(c.temperature())
          .writeFloat(c.learningRate()).writeFloat(c.decay()).writeFloat(c.dropout()).writeFloat(c.crop())
          .writeFloat(c.mask()).writeInt(c.residualMinCount()).writeInt(c.batchSize()).writeInt(c.maxSteps())
          .writeInt(c.validateEvery()).writeInt(c.patience()).writeFloat(c.popularityCorrection())
          .writeInt(a.inputDimension()).writeFloats(a.weights()).writeInt(p.residualItemIds().length)
          .writeStrings(p.residualItemIds()).writeFloats(a.residuals()).writeInt(p.centre() == null ? 0 : 1);
      if (p.centre() != null) out.writeFloats(p.centre());
    }
    return out.toBytes();
  }

  /** Reads {@link #toBytes()}; IllegalArgumentException when the bytes are another format, corrupt or cut short. */
  public static AdapterArtifact fromBytes(byte[] data) {
    ArtifactCodec.Reader in = new ArtifactCodec.Reader(data, "adapter artefact", FORMAT_WITHOUT_CENTRE, FORMAT, "");
    int count = in.readCount("spaces");
    List<Part> parts = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      String space = in.readString();
      TextAdapter.Config c = new TextAdapter.Config(in.readInt(), in.readInt(), in.readFloat(), in.readFloat(),
          in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat(), in.readInt(), in.readInt(), in.readInt(),
          in.readInt(), in.readInt(), in.readFloat());
      int dIn = in.readInt();
      int dOut = c.outputDimension() == 0 ? dIn : c.outputDimension();
      if (dIn < 1 || dOut < 1) throw new IllegalArgumentException("corrupt adapter artefact: input dimension " + dIn);
      float[] w = in.readFloats(in.count((long) dIn * dOut, "weights"));
      int nr = in.readCount("residual items");
      String[] ids = in.readStrings(nr);
      float[] residuals = in.readFloats(in.count((long) nr * dOut, "residuals"));
      int[] rows = new int[nr];
      for (int i = 0; i < nr; i++) rows[i] = i; // row order; the ids say whose they are
      float[] centre = null;
      if (in.format() != FORMAT_WITHOUT_CENTRE) {
        int hasCentre = in.readInt();
        if (hasCentre != 0 && hasCentre != 1) {
          throw new IllegalArgumentException("corrupt adapter artefact: centre flag " + hasCentre);
        }
        if (hasCentre == 1) centre = in.readFloats(dIn);
      }
      parts.add(new Part(space, new TextAdapter(c, dIn, w, rows, residuals), ids, centre));
    }
    in.end();
    return new AdapterArtifact(parts);
  }
}
