package io.shiftrec.core;

import java.util.Map;
import java.util.Objects;

/** A user. {@code split} is the dataset's evaluation split (train, valid, test) when it carries one, else null. */
public record User(String id, String split, Map<String, Object> attributes) {
  public User {
    Objects.requireNonNull(id, "id");
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }
}
