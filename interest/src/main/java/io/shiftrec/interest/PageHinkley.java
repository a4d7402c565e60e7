package io.shiftrec.interest;

/**
 * Page-Hinkley test for an increase in the mean of a signal: O(1) state, one pass. Chosen over ADWIN because the
 * question is one-sided (does the new behaviour fit the profile worse than before?) and its state is four numbers,
 * which keeps a profile's update cost independent of history length.
 */
final class PageHinkley {
  private final double tolerance;
  private final double threshold;
  long count;
  double mean;
  double cumulative;
  double minimum;
  long countAtMinimum;

  PageHinkley(double tolerance, double threshold) {
    this.tolerance = tolerance;
    this.threshold = threshold;
  }

  /** Adds one observation; true when the mean has risen by more than the tolerance for long enough. */
  boolean add(double x) {
    count++;
    mean += (x - mean) / count;
    cumulative += x - mean - tolerance;
    if (cumulative < minimum) {
      minimum = cumulative;
      countAtMinimum = count;
    }
    return cumulative - minimum > threshold;
  }

  /** Mean excess of the observations since the minimum over the running mean. */
  double excessSinceMinimum() {
    long n = count - countAtMinimum;
    return n <= 0 ? 0 : (cumulative - minimum) / n + tolerance;
  }

  void reset() {
    count = 0;
    mean = 0;
    cumulative = 0;
    minimum = 0;
    countAtMinimum = 0;
  }
}
