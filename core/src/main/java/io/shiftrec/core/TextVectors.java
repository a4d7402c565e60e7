package io.shiftrec.core;

/** Behaviour text (review bodies, tags, search queries) embedded into a catalogue space. */
@FunctionalInterface
public interface TextVectors {
  /** No text is embedded: interests come from items alone. */
  TextVectors NONE = text -> null;

  /**
   * The text's vector in the space of {@code model}, centred like the catalogue and unit length (see
   * {@code Catalog.Space.place}), or null when the text is not embedded.
   */
  Placed vectorOf(String text);

  /** A vector and the embedding model whose catalogue space it lives in. */
  record Placed(String model, float[] vector) {}
}
