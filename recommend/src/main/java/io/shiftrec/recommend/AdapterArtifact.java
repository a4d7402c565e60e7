package io.shiftrec.recommend;

import io.shiftrec.core.Catalog;
import io.shiftrec.learn.Interactions;
import io.shiftrec.learn.TextAdapter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * items, their ids, then their rows (d_out floats each).
 */
public record AdapterArtifact(List<Part> parts) {
  public static final int FORMAT = 1;

  /**
   * The adapter of one space. Its {@link TextAdapter#residualItems()} are not used here (they index the rows of
   * the catalogue it was fit on); {@code residualItemIds} name the items of its residual rows, in row order.
   */
  public record Part(String space, TextAdapter adapter, String[] residualItemIds) {
    public Part {
      if (residualItemIds.length * adapter.outputDimension() != adapter.residuals().length) {
        throw new IllegalArgumentException("space " + space + ": " + residualItemIds.length + " residual ids for "
            + adapter.residuals().length / adapter.outputDimension() + " residual rows");
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
    return new Part(space.model, adapter, ids);
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
    Map<String, float[]> replaced = new HashMap<>();
    Map<String, UnaryOperator<float[]>> placements = new HashMap<>();
    for (Part part : parts) {
      Catalog.Space space = centred.spaces().get(part.space());
      if (space == null) continue;
      TextAdapter a = part.adapter();
      if (space.dimension != a.inputDimension()) {
        throw new IllegalArgumentException("space " + space.model + " has dimension " + space.dimension
            + ", its adapter takes " + a.inputDimension());
      }
      // residual rows re-indexed by this catalogue's rows of the space, ascending as TextAdapter wants
      Map<String, Integer> rowOfId = new HashMap<>();
      for (int r = 0; r < space.size(); r++) rowOfId.put(centred.item(space.itemIndex[r]).id(), r);
      int d = a.outputDimension();
      int[] rowAndSource = new int[part.residualItemIds().length * 2];
      int k = 0;
      for (int i = 0; i < part.residualItemIds().length; i++) {
        Integer row = rowOfId.get(part.residualItemIds()[i]);
        if (row == null) continue; // an item gone from the catalogue
        rowAndSource[2 * k] = row;
        rowAndSource[2 * k + 1] = i;
        k++;
      }
      long[] packed = new long[k];
      for (int i = 0; i < k; i++) packed[i] = ((long) rowAndSource[2 * i] << 32) | rowAndSource[2 * i + 1];
      Arrays.sort(packed);
      int[] rows = new int[k];
      float[] residuals = new float[k * d];
      for (int i = 0; i < k; i++) {
        rows[i] = (int) (packed[i] >>> 32);
        System.arraycopy(a.residuals(), (int) packed[i] * d, residuals, i * d, d);
      }
      TextAdapter onRows = new TextAdapter(a.config(), a.inputDimension(), a.weights(), rows, residuals);
      replaced.put(space.model, onRows.adaptAll(space.vectors));
      placements.put(space.model, raw -> {
        float[] c = space.place(raw);
        return c == null ? null : a.adapt(c);
      });
    }
    return centred.withVectors(replaced, placements);
  }

  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeInt(parts.size());
      for (Part p : parts) {
        TextAdapter a = p.adapter();
        TextAdapter.Config c = a.config();
        out.writeUTF(p.space());
        out.writeInt(c.outputDimension());
        out.writeInt(c.history());
        out.writeFloat(c.temperature());
        out.writeFloat(c.learningRate());
        out.writeFloat(c.decay());
        out.writeFloat(c.dropout());
        out.writeFloat(c.crop());
        out.writeFloat(c.mask());
        out.writeInt(c.residualMinCount());
        out.writeInt(c.batchSize());
        out.writeInt(c.maxSteps());
        out.writeInt(c.validateEvery());
        out.writeInt(c.patience());
        out.writeFloat(c.popularityCorrection());
        out.writeInt(a.inputDimension());
        for (float f : a.weights()) out.writeFloat(f);
        out.writeInt(p.residualItemIds().length);
        for (String id : p.residualItemIds()) out.writeUTF(id);
        for (float f : a.residuals()) out.writeFloat(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // an in-memory stream does not fail
    }
    return bytes.toByteArray();
  }

  /** Reads {@link #toBytes()}; IllegalArgumentException when the bytes are another format, corrupt or cut short. */
  public static AdapterArtifact fromBytes(byte[] data) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
      int format = in.readInt();
      if (format != FORMAT) {
        throw new IllegalArgumentException("adapter artefact format " + format + ", this version reads " + FORMAT);
      }
      int count = in.readInt();
      if (count < 0) throw new IllegalArgumentException("corrupt adapter artefact: " + count + " spaces");
      List<Part> parts = new ArrayList<>();
      for (int s = 0; s < count; s++) {
        String space = in.readUTF();
        TextAdapter.Config c = new TextAdapter.Config(in.readInt(), in.readInt(), in.readFloat(), in.readFloat(),
            in.readFloat(), in.readFloat(), in.readFloat(), in.readFloat(), in.readInt(), in.readInt(), in.readInt(),
            in.readInt(), in.readInt(), in.readFloat());
        int dIn = in.readInt();
        int dOut = c.outputDimension() == 0 ? dIn : c.outputDimension();
        if (dIn < 1 || (long) dIn * dOut > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("corrupt adapter artefact: input dimension " + dIn);
        }
        float[] w = readFloats(in, dIn * dOut);
        int nr = in.readInt();
        if (nr < 0) throw new IllegalArgumentException("corrupt adapter artefact: " + nr + " residual items");
        String[] ids = new String[nr];
        for (int i = 0; i < nr; i++) ids[i] = in.readUTF();
        float[] residuals = readFloats(in, nr * dOut);
        int[] rows = new int[nr];
        for (int i = 0; i < nr; i++) rows[i] = i; // row order; the ids say whose they are
        parts.add(new Part(space, new TextAdapter(c, dIn, w, rows, residuals), ids));
      }
      if (in.available() > 0) throw new IllegalArgumentException("adapter artefact has trailing bytes");
      return new AdapterArtifact(parts);
    } catch (IOException e) {
      throw new IllegalArgumentException("adapter artefact cut short: " + e.getMessage(), e);
    }
  }

  private static float[] readFloats(DataInputStream in, int n) throws IOException {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = in.readFloat();
    return v;
  }
}
