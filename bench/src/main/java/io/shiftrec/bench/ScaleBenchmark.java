package io.shiftrec.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the cost of each step grows with the data: for each size a synthetic set ({@link SyntheticData}) is generated,
 * then imported, encoded, trained on and ranked from by the product's own commands, each in a process of its own so
 * that its time and peak resident memory are its alone. Prints a row per size and, per step, the growth exponent b of
 * time ≈ a·size^b fitted over the sizes (events for import and training, items for encoding and ranking).
 */
public final class ScaleBenchmark {
  private ScaleBenchmark() {}

  /** One size of set. */
  public record Size(int items, long events) {
    /** {@code 10000:100000}, or with k and M suffixes, {@code 10k:100k}. */
    public static Size parse(String text) {
      String[] parts = text.split(":");
      if (parts.length != 2) throw new IllegalArgumentException("a size is ITEMS:EVENTS, e.g. 10k:100k; got " + text);
      long items = SyntheticData.count(parts[0]), events = SyntheticData.count(parts[1]);
      if (items < 10 || items > Integer.MAX_VALUE) throw new IllegalArgumentException("items must be ≥ 10: " + text);
      if (events < 1) throw new IllegalArgumentException("events must be positive: " + text);
      return new Size((int) items, events);
    }

    String label() {
      return short_(items) + " items, " + short_(events) + " events";
    }

    private static String short_(long n) {
      return n % 1_000_000 == 0 ? n / 1_000_000 + "M" : n % 1_000 == 0 ? n / 1_000 + "k" : Long.toString(n);
    }
  }

  /** A step's wall time and the peak resident memory of its process. */
  record Step(double seconds, double peakRssMiB, String output) {}

  private static final Pattern RANKING = Pattern.compile("p50 ([0-9.]+), p90 ([0-9.]+), p99 ([0-9.]+) ms");

