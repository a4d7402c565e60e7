package io.shiftrec.transfer;

import io.shiftrec.core.Catalog;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The views of the embedding spaces that models score in. */
public enum CatalogViews {
  /** Each space's one mean subtracted ({@link Catalog#centred()}). */
  CENTRED,
  /** Each domain's own mean subtracted within every space ({@link DomainCentring}), then re-normalised. */
  DOMAIN_CENTRED;

  public Catalog of(Catalog catalog) {
    return this == CENTRED ? catalog.centred() : centredByDomain(catalog);
  }

  private static Catalog centredByDomain(Catalog catalog) {
    Map<String, Integer> domainIndex = new HashMap<>();
    Map<String, float[]> vectors = new LinkedHashMap<>();
    for (Catalog.Space s : catalog.spaces().values()) {
      int[] group = new int[s.size()];
      for (int r = 0; r < s.size(); r++) {
        group[r] = domainIndex.computeIfAbsent(catalog.item(s.itemIndex[r]).domain(), d -> domainIndex.size());
      }
      float[] v = s.vectors.clone();
      DomainCentring.subtractGroupMeans(v, s.dimension, group, domainIndex.size());
      vectors.put(s.model, v);
    }
    return catalog.withVectors(vectors);
  }
}
