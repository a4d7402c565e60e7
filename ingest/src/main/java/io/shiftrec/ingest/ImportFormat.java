package io.shiftrec.ingest;

import java.util.Locale;

/** The folder layouts {@link Importer} reads. The wire names are those of {@code shiftrec import --format}. */
public enum ImportFormat {
  /** MovieLens 1M: movies.dat, users.dat, ratings.dat[.gz], optional plot and DBpedia enrichments. */
  MOVIELENS("movielens"),
  /** MovieLens latest (ml-latest-small): movies.csv, ratings.csv[.gz], tags.csv, optional links.csv. */
  MOVIELENS_LATEST("movielens-latest"),
  /** The LLMCDSR Amazon Food–Kitchen cross-domain sequences. */
  AMAZON_CDSR("amazon-cdsr"),
  /** ShiftRec's own items / users / events files (see FORMATS.md). */
  GENERIC("generic");

  private final String wireName;

  ImportFormat(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Parses a wire name (case-insensitive); throws IllegalArgumentException listing the accepted names. */
  public static ImportFormat parse(String name) {
    if (name != null) {
      String wanted = name.trim().toLowerCase(Locale.ROOT);
      for (ImportFormat f : values()) {
        if (f.wireName.equals(wanted)) return f;
      }
    }
    throw new IllegalArgumentException("unknown import format '" + name
        + "' (expected movielens, movielens-latest, amazon-cdsr or generic)");
  }

  DatasetReader reader() {
    return switch (this) {
      case MOVIELENS -> new MovieLensReader();
      case MOVIELENS_LATEST -> new MovieLensLatestReader();
      case AMAZON_CDSR -> new AmazonCdsrReader();
      case GENERIC -> new GenericReader();
    };
  }

  @Override
  public String toString() {
    return wireName;
  }
}
