package io.shiftrec.core;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two independent pieces of one computation, the second offered to an idle core: the caller runs the first while a
 * thread of the common pool may take the second; when none has taken it by the time the first is done, the caller
 * runs it too. An idle machine answers one request in about the time of the longer piece. While as many calls are
 * under way as the machine has pairs of cores, the others run both pieces themselves: the cores are busy, and a
 * piece handed to the pool would only wait for a turn while its caller waits for it. Each piece computes what it
 * would alone, so results do not depend on who ran it.
 */
public final class IdleCore {
  private IdleCore() {}

  /** Runs {@code first} here and {@code second} here or on an idle core; both are done when it returns. */
  public static void both(Runnable first, Runnable second) {
    both(first, second, ForkJoinPool.commonPool());
  }

  /** {@link #both(Runnable, Runnable)} offering the second piece to {@code idle}, which may run it or not. */
  static void both(Runnable first, Runnable second, Executor idle) {
    int now = inProgress.incrementAndGet();
    try {
      if (now * 2 > CORES) { // the other cores are busy with calls like this one: a piece offered would wait
        first.run();
        second.run();
        return;
      }
      offer(first, second, idle);
    } finally {
      inProgress.decrementAndGet();
    }
  }

  private static final int CORES = Runtime.getRuntime().availableProcessors();
  /** Calls of {@link #both} under way in this JVM. */
  private static final AtomicInteger inProgress = new AtomicInteger();

  private static void offer(Runnable first, Runnable second, Executor idle) {
    Offered offered = new Offered(second);
    idle.execute(offered);
    try {
      first.run();
    } catch (RuntimeException | Error failed) {
      // the second is not needed now; once running it is waited for, so nothing runs on after this returns
      if (!offered.claim()) offered.awaitDone(failed);
      throw failed;
    }
    if (offered.claim()) {
      second.run(); // no idle core took it: here, at once
      return;
    }
    offered.awaitDone(null);
  }

  private static final class Offered implements Runnable {
    private final Runnable work;
    private final AtomicBoolean claimed = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile Throwable failure;

    Offered(Runnable work) {
      this.work = work;
    }

    boolean claim() {
      return claimed.compareAndSet(false, true);
    }

    @Override
    public void run() {
      if (!claim()) return; // the caller ran it already
      try {
        work.run();
      } catch (Throwable t) {
        failure = t;
      } finally {
        done.countDown();
      }
    }

    /** Waits for the piece another thread runs; rethrows its failure, or adds it to {@code earlier}'s. */
    void awaitDone(Throwable earlier) {
      boolean interrupted = false;
      while (true) {
        try {
          done.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the piece is running: wait for it, and keep the interrupt for the caller
        }
      }
      if (interrupted) Thread.currentThread().interrupt();
      Throwable t = failure;
      if (earlier != null) {
        if (t != null) earlier.addSuppressed(t);
        return;
      }
      if (t instanceof RuntimeException r) throw r;
      if (t instanceof Error e) throw e;
      if (t != null) throw new IllegalStateException(t);
    }
  }
}
