package io.shiftrec.core;

/**
 * One recommended item, its score and, when asked for, a sentence saying why.
 *
 * @param impersonalReason the reason without the user's own words (the text of a review they wrote): what may be
 *     sent to a language model that rewrites reasons; the same as {@code reason} when it quotes none
 */
public record Recommendation(Item item, double score, String reason, String impersonalReason) {
  public Recommendation(Item item, double score, String reason) {
    this(item, score, reason, reason);
  }

  /** This recommendation with another reason, written from its impersonal one. */
  public Recommendation withReason(String rewritten) {
    return new Recommendation(item, score, rewritten, rewritten);
  }
}
