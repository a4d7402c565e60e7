package io.shiftrec.interest;

/**
 * The knobs of {@link InterestProfile}. Half-lives count the user's own events (the clock orders them: a timestamp,
 * else the sequence position), so one setting suits a binge of ratings in one evening and a year of purchases.
 *
 * @param maxInterests upper bound on interests per user and embedding space; fewer when the history is narrow
 * @param joinSimilarity cosine (centred space) above which an event joins its nearest interest instead of opening
 *     a new one
 * @param shortHalfLife events after which a short-term weight halves
 * @param longHalfLife events after which a long-term weight halves
 * @param centroidHalfLife events after which a member's pull on its interest's centroid halves, so centroids follow
 *     where an interest is going
 * @param shortShare share of the short-term component in the interest mixture at rest
 * @param migrationBoost extra short-term share right after a detected migration, relaxing by {@code shortHalfLife}
 * @param fadedShare an interest whose weight falls below this share of the total may be replaced by a new one
 * @param driftTolerance Page-Hinkley δ: misfit increases smaller than this are ignored
 * @param driftThreshold Page-Hinkley λ: cumulative misfit above its minimum that signals a migration
 */
public record InterestConfig(int maxInterests, float joinSimilarity, double shortHalfLife, double longHalfLife,
                             double centroidHalfLife, double shortShare, double migrationBoost, double fadedShare,
                             double driftTolerance, double driftThreshold) {
  public InterestConfig {
    if (maxInterests < 1 || maxInterests > 64) throw new IllegalArgumentException("maxInterests must be 1..64");
    if (!(shortHalfLife > 0 && longHalfLife > 0 && centroidHalfLife > 0)) {
      throw new IllegalArgumentException("half-lives must be positive");
    }
    if (shortShare < 0 || shortShare > 1 || shortShare + migrationBoost > 1 || migrationBoost < 0) {
      throw new IllegalArgumentException("shortShare and shortShare + migrationBoost must lie in [0, 1]");
    }
  }

  public static InterestConfig defaults() {
    return new InterestConfig(6, 0.35f, 5, 200, 50, 0.4, 0.3, 0.02, 0.05, 2.0);
  }

  public InterestConfig withMaxInterests(int n) {
    return new InterestConfig(n, joinSimilarity, shortHalfLife, longHalfLife, centroidHalfLife, shortShare,
        migrationBoost, fadedShare, driftTolerance, driftThreshold);
  }

  public InterestConfig withJoinSimilarity(float s) {
    return new InterestConfig(maxInterests, s, shortHalfLife, longHalfLife, centroidHalfLife, shortShare,
        migrationBoost, fadedShare, driftTolerance, driftThreshold);
  }

  public InterestConfig withShortShare(double s) {
    return new InterestConfig(maxInterests, joinSimilarity, shortHalfLife, longHalfLife, centroidHalfLife, s,
        migrationBoost, fadedShare, driftTolerance, driftThreshold);
  }

  /** This config with another short-term boost after a migration; 0: a migration changes no weight. */
  public InterestConfig withMigrationBoost(double boost) {
    return new InterestConfig(maxInterests, joinSimilarity, shortHalfLife, longHalfLife, centroidHalfLife, shortShare,
        boost, fadedShare, driftTolerance, driftThreshold);
  }

  public InterestConfig withHalfLives(double shortEvents, double longEvents) {
    return new InterestConfig(maxInterests, joinSimilarity, shortEvents, longEvents, centroidHalfLife, shortShare,
        migrationBoost, fadedShare, driftTolerance, driftThreshold);
  }
}
