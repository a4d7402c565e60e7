package io.shiftrec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.interest.UserInterests;
import io.shiftrec.ranker.Documents;
import io.shiftrec.ranker.InterestRecommender;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "profile", mixinStandardHelpOptions = true,
    description = "Print a user's interests (labels, weights, activity) and the timeline of detected migrations.")
final class ProfileCommand implements Callable<Integer> {
  @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL",
      required = true, description = ShiftRec.STORE_HELP)
  String db;

  @Option(names = "--user", required = true, description = "User id.")
  String user;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (Store store = Stores.openExisting(db)) {
      if (store.user(user).isEmpty()) throw new IllegalArgumentException("unknown user '" + user + "'");
      Catalog catalog = StoreEncoding.catalog(store, new ConsoleProgress());
      InterestRecommender recommender = InterestRecommender.withDefaults(catalog);
      List<Event> history = store.eventsOf(user);
      UserInterests interests = recommender.interests(history,
          StoreEncoding.behaviourText(store, recommender.catalog(), history, new ConsoleProgress()));
      Map<String, Object> doc = Documents.profile(user, history, interests, recommender);
      if (json) System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
      else print(doc, System.out);
    }
    return 0;
  }

  @SuppressWarnings("unchecked")
  private static void print(Map<String, Object> doc, PrintStream out) {
    out.printf("User %s: %d events%n", doc.get("user"), doc.get("events"));
    for (Object o : (List<Object>) doc.get("spaces")) {
      Map<String, Object> space = (Map<String, Object>) o;
      out.printf("%nInterests in %s (short-term share now %.2f):%n", space.get("model"), space.get("short_term_share"));
      for (Object i : (List<Object>) space.get("interests")) {
        Map<String, Object> m = (Map<String, Object>) i;
        out.printf("  %5.1f%%  #%-3s %-40s %4d events, %s … %s%n", 100 * (Double) m.get("share"), m.get("id"),
            m.get("label"), m.get("events"), m.get("first"), m.get("last"));
        out.println("          e.g. " + String.join("; ", (List<String>) m.get("recent_items")));
      }
      List<Object> migrations = (List<Object>) space.get("migrations");
      out.println(migrations.isEmpty() ? "No migration detected." : "Migrations:");
      for (Object x : migrations) {
        Map<String, Object> m = (Map<String, Object>) x;
        Map<String, Object> from = (Map<String, Object>) m.get("from"), to = (Map<String, Object>) m.get("to");
        out.printf("  %s (event %s): from #%s %s (e.g. %s) to #%s %s (e.g. %s), strength %.2f%n", m.get("at"),
            m.get("event"), from.get("interest"), from.get("label"), from.get("example"), to.get("interest"),
            to.get("label"), to.get("example"), m.get("strength"));
      }
    }
    Map<String, Object> domains = (Map<String, Object>) doc.get("domains");
    if (domains == null) return;
    out.printf("%nInterests within each domain:%n");
    domains.forEach((domain, list) -> {
      out.println("  " + domain + ":");
      for (Object i : (List<Object>) list) {
        Map<String, Object> m = (Map<String, Object>) i;
        out.printf("    %5.1f%%  %-40s %4d events%n", 100 * (Double) m.get("share"), m.get("label"), m.get("events"));
      }
    });
  }
}
