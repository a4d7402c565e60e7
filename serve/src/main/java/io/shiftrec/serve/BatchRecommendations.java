package io.shiftrec.serve;

import io.shiftrec.core.Event;
import io.shiftrec.core.Recommendation;
import io.shiftrec.core.Store;
import io.shiftrec.interest.UserInterests;
import io.shiftrec.ranker.Documents;
import io.shiftrec.ranker.RecommendRequest;
import java.util.List;
import java.util.Map;

/**
 * Recommendations for many users at once (an e-mail campaign, an offline job), computed as the server computes them:
 * the same catalogue, active model, hidden items, index, behaviour text and fallback chain, so a user's answer here
 * equals the API's for the same model version and data.
 */
public final class BatchRecommendations implements AutoCloseable {
  private final Store store;
  private final LiveCatalog catalog;
  private final LiveCatalog.View view;
  private final Fallback fallback;
  private final ItemTimes times;

  /** Loads the store's catalogue (encoding items not encoded yet) and its active model. */
  public BatchRecommendations(Store store) {
    this.store = store;
    this.catalog = LiveCatalog.forBatch(store);
    this.view = catalog.view();
    this.fallback = new Fallback(store);
    this.times = new ItemTimes(store);
  }

  /** The fields a filter may name beside the item's own: {@code created_at}, {@code updated_at}. */
  public Map<String, java.util.function.Function<io.shiftrec.core.Item, Object>> filterFields() {
    return times.fields();
  }

  /** What ranks users with a history: the active learned ranker and its version, or the interests alone. */
  public String model() {
    return view.recommender().model();
  }

  /** Whether {@code domain} is one of the catalogue's. */
  public boolean hasDomain(String domain) {
    return view.domains().contains(domain);
  }

  /** The user's answer as the API gives it: {@code {user, model, items}}. Safe to call from several threads. */
  public Map<String, Object> forUser(String user, RecommendRequest request) {
    List<Event> history = store.eventsOf(user);
    Map<String, Object> attributes = store.user(user).map(io.shiftrec.core.User::attributes).orElse(Map.of());
    if (history.isEmpty()) {
      List<Recommendation> recs = fallback.recommend(view.centred(), view.shown(view.centred(), null), request,
          List.of(), attributes);
      return Documents.recommendations(user, Fallback.MODEL, recs);
    }
    UserInterests interests = view.recommender().interests(history, catalog.behaviourText(view.centred(), history))
        .withAttributes(attributes);
    return Documents.recommendations(user, model(), view.recommender().recommend(interests, request));
  }

  @Override
  public void close() {
    catalog.close();
  }
}
