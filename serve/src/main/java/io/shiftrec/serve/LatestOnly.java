package io.shiftrec.serve;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs a task in the background on the newest value offered, once no newer one has come for a quiet period. Values
 * superseded meanwhile are dropped, never queued: a burst of writes costs one task run and holds one value, however
 * fast it comes (a queue of one task per write would hold every intermediate value until its turn).
 */
final class LatestOnly<T> implements AutoCloseable {
  private final AtomicReference<T> latest = new AtomicReference<>();
  private final Semaphore offered = new Semaphore(0);
  private final long quietMillis;
  private final Consumer<T> task;
  private final Thread worker;

  LatestOnly(String threadName, long quietMillis, Consumer<T> task) {
    this.quietMillis = quietMillis;
    this.task = task;
    worker = new Thread(this::run, threadName);
    worker.setDaemon(true);
    worker.start();
  }

  /** Makes {@code value} the one the next run takes, in place of any not yet taken. */
  void offer(T value) {
    latest.set(value);
    offered.release();
  }

  private void run() {
    try {
      while (true) {
        offered.acquire();
        offered.drainPermits();
        T value = latest.get();
        while (value != null) {
          Thread.sleep(quietMillis);
          T now = latest.get();
          if (now == value && latest.compareAndSet(value, null)) break; // quiet: take it
          value = now;
        }
        if (value != null) task.accept(value);
      }
    } catch (InterruptedException e) {
      // closing
    }
  }

  @Override
  public void close() {
    worker.interrupt();
  }
}
