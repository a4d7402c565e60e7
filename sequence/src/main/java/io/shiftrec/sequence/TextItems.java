package io.shiftrec.sequence;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.shiftrec.core.Catalog;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The item table of the text-based sequence model (after UniSRec, Hou et al., KDD 2022): an item's vector is a
 * learned linear map of its frozen text vector (one map per embedding space, so items of every space and language
 * meet in one table), plus a learned residual of its own for items with at least {@code residualMinCount} training
 * interactions. An item nobody has had gets the map of its text alone, so it is ranked from the first request;
 * an item without text gets one shared learned vector (and its residual).
 */
final class TextItems implements SequenceTrainer.ItemTable {
  private final Catalog centred;
  private final boolean[] residual;
  private final List<String> spaces = new ArrayList<>();
  private final List<NDArray> vectors = new ArrayList<>();
  /** Row of the stacked [padding, space 1 .. space k, no text] table for each table row (0 = padding). */
  private NDArray order;
  /** 1 over the rows of items with a residual, 0 elsewhere. */
  private NDArray residualMask;

  /**
   * @param centred    the catalogue, its spaces centred (the directions that tell items apart)
   * @param popularity training interactions per item
   */
  TextItems(Catalog centred, int[] popularity, int residualMinCount) {
    this.centred = centred;
    residual = new boolean[popularity.length];
    for (int i = 0; i < popularity.length; i++) residual[i] = residualMinCount > 0 && popularity[i] >= residualMinCount;
  }

  @Override
  public void create(NDManager manager, Map<String, NDArray> params, int numItems, int dim, SplittableRandom random) {
    long[] rows = new long[numItems + 1];
    int next = 1;
    for (Catalog.Space space : centred.spaces().values()) {
      spaces.add(space.model);
      vectors.add(manager.create(space.vectors, new Shape(space.size(), space.dimension)));
      params.put("text." + space.model + ".map", SequenceTrainer.xavier(manager, random, space.dimension, dim));
      params.put("text." + space.model + ".bias", manager.zeros(new Shape(1, dim)));
      for (int r = 0; r < space.size(); r++) rows[space.itemIndex[r] + 1] = next + r;
      next += space.size();
    }
    for (int i = 0; i < numItems; i++) if (centred.spaceOf(i) == null) rows[i + 1] = next;
    order = manager.create(rows);
    params.put("text.none", SequenceTrainer.xavier(manager, random, 1, dim));
    float[] mask = new float[(numItems + 1) * dim];
    for (int i = 0; i < numItems; i++) if (residual[i]) Arrays.fill(mask, (i + 1) * dim, (i + 2) * dim, 1f);
    params.put("residuals", manager.zeros(new Shape(numItems + 1, dim)));
    residualMask = manager.create(mask, new Shape(numItems + 1, dim));
  }

  @Override
  public NDArray rows(Map<String, NDArray> params) {
    NDArray none = params.get("text.none");
    NDList parts = new NDList();
    parts.add(none.zerosLike());
    for (int s = 0; s < spaces.size(); s++) {
      String k = "text." + spaces.get(s);
      parts.add(vectors.get(s).matMul(params.get(k + ".map")).add(params.get(k + ".bias")));
    }
    parts.add(none);
    NDArray stacked = NDArrays.concat(parts, 0);
    NDArray table = SequenceTrainer.embed(stacked, order);
    return table.add(params.get("residuals").mul(residualMask));
  }
}
