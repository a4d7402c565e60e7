package io.shiftrec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Store;
import io.shiftrec.interest.Interest;
import io.shiftrec.interest.InterestProfile;
import io.shiftrec.interest.Migration;
import io.shiftrec.recommend.InterestRecommender;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "profile", mixinStandardHelpOptions = true,
    description = "Print a user's interests (labels, weights, activity) and the timeline of detected migrations.")
final class ProfileCommand implements Callable<Integer> {
  @Option(names = "--db", required = true, description = "Store file.")
  String db;

  @Option(names = "--user", required = true, description = "User id.")
  String user;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (Store store = Engine.openExistingStore(db)) {
      if (store.user(user).isEmpty()) throw new IllegalArgumentException("unknown user '" + user + "'");
      Catalog catalog = Engine.catalog(store, new ConsoleProgress());
      List<Event> history = store.eventsOf(user);
      InterestRecommender recommender = InterestRecommender.withDefaults(catalog);
      Map<String, InterestProfile> profiles = recommender.interests(history,
          Engine.behaviourText(store, recommender.catalog(), history, new ConsoleProgress())).profiles();
      boolean timed = !history.isEmpty() && history.get(history.size() - 1).timestamp() != null;
      Map<String, Object> doc = document(profiles, recommender, timed, history.size());
      if (json) System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
      else print(doc, System.out);
    }
    return 0;
  }

  private Map<String, Object> document(Map<String, InterestProfile> profiles, InterestRecommender recommender,
                                       boolean timed, int events) {
    Catalog catalog = recommender.catalog();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("user", user);
    doc.put("events", events);
    List<Object> spaces = new ArrayList<>();
    for (Map.Entry<String, InterestProfile> e : profiles.entrySet()) {
      InterestProfile p = e.getValue();
      double[] mixture = new double[p.interests().size()];
      p.mixture(mixture);
      Map<String, Object> space = new LinkedHashMap<>();
      space.put("model", e.getKey());
      space.put("short_term_share", round(p.shortShare()));
      List<Object> interests = new ArrayList<>();
      Map<Integer, String> labels = new LinkedHashMap<>();
      for (int k = 0; k < p.interests().size(); k++) {
        Interest interest = p.interests().get(k);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", interest.id());
        m.put("label", recommender.label(interest));
        labels.put(interest.id(), recommender.label(interest));
        m.put("share", round(mixture[k]));
        m.put("long_term_weight", round(interest.longWeight()));
        m.put("short_term_weight", round(interest.shortWeight()));
        m.put("events", interest.events());
        m.put("first", clock(interest.firstClock(), timed));
        m.put("last", clock(interest.lastClock(), timed));
        List<String> examples = new ArrayList<>();
        int[] recent = interest.recentMembers();
        for (int i = 0; i < Math.min(3, recent.length); i++) examples.add(catalog.item(recent[i]).title());
        m.put("recent_items", examples);
        interests.add(m);
      }
      interests.sort((a, b) -> Double.compare((Double) ((Map<?, ?>) b).get("share"),
          (Double) ((Map<?, ?>) a).get("share")));
      space.put("interests", interests);
      List<Object> migrations = new ArrayList<>();
      for (Migration mg : p.migrations()) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", clock(mg.clock(), timed));
        m.put("event", mg.eventIndex());
        m.put("from", side(mg.from(), mg.fromCategories(), mg.fromExample(), catalog));
        m.put("to", side(mg.to(), mg.toCategories(), mg.toExample(), catalog));
        m.put("strength", round(mg.strength()));
        migrations.add(m);
      }
      space.put("migrations", migrations);
      spaces.add(space);
    }
    doc.put("spaces", spaces);
    return doc;
  }

  private static Map<String, Object> side(int id, List<String> categories, int example, Catalog catalog) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("interest", id);
    String title = example < 0 ? null : catalog.item(example).title();
    m.put("label", !categories.isEmpty() ? String.join(", ", categories) : title != null ? "“" + title + "”" : "#" + id);
    m.put("example", title == null ? "a search" : title);
    return m;
  }

  private static String clock(long clock, boolean timed) {
    return timed ? Instant.ofEpochSecond(clock).toString().substring(0, 10) : "position " + clock;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
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
  }
}
