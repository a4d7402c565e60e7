package io.shiftrec.serve;

import io.shiftrec.core.TextEncoder;
import io.shiftrec.encoder.BundledModels;
import io.shiftrec.encoder.OnnxTextEncoder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The language models of one server process, shared by its apps: each model (at each truncation) is opened once, on
 * first use, and held until the server closes, so ten apps cost one set of ONNX Runtime sessions, not ten. An encoder
 * is not thread-safe: callers take turns on each.
 */
final class SharedEncoders implements AutoCloseable {
  private final Map<String, Shared> open = new HashMap<>();

  /** What opens an app's encoder of a model id, at {@code maxTokens}. */
  Function<String, TextEncoder> opener(int maxTokens) {
    return model -> get(model, maxTokens);
  }

  private synchronized Shared get(String model, int maxTokens) {
    return open.computeIfAbsent(model + "@" + maxTokens,
        k -> new Shared(BundledModels.open(model, maxTokens, OnnxTextEncoder.DEFAULT_BATCH_SIZE)));
  }

  @Override
  public synchronized void close() {
    for (Shared s : open.values()) s.encoder.close();
    open.clear();
  }

  /** One encoder for every app: calls take turns, and an app closing its embedder leaves it open. */
  private static final class Shared implements TextEncoder {
    final TextEncoder encoder;

    Shared(TextEncoder encoder) {
      this.encoder = encoder;
    }

    @Override
    public String modelId() {
      return encoder.modelId();
    }

    @Override
    public int dimension() {
      return encoder.dimension();
    }

    @Override
    public int maxTokens() {
      return encoder.maxTokens();
    }

    @Override
    public synchronized float[][] encode(List<String> texts) {
      return encoder.encode(texts);
    }

    @Override
    public void close() {
      // held by the server: closed with it
    }
  }
}
