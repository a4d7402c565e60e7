package io.shiftrec.bench;

import io.shiftrec.ranker.InterestRecommender;
import io.shiftrec.core.Recommendation;

import io.shiftrec.core.Event;
import io.shiftrec.core.Feedback;
import io.shiftrec.core.TextVectors;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Whether behaviour text (review bodies, tags, search queries) improves recommendations, on the users who wrote any.
 * Per user, the target is the last item they liked (by its first event) and the history is every event before it,
 * none on the target, so no word about the target leaks in. The same recommender ranks with and without the
 * history's text; HR@10 and NDCG@10 of the target are compared user by user.
 */
public final class BehaviourTextBenchmark {
  static final int K = 10;

  private BehaviourTextBenchmark() {}

  /** The result: users evaluated, metrics with and without text, and users whose target rank got better or worse. */
  public record Result(int users, double hrItems, double ndcgItems, double hrText, double ndcgText, int better,
                       int worse) {}

  /**
   * @param texts per user, the embedded behaviour text of that user's history (any superset of it will do)
   */
  public static Result run(PrintStream out, InterestRecommender recommender, List<List<Event>> histories,
                           Function<List<Event>, TextVectors> texts) {
    int users = 0, better = 0, worse = 0;
    double hrItems = 0, ndcgItems = 0, hrText = 0, ndcgText = 0;
    for (List<Event> events : histories) {
      List<Event> history = beforeLastLike(events, recommender);
      if (history == null || history.stream().noneMatch(e -> e.text() != null && !e.text().isBlank())) continue;
      String target = events.get(history.size()).item();
      int plain = rank(recommender.recommend(recommender.interests(history, TextVectors.NONE), K, null, false, 0),
          target);
      int worded = rank(recommender.recommend(recommender.interests(history, texts.apply(history)), K, null, false,
          0), target);
      users++;
      hrItems += plain > 0 ? 1 : 0;
      hrText += worded > 0 ? 1 : 0;
      ndcgItems += plain > 0 ? 1 / log2(plain + 1) : 0;
      ndcgText += worded > 0 ? 1 / log2(worded + 1) : 0;
      int a = plain > 0 ? plain : K + 1, b = worded > 0 ? worded : K + 1;
      if (b < a) better++;
      else if (b > a) worse++;
    }
    Result r = new Result(users, hrItems / Math.max(1, users), ndcgItems / Math.max(1, users),
        hrText / Math.max(1, users), ndcgText / Math.max(1, users), better, worse);
    out.printf(Locale.ROOT, "Behaviour text: %d users with text before their last liked item%n", r.users());
    out.println("| interests from      | HR@10  | NDCG@10 |");
    out.println("|---------------------|-------:|--------:|");
    out.printf(Locale.ROOT, "| items alone         | %.4f | %.4f  |%n", r.hrItems(), r.ndcgItems());
    out.printf(Locale.ROOT, "| items + their text  | %.4f | %.4f  |%n", r.hrText(), r.ndcgText());
    out.printf(Locale.ROOT, "Target ranked higher with text for %d users, lower for %d (top %d counted).%n",
        r.better(), r.worse(), K);
    return r;
  }

  /**
   * The events before the first event on the user's last liked item (so none on it); the target is then
   * {@code events.get(returned.size())}. Null when the user has no liked item with history before it.
   */
  private static List<Event> beforeLastLike(List<Event> events, InterestRecommender recommender) {
    String target = null;
    for (Event e : events) {
      if (e.item() != null && recommender.catalog().indexOf(e.item()) >= 0 && Feedback.weight(e) > 0) {
        target = e.item();
      }
    }
    if (target == null) return null;
    List<Event> history = new ArrayList<>();
    for (Event e : events) {
      if (target.equals(e.item())) break;
      history.add(e);
    }
    return history.isEmpty() ? null : history;
  }

  private static int rank(List<Recommendation> recs, String target) {
    for (int i = 0; i < recs.size(); i++) if (recs.get(i).item().id().equals(target)) return i + 1;
    return 0;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
