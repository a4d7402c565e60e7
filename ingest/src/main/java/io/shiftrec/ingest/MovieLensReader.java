package io.shiftrec.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.User;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MovieLens 1M ('::'-separated .dat files). Items are movies (id = MovieID, domain "movies", categories = genres,
 * language "en"), optionally enriched by the MeLU metadata (movies_extrainfos.dat) and DBpedia abstracts: text = plot,
 * a blank line, abstract. Users come from users.dat with gender, age, occupation and zip; events are ratings.
 */
final class MovieLensReader implements DatasetReader {
  static final String DOMAIN = "movies";
  private static final String SEPARATOR = "::";
  private static final Pattern YEAR_IN_TITLE = Pattern.compile("\\((\\d{4})\\)\\s*$");

  /** movies_extrainfos.dat columns. */
  private static final int EXTRA_FIELDS = 11;
  private static final int YEAR = 2, RATED = 3, RELEASED = 4, DIRECTOR = 6, WRITERS = 7, ACTORS = 8, PLOT = 9,
      POSTER = 10;

  @Override
  public void read(DataFiles files, ImportSink sink) throws IOException {
    Path movies = files.require("movies.dat");
    Optional<Path> users = files.find("users.dat");
    Path ratings = files.require("ratings.dat");
    Optional<Path> extraInfos = files.find("movies_extrainfos.dat");
    Optional<Path> abstracts = files.find("dbpedia_abstracts.json");
    files.startProgress();

    Map<String, String[]> extras = new HashMap<>();
    if (extraInfos.isPresent()) readExtraInfos(files, extraInfos.get(), sink, extras);
    Map<String, String> abstractById = new HashMap<>();
    if (abstracts.isPresent()) readAbstracts(files, abstracts.get(), sink, abstractById);
    readMovies(files, movies, sink, extras, abstractById);
    if (users.isPresent()) readUsers(files, users.get(), sink);
    readRatings(files, ratings, sink);
  }

  /** MovieID::Title (Year)::Genre|Genre…, in ISO-8859-1. */
  private static void readMovies(DataFiles files, Path file, ImportSink sink, Map<String, String[]> extras,
                                 Map<String, String> abstracts) throws IOException {
    RowFiles.lines(files, file, StandardCharsets.ISO_8859_1, sink, (line, lineNo) -> {
      String[] f = split(line, 3);
      String id = integer("MovieID", f[0]);
      String title = f[1];
      Map<String, Object> attributes = new LinkedHashMap<>();
      String[] extra = extras.get(id);
      Integer year = yearOf(title);
      if (year == null && extra != null && known(extra[YEAR])) year = (int) Values.parseLong("Year", extra[YEAR]);
      if (year != null) attributes.put("year", year);
      String plot = null;
      if (extra != null) {
        putIfKnown(attributes, "rated", extra[RATED]);
        putIfKnown(attributes, "released", extra[RELEASED]);
        putIfKnown(attributes, "director", extra[DIRECTOR]);
        putIfKnown(attributes, "writers", extra[WRITERS]);
        if (known(extra[ACTORS])) attributes.put("actors", Arrays.asList(extra[ACTORS].split(", ")));
        putIfKnown(attributes, "posterUrl", extra[POSTER]);
        if (known(extra[PLOT])) plot = extra[PLOT];
      }
      sink.item(new Item(id, DOMAIN, title, joinText(plot, abstracts.get(id)), genres(f[2]), "en", attributes));
    });
  }

  /** UserID::Gender::Age::Occupation::Zip-code; age and occupation are the codes of the ML-1M README. */
  private static void readUsers(DataFiles files, Path file, ImportSink sink) throws IOException {
    RowFiles.lines(files, file, StandardCharsets.UTF_8, sink, (line, lineNo) -> {
      String[] f = split(line, 5);
      Map<String, Object> attributes = new LinkedHashMap<>();
      attributes.put("gender", f[1]);
      attributes.put("age", (int) Values.parseLong("Age", f[2]));
      attributes.put("occupation", (int) Values.parseLong("Occupation", f[3]));
      attributes.put("zip", f[4]);
      sink.user(new User(integer("UserID", f[0]), null, attributes));
    });
  }

