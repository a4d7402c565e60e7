package io.shiftrec.core;

/** Progress of long work, reported by the pipeline stages and drawn by whoever runs them (a bar on stderr, a log). */
public interface Progress {
  Progress NONE = new Progress() {
    @Override public void start(String task, long total) {}
    @Override public void step(long done) {}
    @Override public void finish() {}
  };

  /** Begins a task of {@code total} units (-1 when unknown). */
  void start(String task, long total);

  /** Adds {@code done} units to the current task. */
  void step(long done);

  void finish();
}
