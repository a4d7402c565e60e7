package io.shiftrec.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IdleCoreTest {
  @Test
  void runsEachPieceOnceAndReturnsWhenBothAreDone() {
    for (int round = 0; round < 1_000; round++) {
      AtomicInteger first = new AtomicInteger(), second = new AtomicInteger();
      int[] written = new int[2];
      IdleCore.both(() -> {
        first.incrementAndGet();
        written[0] = 1;
      }, () -> {
        second.incrementAndGet();
        written[1] = 2;
      });
      assertEquals(1, first.get(), "round " + round);
      assertEquals(1, second.get(), "round " + round);
      assertEquals(1, written[0]); // what either piece wrote is seen by the caller
      assertEquals(2, written[1]);
    }
  }

  /** With no thread free to take it (an executor that keeps what it is given), the caller runs the second piece. */
  @Test
  void theCallerRunsTheSecondPieceWhenNoCoreIsIdle() {
    List<Runnable> waiting = new ArrayList<>();
    Thread[] ranBy = new Thread[1];
    IdleCore.both(() -> { }, () -> ranBy[0] = Thread.currentThread(), waiting::add);
    assertSame(Thread.currentThread(), ranBy[0]);
    waiting.get(0).run(); // the offer, taken late, finds the piece done and runs nothing
    assertSame(Thread.currentThread(), ranBy[0]);
  }

  /** A thread that takes the second piece first runs it once; the caller waits for it. */
  @Test
  void aPieceTakenByAnotherThreadIsWaitedFor() {
    AtomicInteger runs = new AtomicInteger();
    Thread[] worker = new Thread[1];
    IdleCore.both(() -> {
      try {
        worker[0].join(); // the other thread has run the second piece before the first ends
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, runs::incrementAndGet, offer -> {
      worker[0] = new Thread(offer);
      worker[0].start();
    });
    assertEquals(1, runs.get());
  }

  /**
   * A second call while one is under way offers its piece only where the machine has a pair of cores for each; on
   * a 2-core machine it runs both pieces itself.
   */
  @Test
  void callsBeyondThePairsOfCoresRunBothPiecesThemselves() throws Exception {
    CountDownLatch inside = new CountDownLatch(1), release = new CountDownLatch(1);
    Thread first = new Thread(() -> IdleCore.both(() -> {
      inside.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, () -> { }, Runnable::run));
    first.start();
    try {
      inside.await();
      List<Runnable> offered = new ArrayList<>();
      int[] runs = new int[1];
      IdleCore.both(() -> { }, () -> runs[0]++, offered::add);
      assertEquals(1, runs[0]);
      assertEquals(2 * 2 > Runtime.getRuntime().availableProcessors() ? 0 : 1, offered.size());
    } finally {
      release.countDown();
      first.join();
    }
  }

  @Test
  void aFailureOfEitherPieceReachesTheCaller() {
    IllegalStateException second = new IllegalStateException("second");
    assertSame(second, assertThrows(IllegalStateException.class, () -> IdleCore.both(() -> { }, () -> {
      throw second;
    })));
    IllegalArgumentException first = new IllegalArgumentException("first");
    assertSame(first, assertThrows(IllegalArgumentException.class, () -> IdleCore.both(() -> {
      throw first;
    }, () -> { })));
  }
}
