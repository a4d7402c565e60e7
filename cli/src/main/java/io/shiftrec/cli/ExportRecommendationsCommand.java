package io.shiftrec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.core.User;
import io.shiftrec.ranker.ItemFilter;
import io.shiftrec.ranker.RecommendRequest;
import io.shiftrec.serve.BatchRecommendations;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "export-recommendations", mixinStandardHelpOptions = true,
    description = "Writes every user's recommendations (or those of --users) as JSON lines, one user per line, each"
        + " the document GET /users/{id}/recommendations answers for the same model version: for e-mail and other"
        + " offline jobs. Users with no history get the fallback chain (popular, then newest).")
final class ExportRecommendationsCommand implements Callable<Integer> {
  @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL",
      required = true, description = ShiftRec.STORE_HELP)
  String db;

  @Option(names = "--out", required = true, description = "The JSON-lines file to write (replaced whole at the end).")
  Path out;

  @Option(names = "--users", description = "A file of user ids, one per line; default: every user of the store.")
  Path users;

  @Option(names = {"-k", "--k"}, defaultValue = "20", description = "Items per user (1-100). Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(names = "--domain", description = "Only items of this domain.")
  String domain;

  @Option(names = "--filter", description = "Only items the filter accepts (the API's filter language).")
  String filter;

  @Option(names = "--explain", description = "Add a reason to each item.")
  boolean explain;

  @Option(names = "--diversity", defaultValue = "0.2", description = "As the API's diversity. Default: ${DEFAULT-VALUE}.")
  double diversity;

  @Option(names = "--threads", defaultValue = "2", description = "Users ranked at once. Default: ${DEFAULT-VALUE}.")
  int threads;

  /** Users ranked per task: enough to keep a core busy, few enough that the output stays in order cheaply. */
  private static final int CHUNK = 64;

  @Override
  public Integer call() throws Exception {
    if (k < 1 || k > 100) throw new IllegalArgumentException("-k must be between 1 and 100, got " + k);
    if (threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
    if (!(diversity >= 0 && diversity <= 1)) {
      throw new IllegalArgumentException("--diversity must be between 0 and 1, got " + diversity);
    }
    if (filter != null) { // refused before the catalogue loads: the time fields are known by name
      try {
        ItemFilter.parse(filter, Map.of("created_at", item -> null, "updated_at", item -> null));
      } catch (ItemFilter.BadFilter e) {
        throw new IllegalArgumentException("--filter: " + e.getMessage());
      }
    }
    List<String> ids = users == null ? null : readIds(users);
    try (Store store = Stores.openExisting(db);
         BatchRecommendations batch = new BatchRecommendations(store)) {
      ItemFilter itemFilter;
      try {
        itemFilter = filter == null ? null : ItemFilter.parse(filter, batch.filterFields());
      } catch (ItemFilter.BadFilter e) {
        throw new IllegalArgumentException("--filter: " + e.getMessage());
      }
      if (domain != null && !batch.hasDomain(domain)) throw new IllegalArgumentException("unknown domain '" + domain + "'");
      if (ids == null) ids = store.users().stream().map(User::id).toList();
      RecommendRequest request = new RecommendRequest(k, 0, domain, itemFilter, Set.of(), List.of(), explain, diversity, null);
      long start = System.nanoTime();
      write(batch, request, ids);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.err.printf("shiftrec export-recommendations: %d users in %.1f s (%.0f users/s), ranked by %s -> %s%n",
          ids.size(), seconds, ids.size() / Math.max(seconds, 1e-9), batch.model(), out);
    }
    return 0;
  }

  /** Ranks the users on {@link #threads} threads and writes their lines in the order given, to a file moved in place. */
  private void write(BatchRecommendations batch, RecommendRequest request, List<String> ids)
      throws IOException, InterruptedException, ExecutionException {
    ObjectMapper json = new ObjectMapper();
    Path absolute = out.toAbsolutePath();
    if (absolute.getParent() != null) Files.createDirectories(absolute.getParent());
    Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    ConsoleProgress progress = new ConsoleProgress();
    try (BufferedWriter writer = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
      progress.start("recommending for " + ids.size() + " users", ids.size());
      List<Future<List<String>>> pending = new ArrayList<>();
      for (int from = 0; from < ids.size(); from += CHUNK) {
        List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
        pending.add(pool.submit(() -> {
          List<String> lines = new ArrayList<>(chunk.size());
          for (String user : chunk) lines.add(json.writeValueAsString(batch.forUser(user, request)));
          return lines;
        }));
      }
      for (Future<List<String>> chunk : pending) {
        List<String> lines = chunk.get();
        for (String line : lines) {
          writer.write(line);
          writer.newLine();
        }
        progress.step(lines.size());
      }
      progress.finish();
    } catch (IOException | InterruptedException | ExecutionException | RuntimeException e) {
      Files.deleteIfExists(partial);
      throw e;
    } finally {
      pool.shutdownNow();
    }
    Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Ids one per line; blank lines and repeats are skipped. */
  private static List<String> readIds(Path file) throws IOException {
    Set<String> ids = new LinkedHashSet<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) ids.add(line.strip());
    }
    if (ids.isEmpty()) throw new IllegalArgumentException("--users: " + file + " holds no user ids");
    return List.copyOf(ids);
  }
}
