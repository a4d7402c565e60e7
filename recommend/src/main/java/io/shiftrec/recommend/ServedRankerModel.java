package io.shiftrec.recommend;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.TextVectors;
import io.shiftrec.interest.InterestConfig;
import io.shiftrec.interest.UserInterests;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The learned ranker scored the way {@code recommend} and the server score it, so the harness measures what is
 * served: after {@link LearnedRankerModel#fit}, the ranker goes through its saved bytes ({@link RankerArtifact}),
 * and every user is scored by {@link LearnedRanking} from their history replayed as events: interests rebuilt event
 * by event and iALS factors folded in against the saved item factors, instead of the factors training learned for
 * them.
 */
public final class ServedRankerModel implements Model {
  public static final String NAME = "shiftrec-learned-served";

  private final String name;
  private final LearnedRankerModel ranker;
  private TrainingData train;
  private LearnedRanking served;

  /** @param name the name in reports, {@link #NAME} with the ranker's hyperparameters */
  public ServedRankerModel(String name, LearnedRankerModel ranker) {
    this.name = name;
    this.ranker = ranker;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void fit(TrainingData train, long seed) {
    ranker.fit(train, seed);
    this.train = train;
    RankerArtifact saved = RankerArtifact.fromBytes(ranker.artifact().toBytes());
    served = LearnedRanking.Trained.of(saved, NAME).over(train.catalog(),
        ShiftRecModel.DEFAULT_TEMPERATURE);
  }

  @Override
  public void score(int user, float[] scoresOut) {
    // in the ranker's catalogue (adapted, when it carries a text adapter), as InterestRecommender builds them
    UserInterests interests = new UserInterests(served.catalog(), InterestConfig.defaults());
    interests.addAll(historyEvents(user), TextVectors.NONE);
    served.score(interests, scoresOut);
  }

  /**
   * The user's training history as ratings whose feedback weight is the training weight (a rating of w + 3 stars
   * weighs w), in clock order.
   */
  private List<Event> historyEvents(int user) {
    Catalog catalog = train.catalog();
    String id = train.userId(user);
    List<Event> events = new ArrayList<>(train.historyLength(user));
    for (int p = train.offsets()[user]; p < train.offsets()[user + 1]; p++) {
      events.add(new Event(id, catalog.item(train.historyItems()[p]).id(), EventType.RATING,
          train.historyWeights()[p] + 3.0, train.historyClocks()[p], null, null, null, Map.of()));
    }
    return events;
  }
}
