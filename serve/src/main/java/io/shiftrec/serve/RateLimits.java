package io.shiftrec.serve;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;

/**
 * Token buckets per client: a request with the right key spends from the key's bucket, any other from its address's.
 * A bucket holds twice its rate, so short bursts pass. Buckets of clients idle for ten minutes are dropped, and at
 * most {@value #MAX_CLIENTS} are kept, so memory stays bounded however many addresses call.
 */
final class RateLimits {
  static final int MAX_CLIENTS = 100_000;

  private final long keyedPerSecond;
  private final long openPerSecond;
  private final Cache<String, Bucket> buckets = Caffeine.newBuilder().maximumSize(MAX_CLIENTS)
      .expireAfterAccess(Duration.ofMinutes(10)).build();

  /** @param keyedPerSecond requests a second for the key (0: unlimited); @param openPerSecond the same per address */
  RateLimits(long keyedPerSecond, long openPerSecond) {
    this.keyedPerSecond = keyedPerSecond;
    this.openPerSecond = openPerSecond;
  }

  /** Nanoseconds until the client may call again, or 0 when this request may go ahead. */
  long waitNanos(boolean keyed, String client) {
    long rate = keyed ? keyedPerSecond : openPerSecond;
    if (rate <= 0) return 0;
    Bucket bucket = buckets.get((keyed ? "key:" : "address:") + client, c -> Bucket.builder()
        .addLimit(limit -> limit.capacity(2 * rate).refillGreedy(rate, Duration.ofSeconds(1))).build());
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
  }
}
