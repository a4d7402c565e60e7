package io.shiftrec.cli;

import io.shiftrec.core.Progress;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Draws progress on stderr: a bar on a terminal, a start and an end line otherwise (logs, CI). */
final class ConsoleProgress implements Progress {
  private final PrintStream err = System.err;
  private final boolean terminal = System.console() != null;
  private ProgressBar bar;
  private String task;
  private long startNanos;

  @Override
  public void start(String task, long total) {
    finish();
    this.task = task;
    this.startNanos = System.nanoTime();
    if (terminal) {
      bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
          .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setConsumer(new ConsoleProgressBarConsumer(err))
          .setUpdateIntervalMillis(250).showSpeed().build();
    } else {
      err.println(task + (total > 0 ? " (" + total + ")" : "") + " …");
    }
  }

  @Override
  public void step(long done) {
    if (bar != null) bar.stepBy(done);
  }

  @Override
  public void finish() {
    if (task == null) return;
    if (bar != null) bar.close();
    else err.printf("%s done in %.1f s%n", task, (System.nanoTime() - startNanos) / 1e9);
    bar = null;
    task = null;
  }
}
