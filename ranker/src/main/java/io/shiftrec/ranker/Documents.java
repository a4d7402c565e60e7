package io.shiftrec.ranker;

import io.shiftrec.core.Recommendation;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.interest.Interest;
import io.shiftrec.interest.InterestProfile;
import io.shiftrec.interest.Migration;
import io.shiftrec.interest.UserInterests;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Recommendations and interest profiles as JSON-ready maps, so the command line's {@code --json} and the server
 * answer with the same fields.
 */
public final class Documents {
  private Documents() {}

  /**
   * {@code {user, model, items}}, the items as {@link #items}.
   *
   * @param model what ranked them ({@link InterestRecommender#model()})
   */
  public static Map<String, Object> recommendations(String user, String model, List<Recommendation> recs) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("user", user);
    doc.put("model", model);
    doc.put("items", items(recs));
    return doc;
  }

  /** {@code [{item, title, domain, score, reason?}]}, best first. */
  public static List<Map<String, Object>> items(List<Recommendation> recs) {
    List<Map<String, Object>> items = new ArrayList<>();
    for (Recommendation r : recs) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("item", r.item().id());
      m.put("title", r.item().title());
      m.put("domain", r.item().domain());
      m.put("score", r.score());
      if (r.reason() != null) m.put("reason", r.reason());
      items.add(m);
    }
    return items;
  }

  /**
   * The user's interests per embedding space (label, share, weights, activity, recent items; largest share first)
   * and the migrations detected between them; for a user active in several domains, also each domain's own
   * interests ({@code domains}). Clocks print as dates when the history is timed, else as positions.
   */
  public static Map<String, Object> profile(String user, List<Event> history, UserInterests interests,
                                            InterestRecommender recommender) {
    Catalog catalog = recommender.catalog();
    boolean timed = !history.isEmpty() && history.get(history.size() - 1).timestamp() != null;
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("user", user);
    doc.put("events", history.size());
    List<Object> spaces = new ArrayList<>();
    for (Map.Entry<String, InterestProfile> e : interests.profiles().entrySet()) {
      InterestProfile p = e.getValue();
      Map<String, Object> space = new LinkedHashMap<>();
      space.put("model", e.getKey());
      space.put("short_term_share", round(p.shortShare()));
      space.put("interests", interests(p, recommender, timed));
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
    Set<String> domains = new TreeSet<>();
    for (Event e : history) {
      int i = e.item() == null ? -1 : catalog.indexOf(e.item());
      if (i >= 0) domains.add(catalog.item(i).domain());
    }
    if (domains.size() > 1) {
      Map<String, Object> byDomain = new LinkedHashMap<>();
      for (String domain : domains) {
        List<Map<String, Object>> own = new ArrayList<>();
        for (InterestProfile p : interests.forDomain(domain).profiles().values()) {
          own.addAll(interests(p, recommender, timed));
        }
        byDomain.put(domain, own);
      }
      doc.put("domains", byDomain);
    }
    return doc;
  }

  private static List<Map<String, Object>> interests(InterestProfile p, InterestRecommender recommender,
                                                     boolean timed) {
    double[] mixture = new double[p.interests().size()];
    p.mixture(mixture);
    List<Map<String, Object>> interests = new ArrayList<>();
    for (int k = 0; k < p.interests().size(); k++) {
      Interest interest = p.interests().get(k);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", interest.id());
      m.put("label", recommender.label(interest));
      m.put("share", round(mixture[k]));
      m.put("long_term_weight", round(interest.longWeight()));
      m.put("short_term_weight", round(interest.shortWeight()));
      m.put("events", interest.events());
      m.put("first", clock(interest.firstClock(), timed));
      m.put("last", clock(interest.lastClock(), timed));
      List<String> examples = new ArrayList<>();
      int[] recent = interest.recentMembers();
      for (int i = 0; i < Math.min(3, recent.length); i++) examples.add(recommender.catalog().item(recent[i]).title());
      m.put("recent_items", examples);
      interests.add(m);
    }
    interests.sort((a, b) -> Double.compare((Double) b.get("share"), (Double) a.get("share")));
    return interests;
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
}
