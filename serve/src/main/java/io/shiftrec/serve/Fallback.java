package io.shiftrec.serve;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Language;
import io.shiftrec.core.Recommendation;
import io.shiftrec.core.Store;
import io.shiftrec.core.TopK;
import io.shiftrec.ranker.RecommendRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;

/**
 * How a user with no history is answered: what they wrote about their taste first (when a request carries text),
 * then what is popular (in the domain asked for, else everywhere), then what is newest. Popularity counts every
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
  private record Counts(ConcurrentHashMap<String, Long> byItem, List<String> newest, long eventSeq, long itemChange,
                        long atMillis) {}

  private final Store store;
  private volatile Counts counts;

  Fallback(Store store) {
    this.store = store;
    this.counts = read(store.watermark());
  }

  private Counts read(Store.Watermark at) {
    return new Counts(new ConcurrentHashMap<>(store.eventCountsByItem()), List.copyOf(store.newestItems(NEWEST_KEPT)),
        at.eventSeq(), at.itemChange(), System.currentTimeMillis());
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
    counts = new Counts(known.byItem(), List.copyOf(newest), known.eventSeq(), known.itemChange(), known.atMillis());
  }

  /** Counts again when the store moved and the counts are older than {@value #REFRESH_MILLIS} ms. */
  void refresh(Store.Watermark now) {
    Counts known = counts;
    boolean moved = now.eventSeq() != known.eventSeq() || now.itemChange() != known.itemChange();
    if (moved && System.currentTimeMillis() - known.atMillis() >= REFRESH_MILLIS) {
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
   */
  List<Recommendation> recommend(Catalog catalog, IntPredicate shown, RecommendRequest request,
                                 List<Recommendation> fromText) {
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
    if (chain.size() < wanted) popular(catalog, shown, request, known, wanted, chain);
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

  /** The most taken items, lifted by the request's boosts in standard deviations of their counts. */
  private static void popular(Catalog catalog, IntPredicate shown, RecommendRequest request, Counts known, int wanted,
                              Map<String, Recommendation> chain) {
    int n = catalog.size();
    int[] taken = new int[n];
    float[] scores = new float[n];
    int m = 0;
    double sum = 0, sumSquares = 0;
    for (int i = 0; i < n; i++) {
      Item item = catalog.item(i);
      Long count = known.byItem().get(item.id());
      if (count == null || chain.containsKey(item.id()) || !shown.test(i) || !request.admits(item)) continue;
      taken[m] = i;
      scores[m++] = count;
      sum += count;
      sumSquares += (double) count * count;
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
      boolean inDomain = request.domain() != null;
      chain.put(item.id(), explained(item, best[r], request,
          inDomain ? "Popular in " + item.domain() : "Popular with everyone",
          inDomain ? item.domain() + "中的热门" : "大家都喜欢"));
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