  /** UserID::MovieID::Rating::Timestamp (Unix seconds). */
  private static void readRatings(DataFiles files, Path file, ImportSink sink) throws IOException {
    String name = DataFiles.name(file);
    RowFiles.lines(files, file, StandardCharsets.UTF_8, sink, (line, lineNo) -> {
      String[] f = split(line, 4);
      double stars = Values.parseDouble("Rating", f[2]);
      long timestamp = Values.parseLong("Timestamp", f[3]);
      sink.event(new Event(integer("UserID", f[0]), integer("MovieID", f[1]), EventType.RATING, stars, timestamp,
          null, DOMAIN, null, null), name, lineNo);
    });
  }

  /** MovieID::Title::Year::Rated::Released::Genre::Director::Writer::Actors::Plot::Poster, UTF-8, "N/A" = none. */
  private static void readExtraInfos(DataFiles files, Path file, ImportSink sink, Map<String, String[]> extras)
      throws IOException {
    RowFiles.lines(files, file, StandardCharsets.UTF_8, sink, (line, lineNo) -> {
      String[] f = split(line, EXTRA_FIELDS);
      extras.put(integer("MovieID", f[0]), f);
    });
  }

  /** One JSON object mapping MovieID to abstract text, read as a stream of fields. */
  private static void readAbstracts(DataFiles files, Path file, ImportSink sink, Map<String, String> abstracts)
      throws IOException {
    String name = DataFiles.name(file);
    try (JsonParser json = RowFiles.JSON.createParser(files.open(file))) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        sink.error(new RowError(name, lineOf(json.currentTokenLocation()), "expected a JSON object"));
        return;
      }
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String id = json.currentName();
        if (json.nextToken() == JsonToken.VALUE_STRING) {
          abstracts.put(id, json.getText());
        } else {
          sink.error(new RowError(name, lineOf(json.currentTokenLocation()),
              Values.field(id) + "expected a string, got " + json.currentToken().asString()));
          json.skipChildren();
        }
      }
    } catch (JsonProcessingException e) {
      sink.error(new RowError(name, lineOf(e.getLocation()), "malformed JSON: " + e.getOriginalMessage()));
    }
  }

  private static long lineOf(JsonLocation location) {
    return location == null ? 0 : location.getLineNr();
  }

  /** Splits on "::" into exactly {@code count} fields. */
  static String[] split(String line, int count) throws BadRowException {
    String[] fields = new String[count];
    int start = 0;
    for (int i = 0; i < count - 1; i++) {
      int end = line.indexOf(SEPARATOR, start);
      if (end < 0) throw fieldCount(count, i + 1);
      fields[i] = line.substring(start, end);
      start = end + SEPARATOR.length();
    }
    if (line.indexOf(SEPARATOR, start) >= 0) throw fieldCount(count, line.split(SEPARATOR, -1).length);
    fields[count - 1] = line.substring(start);
    return fields;
  }

  private static BadRowException fieldCount(int expected, int got) {
    return new BadRowException("expected " + expected + " fields separated by '::', got " + got);
  }

  /** Checks that an id is an integer and returns it as written. */
  static String integer(String field, String value) throws BadRowException {
    Values.parseLong(field, value);
    return value;
  }

  /** The year in parentheses at the end of a MovieLens title, or null. */
  static Integer yearOf(String title) {
    Matcher m = YEAR_IN_TITLE.matcher(title);
    return m.find() ? Integer.valueOf(m.group(1)) : null;
  }

  /** Genres separated by '|'. */
  static List<String> genres(String genres) {
    List<String> list = new ArrayList<>();
    for (String genre : genres.split("\\|")) {
      if (!genre.isBlank()) list.add(genre.trim());
    }
    return list;
  }

  /** The item text: plot and abstract separated by a blank line, either alone, or null. */
  private static String joinText(String plot, String abstractText) {
    if (plot == null) return abstractText;
    return abstractText == null ? plot : plot + "\n\n" + abstractText;
  }

  private static boolean known(String value) {
    return !value.isBlank() && !value.equals("N/A");
  }

  private static void putIfKnown(Map<String, Object> attributes, String key, String value) {
    if (known(value)) attributes.put(key, value);
  }
}
