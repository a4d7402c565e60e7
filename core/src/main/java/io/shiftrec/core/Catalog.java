package io.shiftrec.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The items ShiftRec can recommend and their embeddings. Each item lives in the space of the model that encoded it;
 * a space keeps its vectors in one row-major {@code float[]} so scoring is a plain loop.
 */
public final class Catalog {
  private final Item[] items;
  private final Map<String, Integer> indexById;
  private final Space[] spaceOfItem;
  private final int[] rowOfItem;
  private final Map<String, Space> spaces;

  /** Vectors of one model: row r belongs to item {@code itemIndex[r]}. */
  public static final class Space {
    public final String model;
    public final int dimension;
    public final float[] vectors;
    public final int[] itemIndex;
    /** The mean subtracted from every raw vector ({@link #centred()}), or null for raw vectors. */
    private final float[] mean;
    /** How a view computed elsewhere moves a raw vector into this space ({@link #withVectors}); null: by the mean. */
    private final UnaryOperator<float[]> placement;
    private volatile float[][] columns;

    Space(String model, int dimension, float[] vectors, int[] itemIndex, float[] mean,
          UnaryOperator<float[]> placement) {
      this.model = model;
      this.dimension = dimension;
      this.vectors = vectors;
      this.itemIndex = itemIndex;
      this.mean = mean;
      this.placement = placement;
    }

    /**
     * A raw embedding of this model (a query, a review) brought into this space: centred like the items when the
     * space is, and unit length. Null for a zero vector.
     */
    public float[] place(float[] raw) {
      if (placement != null) {
        float[] v = placement.apply(raw);
        if (v == null || Vectors.norm(v) == 0f) return null;
        return Vectors.normalizeInPlace(v);
      }
      if (raw.length != dimension) {
        throw new IllegalArgumentException("vector has dimension " + raw.length + ", space " + model + " has "
            + dimension);
      }
      float[] v = Vectors.normalizeInPlace(raw.clone());
      if (mean != null) for (int j = 0; j < dimension; j++) v[j] -= mean[j];
      if (Vectors.norm(v) == 0f) return null;
      return Vectors.normalizeInPlace(v);
    }

    public int size() {
      return itemIndex.length;
    }

    /** A copy of the mean subtracted from every raw vector, or null when the space is not centred. */
    public float[] centre() {
      return mean == null ? null : mean.clone();
    }

    /**
     * The vectors by coordinate: {@code columns()[j][r]} is coordinate j of row r. Made on first use and kept (as
     * much memory again as {@link #vectors}): a loop over the rows for one coordinate is one the JIT vectorises,
     * where a dot product per row is bound by the latency of its chain of additions.
     */
    public float[][] columns() {
      float[][] c = columns;
      if (c == null) {
        synchronized (this) {
          c = columns;
          if (c == null) {
            int n = size();
            c = new float[dimension][n];
            for (int r = 0; r < n; r++) for (int j = 0; j < dimension; j++) c[j][r] = vectors[r * dimension + j];
            columns = c;
          }
        }
      }
      return c;
    }
  }

  private Catalog(Item[] items, Map<String, Integer> indexById, Space[] spaceOfItem, int[] rowOfItem,
                  Map<String, Space> spaces) {
    this.items = items;
    this.indexById = indexById;
    this.spaceOfItem = spaceOfItem;
    this.rowOfItem = rowOfItem;
    this.spaces = spaces;
    this.languages = new String[items.length];
  }

  /**
   * Per item, its language once asked ({@link Language#of}): detecting it costs tens of microseconds for a text in an
   * East Asian script, and reasons ask for every recommended item. Filled as asked; two threads that race write the
   * same constant.
   */
  private final String[] languages;

  /** The item's language, "zh", "ja", "ko" or "en" ({@link Language#of}), found once per item. */
  public String language(int index) {
    String language = languages[index];
    if (language == null) languages[index] = language = Language.of(items[index]);
    return language;
  }

  public int size() {
    return items.length;
  }

  public Item item(int index) {
    return items[index];
  }

  /** The item's index, or -1 when the catalogue does not hold it. */
  public int indexOf(String itemId) {
    Integer i = indexById.get(itemId);
    return i == null ? -1 : i;
  }

