package io.shiftrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Item;
import java.util.List;
import org.junit.jupiter.api.Test;

class OnboardingExperimentTest {
  private static Catalog catalog() {
    Catalog.Builder b = Catalog.builder();
    b.add(new Item("a", "movies", "A", null, List.of("Sci-Fi", "Action"), "en", null), null, null);
    b.add(new Item("b", "movies", "B", null, List.of("Sci-Fi", "Drama"), "en", null), null, null);
    b.add(new Item("c", "movies", "C", null, List.of("Comedy"), "en", null), null, null);
    b.add(new Item("d", "movies", "D", null, List.of("Horror", "Comedy"), "en", null), null, null);
    b.add(new Item("e", "movies", "E", null, List.of(), "en", null), null, null);
    return b.build();
  }

  @Test
  void statedTasteNamesTheMostFrequentLikedCategoriesOfTheHistoryOnly() {
    int[] items = {0, 1, 2, 3};
    float[] weights = {2f, 1f, 1f, -1f}; // d (Horror, Comedy) was disliked: it does not speak for the taste
    assertEquals("I like Sci-Fi, Action and Comedy movies.",
        OnboardingExperiment.statedTaste(catalog(), items, weights, 0, 4));
    assertEquals("I like Action and Sci-Fi movies.",
        OnboardingExperiment.statedTaste(catalog(), items, weights, 0, 1), "the later items are not read");
  }

  @Test
  void withoutLikesEveryItemCountsAndWithoutCategoriesThereIsNoSentence() {
    assertEquals("I like Comedy and Horror movies.",
        OnboardingExperiment.statedTaste(catalog(), new int[] {3}, new float[] {-1f}, 0, 1));
    assertNull(OnboardingExperiment.statedTaste(catalog(), new int[] {4}, new float[] {1f}, 0, 1));
  }
}
