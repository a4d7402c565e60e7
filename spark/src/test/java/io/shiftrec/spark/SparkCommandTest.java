package io.shiftrec.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.ingest.ErrorPolicy;
import io.shiftrec.ingest.ImportFormat;
import io.shiftrec.ingest.Importer;
import io.shiftrec.learn.EpochListener;
import io.shiftrec.learn.Factors;
import io.shiftrec.learn.ImplicitAls;
import io.shiftrec.learn.Interactions;
import io.shiftrec.ranker.LearnedRankerModel;
import io.shiftrec.ranker.RankerArtifact;
import io.shiftrec.train.Training;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Spark jobs on local[2], against the single-process path on the same store. */
class SparkCommandTest {
  @TempDir
  static Path dir;
  static Path data;

  private static final String[] TOPICS = {"hiking boots", "espresso machine", "science fiction novel",
      "watercolour paint set"};
  private static final String[] KINDS = {"classic", "deluxe", "compact", "professional", "budget", "travel"};

  /** Four topics; each user keeps to one or two of them, so the factors and the ranker have something to learn. */
  @BeforeAll
  static void writeData() throws Exception {
    data = dir.resolve("data");
    Files.createDirectories(data);
    StringBuilder items = new StringBuilder();
    int perTopic = 30;
    for (int t = 0; t < TOPICS.length; t++) {
      for (int i = 0; i < perTopic; i++) {
        items.append(String.format("{\"id\":\"i%d\",\"domain\":\"shop\",\"title\":\"%s %s, model %d\"}%n",
            t * perTopic + i, KINDS[i % KINDS.length], TOPICS[t], i));
      }
    }
    Files.writeString(data.resolve("items.jsonl"), items, StandardCharsets.UTF_8);
    StringBuilder events = new StringBuilder("user,item,type,timestamp\n");
    SplittableRandom random = new SplittableRandom(5);
    for (int u = 0; u < 160; u++) {
      int first = random.nextInt(TOPICS.length), second = random.nextInt(TOPICS.length);
      int n = 6 + random.nextInt(10);
      java.util.Set<Integer> taken = new java.util.HashSet<>();
      for (int e = 0; e < n; e++) {
        int topic = random.nextDouble() < 0.7 ? first : second;
        int item = topic * perTopic + Math.min(perTopic - 1, (int) (perTopic * Math.pow(random.nextDouble(), 2)));
        if (taken.add(item)) events.append("u").append(u).append(",i").append(item).append(",purchase,")
            .append(1_700_000_000L + u * 1000L + e).append('\n');
      }
    }
    Files.writeString(data.resolve("events.csv"), events, StandardCharsets.UTF_8);
  }

  private static String store(String name) throws Exception {
    String db = dir.resolve(name + ".db").toString();
    try (Store store = Stores.open(db)) {
      Importer.run(store, ImportFormat.GENERIC, data, ErrorPolicy.REJECT, Progress.NONE);
    }
    return db;
  }

