package io.shiftrec.core;


/** One recommended item, its score and, when asked for, a sentence saying why. */
public record Recommendation(Item item, double score, String reason) {}
