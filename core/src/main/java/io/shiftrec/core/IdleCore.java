package io.shiftrec.core;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Two independent pieces of one computation, the second offered to an idle core: the caller runs the first while a
 * thread of the common pool may take the second; when none has taken it by the time the first is done, the caller
 * runs it too. An idle machine answers one request in about the time of the longer piece; a busy one (every core
 * serving requests, the pool's thread waiting its turn) loses nothing, since the work is never queued behind other
 * requests' pieces. Each piece computes what it would alone, so results do not depend on who ran it.
 */
public final class IdleCore {
  private IdleCore() {}

  /** Runs {@code first} here and {@code second} here or on an idle core; both are done when it returns. */
  public static void both(Runnable first, Runnable second) {
    both(first, second, ForkJoinPool.commonPool());
  }

  /** {@link #both(Runnable, Runnable)} offering the second piece to {@code idle}, which may run it or not. */
  static void both(Runnable first, Runnable second, Executor idle) {
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
