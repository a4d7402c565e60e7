package io.shiftrec.spark;

import io.shiftrec.core.TextEncoder;
import io.shiftrec.encoder.BundledModels;
import io.shiftrec.encoder.OnnxTextEncoder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A bundled text model whose batches are spread over a Spark cluster: each executor opens the model once (it ships in
 * the jars, so nothing is downloaded) and encodes its slice of every batch. Vectors are as the single-process encoder
 * makes them up to its batching: the int8 weights make a text's vector depend slightly on the texts batched with it
 * (docs/DESIGN.md, "Text encoder").
 */
public final class SparkTextEncoder implements TextEncoder {
  /** Per executor JVM, each model opened once and shared by its tasks (an encoder runs one batch at a time). */
  private static final Map<String, OnnxTextEncoder> OPEN = new ConcurrentHashMap<>();

  private final JavaSparkContext spark;
  private final String modelId;
  private final int maxTokens;
  private final int dimension;
  private final int partitions;

  public SparkTextEncoder(JavaSparkContext spark, String modelId, int maxTokens, int partitions) {
    if (partitions < 1) throw new IllegalArgumentException("partitions must be positive, got " + partitions);
    this.spark = spark;
    this.modelId = modelId;
    this.maxTokens = maxTokens;
    this.dimension = executorEncoder(modelId, maxTokens).dimension();
    this.partitions = partitions;
  }

  @Override
  public String modelId() {
    return modelId;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public int maxTokens() {
    return maxTokens;
  }

  @Override
  public float[][] encode(List<String> texts) {
    if (texts.isEmpty()) return new float[0][];
    String model = modelId;
    int tokens = maxTokens;
    List<float[]> vectors = spark.parallelize(texts, Math.min(partitions, texts.size()))
        .mapPartitions((Iterator<String> slice) -> {
          List<String> batch = new ArrayList<>();
          slice.forEachRemaining(batch::add);
          if (batch.isEmpty()) return List.<float[]>of().iterator();
          return List.of(executorEncoder(model, tokens).encode(batch)).iterator();
        }).collect();
    return vectors.toArray(new float[0][]);
  }

  /** Nothing to close on the driver: executors keep their model for the next job of their JVM. */
  @Override
  public void close() {}

  private static OnnxTextEncoder executorEncoder(String modelId, int maxTokens) {
    return OPEN.computeIfAbsent(modelId + "@" + maxTokens,
        key -> BundledModels.open(modelId, maxTokens, OnnxTextEncoder.DEFAULT_BATCH_SIZE));
  }
}
