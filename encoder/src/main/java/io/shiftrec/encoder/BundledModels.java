package io.shiftrec.encoder;

import java.util.List;

/**
 * The models that ship inside ShiftRec's jars (the quantised BGE-small ONNX exports packaged by LangChain4j), so
 * encoding needs no network. English and Chinese are separate embedding spaces of different dimension.
 */
public final class BundledModels {
  private BundledModels() {}

  /** BAAI bge-small-en-v1.5, 384 dimensions. */
  public static final String EN = "bge-small-en-v1.5";
  /** BAAI bge-small-zh-v1.5, 512 dimensions. */
  public static final String ZH = "bge-small-zh-v1.5";
  /** The models' position limit, [CLS] and [SEP] included. */
  public static final int MAX_TOKENS = 512;

  public static List<String> ids() {
    return List.of(EN, ZH);
  }

  public static OnnxTextEncoder open(String modelId) {
    return open(modelId, MAX_TOKENS, OnnxTextEncoder.DEFAULT_BATCH_SIZE);
  }

  /** Opens a bundled model; the caller closes it. {@code maxTokens} may be lowered to trade context for speed. */
  public static OnnxTextEncoder open(String modelId, int maxTokens, int batchSize) {
    if (maxTokens > MAX_TOKENS) {
      throw new IllegalArgumentException("maxTokens " + maxTokens + " exceeds the model limit " + MAX_TOKENS);
    }
    return OnnxTextEncoder.fromClasspath(modelId, modelResource(modelId), tokenizerResource(modelId), maxTokens,
        batchSize);
  }

  public static String modelResource(String modelId) {
    return known(modelId) + "-q.onnx";
  }

  public static String tokenizerResource(String modelId) {
    return known(modelId) + "-q-tokenizer.json";
  }

  private static String known(String modelId) {
    if (!ids().contains(modelId)) {
      throw new IllegalArgumentException("unknown model '" + modelId + "'; bundled models are " + ids());
    }
    return modelId;
  }
}
