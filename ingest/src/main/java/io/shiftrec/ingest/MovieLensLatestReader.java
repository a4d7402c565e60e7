package io.shiftrec.ingest;

import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVRecord;

/**
 * MovieLens "latest" CSV layout (ml-latest-small and the full ml-latest). Items are movies (domain "movies", genres
 * as categories, year from the title, imdbId/tmdbId from links.csv); ratings are rating events and tags are review
 * events whose text is the tag. Users exist only through their events.
 */
final class MovieLensLatestReader implements DatasetReader {
  private static final String NO_GENRES = "(no genres listed)";

  @Override
  public void read(DataFiles files, ImportSink sink) throws IOException {
    Path movies = files.require("movies.csv");
    Path ratings = files.require("ratings.csv");
    Optional<Path> tags = files.find("tags.csv");
    Optional<Path> links = files.find("links.csv");
    files.startProgress();

    Map<String, Map<String, Object>> linksById = new HashMap<>();
    if (links.isPresent()) {
      csv(files, links.get(), List.of("movieId", "imdbId", "tmdbId"), sink, (r, line) -> {
        Map<String, Object> ids = new LinkedHashMap<>();
        putIfPresent(ids, "imdbId", r.get("imdbId"));
        putIfPresent(ids, "tmdbId", r.get("tmdbId"));
        linksById.put(MovieLensReader.integer("movieId", r.get("movieId")), ids);
      });
    }
    csv(files, movies, List.of("movieId", "title", "genres"), sink, (r, line) -> {
      String id = MovieLensReader.integer("movieId", r.get("movieId"));
      String title = r.get("title");
      Map<String, Object> attributes = new LinkedHashMap<>();
      Integer year = MovieLensReader.yearOf(title);
      if (year != null) attributes.put("year", year);
      attributes.putAll(linksById.getOrDefault(id, Map.of()));
      String genres = r.get("genres");
      List<String> categories = genres.equals(NO_GENRES) ? List.of() : MovieLensReader.genres(genres);
      sink.item(new Item(id, MovieLensReader.DOMAIN, title, null, categories, "en", attributes));
    });
    String ratingsName = DataFiles.name(ratings);
    csv(files, ratings, List.of("userId", "movieId", "rating", "timestamp"), sink, (r, line) ->
        sink.event(new Event(MovieLensReader.integer("userId", r.get("userId")),
            MovieLensReader.integer("movieId", r.get("movieId")), EventType.RATING,
            Values.parseDouble("rating", r.get("rating")),
            Values.parseLong("timestamp", r.get("timestamp")), null, MovieLensReader.DOMAIN, null, null),
            ratingsName, line));
    if (tags.isPresent()) {
      String tagsName = DataFiles.name(tags.get());
      csv(files, tags.get(), List.of("userId", "movieId", "tag", "timestamp"), sink, (r, line) ->
          sink.event(new Event(MovieLensReader.integer("userId", r.get("userId")),
              MovieLensReader.integer("movieId", r.get("movieId")), EventType.REVIEW, Double.NaN,
              Values.parseLong("timestamp", r.get("timestamp")), null, MovieLensReader.DOMAIN,
              Values.checkSize("tag", r.get("tag")), null), tagsName, line));
    }
  }

  /** Extra columns are allowed: these are published files, not ours to police. */
  private static void csv(DataFiles files, Path file, List<String> columns, ImportSink sink,
                          RowFiles.RowHandler<CSVRecord> handler) throws IOException {
    RowFiles.csv(files, file, RowFiles.CSV, columns, null, sink, handler);
  }

  private static void putIfPresent(Map<String, Object> map, String key, String value) {
    if (!value.isBlank()) map.put(key, value.trim());
  }
}
