package io.shiftrec.cli;

import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.ingest.ErrorPolicy;
import io.shiftrec.ingest.ImportFormat;
import io.shiftrec.ingest.Importer;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * A small store cut from the bundled MovieLens sample: its first movies, with their ratings, tags and links, imported
 * and encoded as {@code quickstart} does the whole sample.
 */
final class SampleStore {
  private SampleStore() {}

  /**
   * @param sample the bundled sample folder
   * @param movies how many movies (the first of movies.csv)
   * @param work a folder for the cut files
   * @param db the store to create
   */
  static void create(Path sample, int movies, Path work, Path db) throws IOException {
    Files.createDirectories(work);
    Set<String> kept = new HashSet<>();
    try (BufferedReader in = Files.newBufferedReader(sample.resolve("movies.csv"), StandardCharsets.UTF_8);
         BufferedWriter out = Files.newBufferedWriter(work.resolve("movies.csv"), StandardCharsets.UTF_8)) {
      String line = in.readLine();
      out.write(line + "\n");
      while (kept.size() < movies && (line = in.readLine()) != null) {
        kept.add(line.substring(0, line.indexOf(',')));
        out.write(line + "\n");
      }
    }
    Path ratings = sample.resolve("ratings.csv.gz");
    try (InputStream raw = Files.exists(ratings) ? new GZIPInputStream(Files.newInputStream(ratings))
        : Files.newInputStream(sample.resolve("ratings.csv"))) {
      keepRows(new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8)), work.resolve("ratings.csv"), 1,
          kept);
    }
    for (String name : new String[] {"tags.csv", "links.csv"}) {
      if (!Files.exists(sample.resolve(name))) continue;
      try (BufferedReader in = Files.newBufferedReader(sample.resolve(name), StandardCharsets.UTF_8)) {
        keepRows(in, work.resolve(name), name.equals("links.csv") ? 0 : 1, kept);
      }
    }
    ConsoleProgress progress = new ConsoleProgress();
    try (Store store = Stores.open(db.toString())) {
      System.out.println(Importer.run(store, ImportFormat.MOVIELENS_LATEST, work, ErrorPolicy.REJECT, progress)
          .summary());
      System.out.println(StoreEncoding.encodeCatalog(store, StoreEncoding.settings(store), progress).summary());
    }
    progress.finish();
  }

  /** Copies the header and the rows whose movie id (column {@code column}, before any quoted field) is kept. */
  private static void keepRows(BufferedReader in, Path to, int column, Set<String> kept) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(to, StandardCharsets.UTF_8)) {
      String line = in.readLine();
      if (line == null) return;
      out.write(line + "\n");
      while ((line = in.readLine()) != null) {
        int start = 0;
        for (int c = 0; c < column && start >= 0; c++) start = line.indexOf(',', start) + 1;
        int end = line.indexOf(',', start);
        if (start > 0 || column == 0) {
          if (kept.contains(line.substring(start, end < 0 ? line.length() : end))) out.write(line + "\n");
        }
      }
    }
  }
}
