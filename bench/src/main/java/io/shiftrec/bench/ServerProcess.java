package io.shiftrec.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code shiftrec serve} in a process of its own, so that its memory and CPU are the server's alone: started with
 * the benchmark's key, no rate limits, and the settings given; its output goes to a log file.
 */
final class ServerProcess implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");
  private final Process process;
  private final Path log;
  private final int port;

  private ServerProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * @param command runs {@code shiftrec serve --db <db> --port 0}, whose output says "listening on
   *     http://127.0.0.1:PORT"
   * @param settings {@code SHIFTREC_*} settings beside the key and the rate limits (off)
   */
  static ServerProcess start(List<String> command, String key, Map<String, String> settings) throws Exception {
    Path log = Files.createTempFile("shiftrec-bench-server", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SHIFTREC_API_KEY", key);
    builder.environment().put("SHIFTREC_READS_NEED_KEY", "false");
    builder.environment().put("SHIFTREC_RATE_LIMIT", "0"); // one load generator: the limits would only refuse it
    builder.environment().put("SHIFTREC_OPEN_RATE_LIMIT", "0");
    builder.environment().putAll(settings);
    Process process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    try {
      while (System.nanoTime() < deadline) {
        Matcher m = LISTENING.matcher(Files.readString(log));
        if (m.find()) return new ServerProcess(process, log, Integer.parseInt(m.group(1)));
        if (!process.isAlive()) throw new IllegalStateException("the server ended: " + Files.readString(log));
        Thread.sleep(100);
      }
    } catch (Exception e) {
      process.destroyForcibly();
      throw e;
    }
    process.destroyForcibly();
    throw new IllegalStateException("the server did not listen within 10 minutes; its log: " + log);
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Resident memory now, MiB, from /proc (Linux); NaN elsewhere. */
  double rssMiB() {
    return status("VmRSS:");
  }

  /** The most resident memory the process has had, MiB; NaN where unknown. */
  double peakRssMiB() {
    return status("VmHWM:");
  }

  private double status(String field) {
    return statusMiB(process.pid(), field);
  }

  /** A size field of a process's /proc status (e.g. {@code VmHWM:}), MiB; NaN where unknown (not Linux, or gone). */
  static double statusMiB(long pid, String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(field)) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux, or the process is gone
    }
    return Double.NaN;
  }

  /** Stops the server as Ctrl-C would (so a flight recording is written), at worst by force after 60 s. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }
}
