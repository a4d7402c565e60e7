package io.shiftrec.recommend;

import io.shiftrec.core.Item;

/** One recommended item, its score and, when asked for, a sentence saying why. */
public record Recommendation(Item item, double score, String reason) {}
