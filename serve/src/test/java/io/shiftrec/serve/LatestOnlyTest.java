package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatestOnlyTest {
  /**
   * A burst of offers faster than the quiet period runs the task once, on the last value: the values in between
   * are dropped, not queued (a task queued per offer kept every catalogue of a stream of item writes alive until
   * the server ran out of memory).
   */
  @Test
  void aBurstRunsOnceOnTheLastValue() throws InterruptedException {
    List<Integer> ran = new CopyOnWriteArrayList<>();
    CountDownLatch last = new CountDownLatch(1);
    try (LatestOnly<Integer> latest = new LatestOnly<>("test", 200, v -> {
      ran.add(v);
      if (v == 999) last.countDown();
    })) {
      for (int v = 0; v < 1000; v++) latest.offer(v);
      assertTrue(last.await(10, TimeUnit.SECONDS), "ran " + ran);
      Thread.sleep(400); // nothing else is waiting
      assertEquals(List.of(999), ran);

      latest.offer(1000); // after a pause, the next value runs on its own
      Thread.sleep(600);
      assertEquals(List.of(999, 1000), ran);
    }
  }
}