  @Test
  void alsOnSparkGivesTheSameFactorsAsOneProcess() {
    SplittableRandom random = new SplittableRandom(3);
    int users = 200, items = 90;
    int[] offsets = new int[users + 1];
    List<Integer> cols = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      random.ints(0, 30).distinct().limit(8).sorted().forEach(i -> cols.add((i + 30 * (users % 3)) % items));
      offsets[u + 1] = cols.size();
    }
    Interactions matrix = Interactions.binary(users, items, offsets, cols.stream().mapToInt(i -> i).toArray());
    ImplicitAls.Config config = new ImplicitAls.Config(16, 0.5f, 2f, 6, 3);
    Factors local = ImplicitAls.fit(matrix, config, 9, 2, EpochListener.NONE);
    try (JavaSparkContext spark = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("test")
        .set("spark.ui.enabled", "false")); SparkSweep sweep = new SparkSweep(spark, 3)) {
      Factors distributed = ImplicitAls.fit(matrix, config, 9, sweep, EpochListener.NONE);
      assertArrayEquals(local.users(), distributed.users());
      assertArrayEquals(local.items(), distributed.items());
    }
  }

  @Test
  void trainOnSparkSavesTheModelsTrainSaves() throws Exception {
    String local = store("train-local"), onSpark = store("train-spark");
    List<String> models = List.of("ials", LearnedRankerModel.NAME);
    try (Store store = Stores.openExisting(local)) {
      Training.run(store, new Training.Settings(models, 42, false, true), Progress.NONE);
    }
    assertEquals(0, SparkCommand.run("train", "--db", onSpark, "--models", String.join(",", models),
        "--no-validation", "--partitions", "3"));
    try (Store a = Stores.openExisting(local); Store b = Stores.openExisting(onSpark)) {
      for (String name : List.of("ials", RankerArtifact.NAME)) {
        Store.Artifact one = a.latestArtifact(name).orElseThrow(), other = b.latestArtifact(name).orElseThrow();
        assertArrayEquals(one.data(), other.data(), name + ": the same model, bit for bit");
      }
      assertEquals(b.latestArtifact(RankerArtifact.NAME).orElseThrow().version(),
          b.activeVersion(RankerArtifact.NAME).orElseThrow(), "the new ranker is served");
    }
  }

  /**
   * A store exported as Parquet and trained on from the export's events saves the model a training on the store
   * saves, bit for bit; files that are not events are refused with a line that names the missing column.
   */
  @Test
  void trainingOnAParquetExportSavesTheModelTrainingOnTheStoreSaves() throws Exception {
    String local = store("parquet-local"), exported = store("parquet-export");
    try (Store store = Stores.openExisting(local)) {
      Training.run(store, new Training.Settings(List.of("ials"), 42, false, true), Progress.NONE);
    }
    Path out = dir.resolve("export");
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, SparkCommand.run("export", "--db", exported, "--out", out.toString()));
    } finally {
      System.setOut(stdout);
    }
    try (Store store = Stores.openExisting(exported)) {
      long[] events = {0};
      store.forEachEvent(e -> events[0]++);
      assertTrue(printed.toString(StandardCharsets.UTF_8).contains(String.format(java.util.Locale.ROOT,
          "exported %,d items, %,d users and %,d events", store.items().size(), store.users().size(), events[0])),
          printed.toString(StandardCharsets.UTF_8));
    }
    for (String folder : List.of("items", "users", "events")) assertTrue(Files.isDirectory(out.resolve(folder)));
    assertEquals(0, SparkCommand.run("train", "--db", exported, "--models", "ials", "--no-validation",
        "--events", out.resolve("events").toString()));
    try (Store a = Stores.openExisting(local); Store b = Stores.openExisting(exported)) {
      Store.Artifact one = a.latestArtifact("ials").orElseThrow(), other = b.latestArtifact("ials").orElseThrow();
      assertArrayEquals(one.data(), other.data(), "the same factors, bit for bit");
      assertEquals(out.resolve("events").toString(), ((Map<?, ?>) other.metadata().get("data")).get("events_from"));
    }
    assertFailure("has no column 'user'", "train", "--db", exported, "--models", "ials", "--no-validation",
        "--events", out.resolve("users").toString());
  }

  @Test
  void encodeOnSparkCachesTheVectorsEncodeCaches() throws Exception {
    String local = store("encode-local"), onSpark = store("encode-spark");
    try (Store store = Stores.openExisting(local)) {
      StoreEncoding.encodeCatalog(store, StoreEncoding.settings(store), Progress.NONE);
    }
    assertEquals(0, SparkCommand.run("encode", "--db", onSpark, "--partitions", "3"));
    Map<String, float[]> expected = embeddings(local), actual = embeddings(onSpark);
    assertEquals(expected.keySet(), actual.keySet());
    assertEquals(TOPICS.length * 30, actual.size());
    for (Map.Entry<String, float[]> e : expected.entrySet()) {
      float[] a = e.getValue(), b = actual.get(e.getKey());
      double dot = 0;
      for (int f = 0; f < a.length; f++) dot += a[f] * b[f];
      // int8 weights: a vector depends slightly on the texts batched with it (DESIGN, "Text encoder")
      assertTrue(dot >= 0.98, e.getKey() + ": cosine " + dot);
    }
  }

  @Test
  void badInputFailsWithOneLineBeforeSparkStarts() throws Exception {
    String db = store("bad");
    assertFailure("no store at", "train", "--db", dir.resolve("typo.db").toString());
    assertTrue(Files.notExists(dir.resolve("typo.db")), "a mistyped --db creates nothing");
    assertFailure("unknown model 'nope'", "train", "--db", db, "--models", "nope");
    assertFailure("--partitions must be positive", "encode", "--db", db, "--partitions", "0");
  }

  private static void assertFailure(String expected, String... args) {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = SparkCommand.run(args);
    } finally {
      System.setErr(err);
    }
    String text = captured.toString(StandardCharsets.UTF_8).strip();
    assertEquals(1, code, text);
    assertTrue(text.startsWith("shiftrec spark " + args[0] + ": ") && text.contains(expected), text);
    assertEquals(1, text.lines().count(), text);
  }

  private static Map<String, float[]> embeddings(String db) {
    Map<String, float[]> out = new HashMap<>();
    try (Store store = Stores.openExisting(db)) {
      store.forEachEmbedding(e -> out.put(e.model() + "/" + e.textHash(), e.vector()));
    }
    return out;
  }
}
