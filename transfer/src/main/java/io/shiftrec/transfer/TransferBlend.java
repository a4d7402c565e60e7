package io.shiftrec.transfer;

/**
 * How much a user's score in a domain leans on what is transferred from their other domains rather than on their
 * own history there: {@code α = c / (c + n)} for {@code n} native items, so a newcomer to the domain (n = 0) is
 * served by transfer alone and the native profile takes over as its evidence grows; {@code c} is the native history
 * size at which both count equally.
 */
public final class TransferBlend {
  private TransferBlend() {}

  /** The transferred share α; 1 without native history, 0 when {@code c} is 0 and there is some. */
  public static float transferShare(float c, int nativeItems) {
    if (nativeItems <= 0) return 1f;
    return c / (c + nativeItems);
  }

}
