package io.shiftrec.core;

import java.util.List;

/**
 * A language model that maps text to an L2-normalised vector. Each model id names one embedding space: vectors of
 * different models are never compared.
 */
public interface TextEncoder extends AutoCloseable {
  String modelId();

  int dimension();

  /** The number of tokens the model accepts per text; longer texts are truncated by tokens. */
  int maxTokens();

  /** Encodes texts in order; each result is L2-normalised and has {@link #dimension()} components. */
  float[][] encode(List<String> texts);

  @Override
  void close();
}
