package io.shiftrec.serve;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory the users kept by a server's apps may take together ({@code cache_mb}): each app counts what its kept
 * users hold here and drops its least recently asked users while all apps together are over the budget, so a server
 * of many apps keeps within one budget, not one per app.
 */
final class UserMemory {
  private final long budget;
  private final AtomicLong used = new AtomicLong();

  /** @param budget bytes, at least 1 */
  UserMemory(long budget) {
    if (budget < 1) throw new IllegalArgumentException("a memory budget must be positive, got " + budget);
    this.budget = budget;
  }

  long budget() {
    return budget;
  }

  long used() {
    return used.get();
  }

  boolean over() {
    return used.get() > budget;
  }

  /** Whether nine tenths are taken: ranking more users ahead would only drop others. */
  boolean nearlyFull() {
    return used.get() >= budget / 10 * 9;
  }

  void add(long bytes) {
    used.addAndGet(bytes);
  }
}
