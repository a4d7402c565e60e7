package io.shiftrec.serve;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Events stored per minute, from the store's event watermark as the follower reads it every {@code follow_seconds}:
 * what every writer stored (this server, other servers, the command line), not only this process's requests.
 */
final class EventRate {
  /** Samples kept: two hours at one a second. */
  private static final int MAX_SAMPLES = 7_200;
  private static final long MINUTE_MILLIS = 60_000;

  private record Sample(long millis, long eventSeq) {}

  private final ArrayDeque<Sample> samples = new ArrayDeque<>();

  /** The watermark's event number at a moment. */
  synchronized void record(long millis, long eventSeq) {
    samples.addLast(new Sample(millis, eventSeq));
    if (samples.size() > MAX_SAMPLES) samples.removeFirst();
  }

  /**
   * Events stored in each of the last {@code minutes} minutes before {@code nowMillis}, oldest first; a minute before
   * the first sample counts 0. Deleted events can lower the watermark: a minute never counts below 0.
   */
  synchronized long[] perMinute(long nowMillis, int minutes) {
    long[] counts = new long[minutes];
    if (samples.isEmpty()) return counts;
    long[] atEnd = new long[minutes + 1]; // the watermark at the end of each minute (index 0: the start of the first)
    long first = samples.peekFirst().millis();
    for (int m = 0; m <= minutes; m++) {
      long end = nowMillis - (long) (minutes - m) * MINUTE_MILLIS;
      atEnd[m] = end < first ? -1 : seqAt(end);
    }
    for (int m = 0; m < minutes; m++) {
      if (atEnd[m] >= 0 && atEnd[m + 1] >= 0) counts[m] = Math.max(0, atEnd[m + 1] - atEnd[m]);
    }
    return counts;
  }

  /** The watermark of the last sample at or before {@code millis}. */
  private long seqAt(long millis) {
    long seq = -1;
    for (Iterator<Sample> it = samples.iterator(); it.hasNext(); ) {
      Sample s = it.next();
      if (s.millis() > millis) break;
      seq = s.eventSeq();
    }
    return seq;
  }
}
