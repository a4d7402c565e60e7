package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class EventRateTest {
  private static final long MINUTE = 60_000;

  @Test
  void countsTheWatermarksRisePerMinute() {
    EventRate rate = new EventRate();
    long t0 = 1_000_000_000L;
    rate.record(t0, 100);
    rate.record(t0 + 10_000, 105);
    rate.record(t0 + MINUTE + 5_000, 130); // 25 in the second minute
    rate.record(t0 + 2 * MINUTE + 1_000, 130);
    rate.record(t0 + 2 * MINUTE + 30_000, 120); // the newest events deleted: never below 0
    rate.record(t0 + 3 * MINUTE - 1, 128);
    long now = t0 + 3 * MINUTE;
    assertArrayEquals(new long[] {0, 0, 5, 25, 0}, rate.perMinute(now, 5), "before the first sample: 0");
    assertArrayEquals(new long[0], rate.perMinute(now, 0));
    assertArrayEquals(new long[] {0, 0}, new EventRate().perMinute(now, 2), "nothing read yet");
  }
}
