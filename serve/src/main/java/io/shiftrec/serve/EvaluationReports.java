package io.shiftrec.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The evaluation reports in the server's {@code reports_dir}: the {@code *.json} files written by
 * {@code shiftrec evaluate --out} that parse as reports (an object whose {@code models} map names to objects with
 * {@code overall} metrics). A report is found by its file name, and only a name of the folder's own listing is ever
 * read: no path from a request reaches the file system, and a link that leads out of the folder is not listed.
 */
final class EvaluationReports {
  /** A larger file is no report of this product (a report of a few models is tens of kilobytes). */
  static final long MAX_BYTES = 8L << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One report: its file name, when the file was last written, and its content. */
  record Report(String name, Instant written, JsonNode json) {
    String dataset() {
      return json.path("dataset").asText("not given");
    }

    String protocol() {
      return json.path("protocol").asText("not given");
    }

    List<String> models() {
      List<String> names = new ArrayList<>();
      json.get("models").fieldNames().forEachRemaining(names::add);
      return names;
    }
  }

  /** A file that is in the folder but could not be read as a report, and why. */
  record Unreadable(String name, String why) {}

  /** The folder's reports, newest first, and the JSON files in it that are not reports. */
  record Listing(List<Report> reports, List<Unreadable> unreadable) {}

  private record Cached(long modified, long size, Object result) {}

  private final Path folder;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  /** @param folder the reports folder, or null when none is set */
  EvaluationReports(Path folder) {
    this.folder = folder;
  }

  boolean configured() {
    return folder != null;
  }

  Path folder() {
    return folder;
  }

  /** Every {@code *.json} file directly in the folder (no links out of it), read as a report where it is one. */
  Listing list() {
    List<Report> reports = new ArrayList<>();
    List<Unreadable> unreadable = new ArrayList<>();
    if (folder == null) return new Listing(reports, unreadable);
    Path root = realFolder();
    try (Stream<Path> files = Files.list(root)) {
      for (Iterator<Path> it = files.sorted().iterator(); it.hasNext(); ) {
        Path file = it.next();
        String name = file.getFileName().toString();
        if (!name.endsWith(".json") || name.startsWith(".")) continue;
        Object read = read(root, name);
        if (read instanceof Report r) reports.add(r);
        else if (read instanceof Unreadable u) unreadable.add(u);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    reports.sort(Comparator.comparing(Report::written).reversed().thenComparing(Report::name));
    return new Listing(reports, unreadable);
  }

  /**
   * The report of this file name, which must be one the folder lists.
   *
   * @throws Problem 404 when the folder lists no such JSON file, 422 when the file is not a report
   */
  Report get(String name) {
    if (folder == null) throw Problem.http(404, "No reports folder", noFolder());
    boolean listed = false;
    Path root = realFolder();
    if (name != null && name.endsWith(".json")) {
      try (Stream<Path> files = Files.list(root)) {
        listed = files.anyMatch(f -> f.getFileName().toString().equals(name));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (!listed) {
      throw Problem.http(404, "Unknown report", "there is no report ‘" + name + "’ in the reports folder; the"
          + " Evaluation page lists the reports there");
    }
    Object read = read(root, name);
    if (read instanceof Report r) return r;
    if (!(read instanceof Unreadable u)) { // gone meanwhile, or a link out of the folder
      throw Problem.http(404, "Unknown report", "there is no report ‘" + name + "’ in the reports folder");
    }
    throw Problem.http(422, "Not a report", "‘" + name + "’ is not an evaluation report: " + u.why());
  }

  static String noFolder() {
    return "no reports folder is set: start the server with reports_dir (SHIFTREC_REPORTS_DIR) naming the folder"
        + " where shiftrec evaluate --out writes its JSON reports";
  }

  private Path realFolder() {
    try {
      return folder.toRealPath();
    } catch (IOException e) {
      throw Problem.http(404, "No reports folder", "the reports folder ‘" + folder + "’ cannot be read now");
    }
  }

  /** A {@link Report} or an {@link Unreadable}, or null for a file that is no longer there or leads elsewhere. */
  private Object read(Path root, String name) {
    Path file = root.resolve(name);
    try {
      Path real = file.toRealPath();
      if (!real.getParent().equals(root)) return null; // a link out of the folder: never read
      BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile()) return null;
      long modified = attributes.lastModifiedTime().toMillis();
      Cached cached = cache.get(name);
      if (cached != null && cached.modified == modified && cached.size == attributes.size()) return cached.result;
      Object result = attributes.size() > MAX_BYTES
          ? new Unreadable(name, "larger than " + (MAX_BYTES >> 20) + " MB")
          : parse(name, Instant.ofEpochMilli(modified), Files.readAllBytes(real));
      cache.put(name, new Cached(modified, attributes.size(), result));
      return result;
    } catch (IOException e) {
      return null;
    }
  }

  private static Object parse(String name, Instant written, byte[] bytes) {
    JsonNode json;
    try {
      json = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      return new Unreadable(name, "not valid JSON");
    } catch (IOException e) {
      return new Unreadable(name, "not valid JSON");
    }
    if (json == null || !json.isObject()) return new Unreadable(name, "not a JSON object");
    JsonNode models = json.get("models");
    if (models == null || !models.isObject() || models.isEmpty()) {
      return new Unreadable(name, "it has no \"models\" object");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> m = it.next();
      if (!m.getValue().isObject() || !m.getValue().path("overall").isObject()) {
        return new Unreadable(name, "model ‘" + m.getKey() + "’ has no \"overall\" metrics");
      }
    }
    return new Report(name, written, json);
  }
}
