package io.shiftrec.serve;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Language;
import io.shiftrec.core.Recommendation;
import io.shiftrec.core.Store;
import io.shiftrec.core.TopK;
import io.shiftrec.core.User;
import io.shiftrec.candidates.GroupPopularity;
import io.shiftrec.ranker.RecommendRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * How a user with no history is answered: what they wrote about their taste first (when a request carries text),
 * then what people like them took (when the store knows their attributes and most users have them:
 * {@link GroupPopularity}), then what is popular (in the domain asked for, else everywhere), then what is newest. Popularity counts every
 * stored event: this server's own writes are counted as they are acknowledged, and the whole table is counted again
 * (for what other processes wrote) when the store moved and {@value #REFRESH_MILLIS} ms have passed, so a newcomer's
 * request never counts the whole event table.
 */
final class Fallback {
  /** The name answers from the chain carry where a model name stands. */
  static final String MODEL = "fallback";
  static final long REFRESH_MILLIS = 60_000;
  /** Newest items kept: enough for every page a request may ask for after hidden and filtered items. */
  private static final int NEWEST_KEPT = 2_000;

  /**
   * Popularity by item id and the newest ids, as read at a watermark; this server's writes since are added to both.
   */
  private record Counts(ConcurrentHashMap<String, Long> byItem, List<String> newest, Groups groups, long eventSeq,
                        long itemChange, long atMillis) {}

  /** What each group of users took, over the items taken, and which index each item has there. */
  private record Groups(GroupPopularity popularity, Map<String, Integer> indexById) {}

  /** How many (user, item) pairs a group's estimate is shrunk toward its parent's with. */
  static final double GROUP_SMOOTHING = GroupPopularity.DEFAULT_SMOOTHING;

  private final Store store;
  private volatile Counts counts;

  private final double groupSmoothing;

  Fallback(Store store) {
    this(store, GROUP_SMOOTHING);
  }

  /** @param groupSmoothing (user, item) pairs a group's estimate is shrunk toward its parent's with */
  Fallback(Store store, double groupSmoothing) {
    this.store = store;
    this.groupSmoothing = groupSmoothing;
    this.counts = read(store.watermark());
  }

  private Counts read(Store.Watermark at) {
    usersChanged = false;
    return new Counts(new ConcurrentHashMap<>(store.eventCountsByItem()), List.copyOf(store.newestItems(NEWEST_KEPT)),
        groups(), at.eventSeq(), at.itemChange(), System.currentTimeMillis());
  }

  /** Users' attributes changed: the groups are counted again at the next look. */
  void usersChanged() {
    usersChanged = true;
  }

  private volatile boolean usersChanged;

  /**
   * Popularity per group of users, by the attributes most users have (coarse to fine: fewer values first, at most
   * three); null when no attribute qualifies.
   */
  private Groups groups() {
    List<User> users = store.users();
    Map<String, Map<String, Object>> attributesById = new java.util.HashMap<>();
    for (User u : users) if (!u.attributes().isEmpty()) attributesById.put(u.id(), u.attributes());
    List<String> keys = GroupPopularity.keysFor(attributesById.values(), users.size());
    if (keys.isEmpty()) return null;
    Map<String, Integer> indexById = new java.util.HashMap<>();
    List<String> pairUsers = new ArrayList<>();
    List<Integer> pairItems = new ArrayList<>();
    java.util.Set<String> taken = new java.util.HashSet<>();
    String[] current = {null};
    store.forEachEvent(e -> { // grouped by user: each (user, item) pair once
      if (e.item() == null) return;
      if (!e.user().equals(current[0])) {
        current[0] = e.user();
        taken.clear();
      }
      if (!taken.add(e.item())) return;
      pairUsers.add(e.user());
      pairItems.add(indexById.computeIfAbsent(e.item(), id -> indexById.size()));
    });
    if (indexById.isEmpty()) return null;
    GroupPopularity.Builder b = GroupPopularity.builder(indexById.size(), keys);
    for (int p = 0; p < pairUsers.size(); p++) {
      b.add(attributesById.getOrDefault(pairUsers.get(p), Map.of()), pairItems.get(p));
    }
    return new Groups(b.build(), Map.copyOf(indexById));
  }

  /** Counts events this server stored (acknowledged), so the next newcomer sees them. */
  void counted(List<Event> events) {
    Map<String, Long> byItem = counts.byItem();
    for (Event e : events) if (e.item() != null) byItem.merge(e.item(), 1L, Long::sum);
  }

  /** Puts items this server stored for the first time at the head of the newest, the last stored first. */
  synchronized void added(List<String> ids) {
    if (ids.isEmpty()) return;
    Counts known = counts;
    java.util.LinkedHashSet<String> newest = new java.util.LinkedHashSet<>();
    for (int i = ids.size() - 1; i >= 0; i--) newest.add(ids.get(i));
    for (String id : known.newest()) {
      if (newest.size() == NEWEST_KEPT) break;
      newest.add(id);
    }
    counts = new Counts(known.byItem(), List.copyOf(newest), known.groups(), known.eventSeq(), known.itemChange(),
        known.atMillis());
  }

  /** Counts again when the store moved and the counts are older than {@value #REFRESH_MILLIS} ms. */
  void refresh(Store.Watermark now) {
    Counts known = counts;
    boolean moved = now.eventSeq() != known.eventSeq() || now.itemChange() != known.itemChange();
    if (usersChanged || moved && System.currentTimeMillis() - known.atMillis() >= REFRESH_MILLIS) {
      Counts fresh = read(now);
      synchronized (this) {
        counts = fresh;
      }
    }
  }

  /**
   * The request's page of the chain over {@code catalog}, items {@code shown} accepts and the request admits.
   *
   * @param fromText the recommendations for the user's own text, best first; empty when they wrote none
   * @param attributes what the store knows of the user (age, gender, …); empty for none
   */
  List<Recommendation> recommend(Catalog catalog, IntPredicate shown, RecommendRequest request,
                                 List<Recommendation> fromText, Map<String, Object> attributes) {
    int wanted = request.offset() + request.k();
    Map<String, Recommendation> chain = new LinkedHashMap<>();
    for (Recommendation r : fromText) {
      if (chain.size() == wanted) break;
      if (request.admits(r.item())) {
        chain.putIfAbsent(r.item().id(), explained(r.item(), r.score(), request, "Matches what you wrote",
            "符合你写下的喜好"));
      }
    }
    Counts known = counts;
    if (chain.size() < wanted && known.groups() != null && known.groups().popularity().depth(attributes) > 0) {
      popular(catalog, shown, request, groupCounts(known.groups(), attributes), wanted, chain,
          likeYou(known.groups().popularity(), attributes));
    }
    if (chain.size() < wanted) {
      boolean inDomain = request.domain() != null;
      popular(catalog, shown, request, known.byItem(), wanted, chain, item -> new String[] {
          inDomain ? "Popular in " + item.domain() : "Popular with everyone",
          inDomain ? item.domain() + "中的热门" : "大家都喜欢"});
    }
    for (String id : known.newest()) {
      if (chain.size() >= wanted) break;
      int i = catalog.indexOf(id);
      if (i < 0 || chain.containsKey(id) || !shown.test(i) || !request.admits(catalog.item(i))) continue;
      String domain = catalog.item(i).domain();
      chain.put(id, explained(catalog.item(i), 0, request, "New in " + domain, domain + "中的新品"));
    }
    List<Recommendation> page = new ArrayList<>(chain.values());
    return page.subList(Math.min(request.offset(), page.size()), page.size());
  }

  /** The group popularity of the items the group's users (or, smoothed, their parent groups') took, by id. */
  private Map<String, Double> groupCounts(Groups groups, Map<String, Object> attributes) {
    float[] scores = new float[groups.indexById().size()];
    groups.popularity().score(attributes, groupSmoothing, scores);
    Map<String, Double> byId = new java.util.HashMap<>(scores.length * 2);
    groups.indexById().forEach((id, i) -> {
      if (scores[i] > 0) byId.put(id, (double) scores[i]); // no one like them took it: left to the next step
    });
    return byId;
  }

  /** "Popular with people like you (gender F, age 25)", as far as the user's groups reach. */
  private static java.util.function.Function<Item, String[]> likeYou(GroupPopularity groups,
                                                                     Map<String, Object> attributes) {
    List<String> known = new ArrayList<>();
    int depth = groups.depth(attributes);
    for (int k = 0; k < depth; k++) known.add(groups.keys().get(k) + " " + attributes.get(groups.keys().get(k)));
    String which = String.join(", ", known);
    String[] reasons = {"Popular with people like you (" + which + ")", "和你相似的人（" + which + "）都喜欢"};
    return item -> reasons;
  }

  /** The most taken items, lifted by the request's boosts in standard deviations of their counts. */
  private static void popular(Catalog catalog, IntPredicate shown, RecommendRequest request,
                              Map<String, ? extends Number> byItem, int wanted, Map<String, Recommendation> chain,
                              java.util.function.Function<Item, String[]> reason) {
    int n = catalog.size();
    int[] taken = new int[n];
    float[] scores = new float[n];
    int m = 0;
    double sum = 0, sumSquares = 0;
    for (int i = 0; i < n; i++) {
      Item item = catalog.item(i);
      Number count = byItem.get(item.id());
      if (count == null || chain.containsKey(item.id()) || !shown.test(i) || !request.admits(item)) continue;
      double c = count.doubleValue();
      taken[m] = i;
      scores[m++] = (float) c;
      sum += c;
      sumSquares += c * c;
    }
    double spread = m < 2 ? 1 : Math.sqrt(Math.max(0, sumSquares / m - (sum / m) * (sum / m)));
    TopK top = new TopK(wanted);
    for (int j = 0; j < m; j++) {
      double lift = request.boosts().isEmpty() ? 0 : spread * request.lift(catalog.item(taken[j]));
      top.offer(taken[j], (float) (scores[j] + lift));
    }
    float[] best = new float[wanted];
    int[] items = top.drain(best);
    for (int r = 0; r < items.length && chain.size() < wanted; r++) {
      Item item = catalog.item(items[r]);
      String[] why = reason.apply(item);
      chain.put(item.id(), explained(item, best[r], request, why[0], why[1]));
    }
  }

  /** The recommendation with its reason in the language asked for, else the item's, when reasons are asked for. */
  private static Recommendation explained(Item item, double score, RecommendRequest request, String english,
                                          String chinese) {
    if (!request.explain()) return new Recommendation(item, score, null);
    String language = request.language() != null ? request.language() : Language.of(item);
    return new Recommendation(item, score, Language.CHINESE.equals(language) ? chinese : english);
  }
}