  public Map<String, Space> spaces() {
    return spaces;
  }

  /** The space the item's vector lives in, or null when it has none. */
  public Space spaceOf(int index) {
    return spaceOfItem[index];
  }

  /** A copy of the item's unit vector, or null when it has none. */
  public float[] vector(int index) {
    Space s = spaceOfItem[index];
    if (s == null) return null;
    float[] v = new float[s.dimension];
    System.arraycopy(s.vectors, rowOfItem[index] * s.dimension, v, 0, s.dimension);
    return v;
  }

  /** Whether any item of the catalogue belongs to {@code domain}. */
  public boolean hasDomain(String domain) {
    for (Item item : items) if (domain.equals(item.domain())) return true;
    return false;
  }

  /** Dot product of the item's vector with {@code v} (a vector of the item's space); 0 when it has none. */
  public float dot(int index, float[] v) {
    Space s = spaceOfItem[index];
    if (s == null) return 0f;
    return Vectors.dotAt(s.vectors, rowOfItem[index] * s.dimension, v, 0, s.dimension);
  }

  /** Cosine of two items; 0 when they live in different spaces or lack vectors. */
  public float similarity(int a, int b) {
    Space s = spaceOfItem[a];
    if (s == null || s != spaceOfItem[b]) return 0f;
    return Vectors.dotUnrolled(s.vectors, rowOfItem[a] * s.dimension, s.vectors, rowOfItem[b] * s.dimension,
        s.dimension);
  }

  /**
   * The same catalogue with every space centred: the space's mean vector subtracted from each item, then
   * re-normalised. Text embeddings share a large common direction ("this is a movie title"), which makes every
   * cosine high and favours hub items close to the mean; centring leaves the directions that tell items apart.
   */
  public Catalog centred() {
    return centredBy(Map.of());
  }

  /**
   * {@link #centred()}, with the spaces named in {@code means} centred by the mean given instead of their own: the
   * centre a learned view was trained on, which then stays put as items come and go.
   */
  public Catalog centredBy(Map<String, float[]> means) {
    Map<String, Space> centredSpaces = new LinkedHashMap<>();
    Space[] spaceOf = new Space[items.length];
    for (Space s : spaces.values()) {
      int d = s.dimension, n = s.size();
      float[] mean = means.get(s.model);
      if (mean == null) {
        double[] sum = new double[d];
        for (int r = 0; r < n; r++) for (int j = 0; j < d; j++) sum[j] += s.vectors[r * d + j];
        mean = new float[d];
        for (int j = 0; j < d; j++) mean[j] = (float) (sum[j] / n);
      } else if (mean.length != d) {
        throw new IllegalArgumentException("space " + s.model + " has dimension " + d + ", its centre has "
            + mean.length);
      }
      float[] out = s.vectors.clone();
      for (int r = 0; r < n; r++) {
        for (int j = 0; j < d; j++) out[r * d + j] -= mean[j];
        Vectors.normalizeRow(out, r, d);
      }
      Space c = new Space(s.model, d, out, s.itemIndex, mean, null);
      centredSpaces.put(s.model, c);
      for (int i : s.itemIndex) spaceOf[i] = c;
    }
    return new Catalog(items, indexById, spaceOf, rowOfItem, centredSpaces);
  }

  /**
   * The same catalogue with the vectors of the named spaces replaced by {@code vectorsBySpace} (same row order as
   * {@link Space#vectors}; the dimension may change, as under a learned projection), each row re-normalised; spaces
   * not named stay as they are. For views of the space computed elsewhere, such as per-domain centring.
   * {@link Space#place} in such a space only normalises: how to move a query depends on what the view did.
   */
  public Catalog withVectors(Map<String, float[]> vectorsBySpace) {
    return withVectors(vectorsBySpace, Map.of());
  }

