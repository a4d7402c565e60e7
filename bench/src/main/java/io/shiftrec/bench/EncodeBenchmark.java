package io.shiftrec.bench;

import io.shiftrec.encoder.BundledModels;
import io.shiftrec.encoder.OnnxTextEncoder;
import io.shiftrec.encoder.SampleTexts;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.shiftrec.core.Vectors;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Measures encoding throughput of {@link OnnxTextEncoder} against a bare ONNX Runtime loop over the same model and
 * tokenizer (default session options, batches in input order, padded to their longest, no sorting or buffer
 * reuse), so the gain of our batching and threading is visible on the machine at hand.
 */
public final class EncodeBenchmark {
  private EncodeBenchmark() {}

  private static final int[] BATCH_SIZES = {1, 8, 32};
  private static final int REPEATS = 3;

  public static void main(String[] args) {
    run(System.out, SampleTexts.defaultTexts(256, 42), args.length > 0 ? args[0] : BundledModels.EN);
  }

  /** Prints texts/second of ours and of the bare loop at batch sizes 1, 8 and 32, best of a few timed passes. */
  public static void run(PrintStream out, List<String> texts, String modelId) {
    if (texts.isEmpty()) throw new IllegalArgumentException("no texts to encode");
    List<String> warmUp = texts.subList(0, Math.min(texts.size(), 64));
    try (Bare bare = new Bare(modelId)) {
      long tokens = 0, longest = 0;
      for (Encoding e : bare.tokenizer.batchEncode(texts)) {
        tokens += e.getIds().length;
        longest = Math.max(longest, e.getIds().length);
      }
      out.printf("Encoding %d texts with %s (%.0f tokens on average, longest %d; max %d tokens), %d processors%n",
          texts.size(), modelId, (double) tokens / texts.size(), longest, BundledModels.MAX_TOKENS,
          Runtime.getRuntime().availableProcessors());
      out.println("ours: " + OnnxTextEncoder.THREADING);
      out.println("bare: one session with default options (ORT's default intra-op threads: one per physical core)");
      out.println("Best of " + REPEATS + " alternating timed passes each, after a warm-up pass of " + warmUp.size()
          + " texts.");
      out.println();
      out.printf("%6s %14s %14s %10s%n", "batch", "ours texts/s", "bare texts/s", "ours/bare");
      for (int batch : BATCH_SIZES) {
        try (OnnxTextEncoder encoder = BundledModels.open(modelId, BundledModels.MAX_TOKENS, batch)) {
          encoder.encode(warmUp);
          bare.encode(warmUp, batch);
          long ours = Long.MAX_VALUE, base = Long.MAX_VALUE;
          for (int i = 0; i < REPEATS; i++) { // alternating, so a busy spell on the machine hits both
            ours = Math.min(ours, nanos(() -> encoder.encode(texts)));
            base = Math.min(base, nanos(() -> bare.encode(texts, batch)));
          }
          out.printf("%6d %14.1f %14.1f %10.2f%n", batch, texts.size() / (ours / 1e9), texts.size() / (base / 1e9),
              (double) base / ours);
        }
      }
    }
  }

  private static long nanos(Runnable pass) {
    long start = System.nanoTime();
    pass.run();
    return System.nanoTime() - start;
  }

  /** The obvious way to run the model: what {@link OnnxTextEncoder} is measured against. */
  private static final class Bare implements AutoCloseable {
    final HuggingFaceTokenizer tokenizer;
    final OrtEnvironment env = OrtEnvironment.getEnvironment();
    final OrtSession session;

    Bare(String modelId) {
      tokenizer = OnnxTextEncoder.tokenizer(BundledModels.tokenizerResource(modelId), BundledModels.MAX_TOKENS);
      try (OrtSession.SessionOptions defaults = new OrtSession.SessionOptions()) {
        session = env.createSession(OnnxTextEncoder.resource(BundledModels.modelResource(modelId)), defaults);
      } catch (OrtException e) {
        tokenizer.close();
        throw new IllegalStateException(modelId + ": cannot load ONNX model", e);
      }
    }

    void encode(List<String> texts, int batchSize) {
      for (int from = 0; from < texts.size(); from += batchSize) {
        Encoding[] batch = tokenizer.batchEncode(texts.subList(from, Math.min(texts.size(), from + batchSize)));
        int width = 0;
        for (Encoding e : batch) width = Math.max(width, e.getIds().length);
        long[][] ids = new long[batch.length][width], mask = new long[batch.length][width],
            types = new long[batch.length][width];
        for (int r = 0; r < batch.length; r++) {
          long[] t = batch[r].getIds();
          System.arraycopy(t, 0, ids[r], 0, t.length);
          for (int j = 0; j < t.length; j++) mask[r][j] = 1;
        }
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
          inputs.put("input_ids", OnnxTensor.createTensor(env, ids));
          inputs.put("attention_mask", OnnxTensor.createTensor(env, mask));
          inputs.put("token_type_ids", OnnxTensor.createTensor(env, types));
          try (OrtSession.Result result = session.run(inputs)) {
            float[][][] hidden = (float[][][]) result.get(0).getValue();
            for (float[][] row : hidden) Vectors.normalizeInPlace(row[0].clone());
          }
        } catch (OrtException e) {
          throw new IllegalStateException("inference failed", e);
        } finally {
          for (OnnxTensor t : inputs.values()) t.close();
        }
      }
    }

    @Override
    public void close() {
      try {
        session.close();
      } catch (OrtException e) {
        throw new IllegalStateException(e);
      } finally {
        tokenizer.close();
      }
    }
  }
}