  /**
   * Runs every step for every size and prints the table.
   *
   * @param shiftrec the command that runs the product: java, its options, class path and main class
   * @param work a folder for the generated sets and the stores (each size's set is deleted after import)
   * @param postgres a PostgreSQL server's JDBC URL, where each size gets a database of its own; null: SQLite files
   * @param spark the command that runs the Spark jobs ({@code shiftrec spark}), which then encode and train; null:
   *     the single-process commands do
   */
  public static Map<String, Object> run(PrintStream out, List<String> shiftrec, List<String> spark, Path work,
                                        SyntheticData.Profile profile, List<Size> sizes, String postgres,
                                        int rankUsers, long seed) throws Exception {
    Files.createDirectories(work);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("profile", profile.name());
    figures.put("store", postgres == null ? "sqlite" : "postgresql");
    figures.put("encode_and_train", spark == null ? "one process" : "spark local[2]");
    figures.put("cores", Runtime.getRuntime().availableProcessors());
    List<Map<String, Object>> rows = new ArrayList<>();
    figures.put("sizes", rows);
    out.printf(Locale.ROOT, "How cost grows: %s profile, %s store, %s, %d cores; each step in a process of its own%n",
        profile.name(), postgres == null ? "SQLite" : "PostgreSQL", spark == null ? "encoded and trained in one"
            + " process" : "encoded and trained on Spark local[2]", Runtime.getRuntime().availableProcessors());
    out.printf("%-26s %9s %10s %10s %10s %10s %9s %9s %11s %11s%n", "size", "users", "import s", "encode s",
        "items/s", "train s", "rank p50", "rank p99", "peak MiB", "store MiB");
    for (Size size : sizes) {
      Path data = work.resolve("set-" + size.items() + "-" + size.events());
      SyntheticData.Summary set = SyntheticData.write(data, profile, size.items(), size.events(), seed);
      String store = postgres == null ? work.resolve("store-" + size.items() + "-" + size.events() + ".db").toString()
          : freshDatabase(postgres, "shiftrec_scale_" + size.items() + "_" + size.events());
      if (postgres == null) Files.deleteIfExists(Path.of(store));
      Path log = work.resolve("log-" + size.items() + "-" + size.events() + ".txt");
      Files.deleteIfExists(log);
      Step load = step(shiftrec, log, "import", "--db", store, "--format", "generic", "--path", data.toString(),
          "--no-encode");
      deleteTree(data);
      Step encode = spark == null ? step(shiftrec, log, "encode", "--db", store)
          : step(spark, log, "encode", "--db", store, "--master", "local[2]");
      Step train = spark == null ? step(shiftrec, log, "train", "--db", store)
          : step(spark, log, "train", "--db", store, "--master", "local[2]");
      Step rank = step(shiftrec, log, "bench", "rank", "--db", store, "--users", Integer.toString(rankUsers),
          "--passes", "2");
      Matcher m = RANKING.matcher(rank.output());
      if (!m.find()) throw new IllegalStateException("bench rank printed no latencies: " + rank.output());
      double p50 = Double.parseDouble(m.group(1)), p99 = Double.parseDouble(m.group(3));
      double peak = Math.max(Math.max(load.peakRssMiB(), encode.peakRssMiB()), Math.max(train.peakRssMiB(),
          rank.peakRssMiB()));
      double storeMiB = postgres == null ? Files.size(Path.of(store)) / 1048576.0 : Double.NaN;
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("items", size.items());
      row.put("events", set.events());
      row.put("users", set.users());
      row.put("import_seconds", load.seconds());
      row.put("encode_seconds", encode.seconds());
      row.put("items_per_second", size.items() / encode.seconds());
      row.put("train_seconds", train.seconds());
      row.put("rank_p50_ms", p50);
      row.put("rank_p99_ms", p99);
      row.put("peak_rss_mib", Map.of("import", load.peakRssMiB(), "encode", encode.peakRssMiB(), "train",
          train.peakRssMiB(), "rank", rank.peakRssMiB()));
      if (postgres == null) row.put("store_mib", storeMiB);
      rows.add(row);
      out.printf(Locale.ROOT, "%-26s %,9d %10.1f %10.1f %10.0f %10.1f %9.2f %9.2f %11.0f %11s%n", size.label(),
          set.users(), load.seconds(), encode.seconds(), size.items() / encode.seconds(), train.seconds(), p50, p99,
          peak, postgres == null ? String.format(Locale.ROOT, "%.0f", storeMiB) : "-");
      out.printf(Locale.ROOT, "%26s peak MiB: import %.0f, encode %.0f, train %.0f, rank %.0f (log %s)%n", "",
          load.peakRssMiB(), encode.peakRssMiB(), train.peakRssMiB(), rank.peakRssMiB(), log);
    }
    if (rows.size() >= 2) {
      Map<String, Object> exponents = new LinkedHashMap<>();
      exponents.put("import (events)", exponent(rows, "events", "import_seconds"));
      exponents.put("encode (items)", exponent(rows, "items", "encode_seconds"));
      exponents.put("train (events)", exponent(rows, "events", "train_seconds"));
      exponents.put("rank p99 (items)", exponent(rows, "items", "rank_p99_ms"));
      figures.put("growth_exponents", exponents);
      out.print("growth exponent b of time ≈ a·size^b:");
      exponents.forEach((k, v) -> out.printf(Locale.ROOT, " %s %.2f;", k, (Double) v));
      out.println();
    }
    return figures;
  }

  /** Least-squares slope of log(y) over log(x) across the rows. */
  static double exponent(List<Map<String, Object>> rows, String x, String y) {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int n = rows.size();
    for (Map<String, Object> row : rows) {
      double lx = Math.log(((Number) row.get(x)).doubleValue()), ly = Math.log(((Number) row.get(y)).doubleValue());
      sx += lx;
      sy += ly;
      sxx += lx * lx;
      sxy += lx * ly;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
  }

  /** Runs one command of the product, polling its peak resident memory; IllegalStateException when it fails. */
  private static Step step(List<String> shiftrec, Path log, String... args) throws Exception {
    List<String> command = new ArrayList<>(shiftrec);
    command.addAll(List.of(args));
    Path output = Files.createTempFile(log.getParent(), "step", ".txt");
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    double peak = Double.NaN;
    while (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
      double now = ServerProcess.statusMiB(process.pid(), "VmHWM:");
      if (!Double.isNaN(now)) peak = Double.isNaN(peak) ? now : Math.max(peak, now);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    String text = Files.readString(output, StandardCharsets.UTF_8);
    Files.delete(output);
    Files.writeString(log, "$ " + String.join(" ", args) + "\n" + text + "\n", StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    if (process.exitValue() != 0) {
      throw new IllegalStateException(args[0] + " failed (exit " + process.exitValue() + "), see " + log);
    }
    return new Step(seconds, peak, text);
  }

  /** Drops and creates a database on the server of {@code url}; the URL of the new database. */
  private static String freshDatabase(String url, String name) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name);
      s.execute("CREATE DATABASE " + name);
    }
    return url.replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + name);
  }

  private static void deleteTree(Path folder) throws IOException {
    try (var files = Files.walk(folder)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