  /**
   * {@link #withVectors(Map)}, where {@link Space#place} in each space named in {@code placements} applies that
   * space's function to the raw vector (a null result, or zero, places nothing) and normalises the result: how a
   * query follows the items into a view such as a learned projection.
   */
  public Catalog withVectors(Map<String, float[]> vectorsBySpace, Map<String, UnaryOperator<float[]>> placements) {
    Map<String, Space> replaced = new LinkedHashMap<>();
    Space[] spaceOf = new Space[items.length];
    for (Space s : spaces.values()) {
      float[] v = vectorsBySpace.get(s.model);
      Space r = s;
      if (v != null) {
        if (v.length == 0 || v.length % s.size() != 0) {
          throw new IllegalArgumentException("space " + s.model + " needs a row per item (" + s.size()
              + " rows), got " + v.length + " values");
        }
        int dimension = v.length / s.size();
        float[] out = v.clone();
        for (int row = 0; row < s.size(); row++) Vectors.normalizeRow(out, row, dimension);
        r = new Space(s.model, dimension, out, s.itemIndex, null, placements.get(s.model));
      }
      replaced.put(s.model, r);
      for (int i : s.itemIndex) spaceOf[i] = r;
    }
    return new Catalog(items, indexById, spaceOf, rowOfItem, replaced);
  }

  /**
   * This catalogue with the items of {@code fresh} in place of those of the same id: the others in their order,
   * then every item of {@code fresh}. Vectors are taken as they are (already unit length), so the items kept keep
   * their vectors bit for bit.
   */
  public Catalog upserted(Catalog fresh) {
    Builder merged = builder();
    for (int i = 0; i < size(); i++) if (fresh.indexOf(items[i].id()) < 0) merged.addUnit(this, i);
    for (int i = 0; i < fresh.size(); i++) merged.addUnit(fresh, i);
    return merged.build();
  }

  /** This catalogue without the items of these ids (ids it does not hold are ignored), in the same order. */
  public Catalog without(java.util.Set<String> ids) {
    Builder kept = builder();
    for (int i = 0; i < size(); i++) if (!ids.contains(items[i].id())) kept.addUnit(this, i);
    return kept.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects items in the order added; vectors are copied and L2-normalised. */
  public static final class Builder {
    private final List<Item> items = new ArrayList<>();
    private final List<String> models = new ArrayList<>();
    private final List<float[]> vectors = new ArrayList<>();

    /** Adds an item; {@code model} and {@code vector} may be null for an item not (yet) encoded. */
    public Builder add(Item item, String model, float[] vector) {
      items.add(item);
      models.add(vector == null ? null : model);
      vectors.add(vector == null ? null : Vectors.normalizeInPlace(vector.clone()));
      return this;
    }

    /** Adds item {@code index} of {@code from} with its vector as it is: normalising again would move its bits. */
    private void addUnit(Catalog from, int index) {
      Space s = from.spaceOf(index);
      items.add(from.item(index));
      models.add(s == null ? null : s.model);
      vectors.add(from.vector(index));
    }

    public Catalog build() {
      int n = items.size();
      Map<String, Integer> index = new HashMap<>(n * 2);
      Map<String, List<Integer>> members = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        if (index.put(items.get(i).id(), i) != null) {
          throw new IllegalArgumentException("item '" + items.get(i).id() + "' added twice");
        }
        if (models.get(i) != null) members.computeIfAbsent(models.get(i), m -> new ArrayList<>()).add(i);
      }
      Space[] spaceOf = new Space[n];
      int[] rowOf = new int[n];
      Map<String, Space> spaces = new LinkedHashMap<>();
      for (Map.Entry<String, List<Integer>> e : members.entrySet()) {
        List<Integer> rows = e.getValue();
        int dim = vectors.get(rows.get(0)).length;
        float[] matrix = new float[rows.size() * dim];
        int[] itemIndex = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
          int i = rows.get(r);
          float[] v = vectors.get(i);
          if (v.length != dim) {
            throw new IllegalArgumentException("item '" + items.get(i).id() + "' has a " + v.length
                + "-dimensional vector in space " + e.getKey() + " of dimension " + dim);
          }
          System.arraycopy(v, 0, matrix, r * dim, dim);
          itemIndex[r] = i;
          rowOf[i] = r;
        }
        Space s = new Space(e.getKey(), dim, matrix, itemIndex, null, null);
        for (int i : itemIndex) spaceOf[i] = s;
        spaces.put(e.getKey(), s);
      }
      return new Catalog(items.toArray(new Item[0]), index, spaceOf, rowOf, spaces);
    }
  }
}
