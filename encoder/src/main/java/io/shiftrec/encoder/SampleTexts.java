package io.shiftrec.encoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Made-up catalogue texts, for measuring and testing the encoder without a catalogue. */
public final class SampleTexts {
  private SampleTexts() {}

  /**
   * {@code count} made-up catalogue texts, the same for the same seed: about half are short titles like
   * "The Silent Harbor (1987)", the rest descriptions of about a hundred words.
   */
  public static List<String> defaultTexts(int count, long seed) {
    Random rnd = new Random(seed);
    List<String> texts = new ArrayList<>(count);
    for (int i = 0; i < count; i++) texts.add(rnd.nextBoolean() ? title(rnd) : description(rnd, 100));
    return texts;
  }

  private static final String[] ADJECTIVES = {"Silent", "Broken", "Golden", "Hidden", "Last", "Crimson", "Endless",
      "Forgotten", "Wild", "Frozen", "Electric", "Quiet", "Distant", "Secret", "Burning", "Little"};
  private static final String[] NOUNS = {"Harbor", "Kingdom", "River", "Garden", "Machine", "Summer", "Empire",
      "Detective", "Orchard", "Station", "Letter", "Mountain", "Island", "Dragon", "Symphony", "Frontier"};
  private static final String[] GENRES = {"a thriller", "a romantic comedy", "a space opera", "a family drama",
      "a documentary", "an animated adventure", "a mystery novel", "a cookbook", "a travel memoir",
      "a fantasy epic", "a history of science", "a courtroom drama"};
  private static final String[] PEOPLE = {"a retired sailor", "two estranged sisters", "a young engineer",
      "a stubborn detective", "an exiled prince", "a small-town baker", "a team of astronauts", "a jazz pianist",
      "a village doctor", "a teenage hacker", "an aging boxer", "a marine biologist"};
  private static final String[] ACTIONS = {"uncovers a conspiracy", "searches for a lost treasure",
      "fights to save the family farm", "falls in love during a storm", "returns home after twenty years",
      "builds a machine that can predict the weather", "solves a string of impossible burglaries",
      "crosses the desert on foot", "learns the secret recipe of a famous chef", "survives a shipwreck"};
  private static final String[] PLACES = {"in post-war Berlin", "on a remote Scottish island", "in a future Tokyo",
      "across the American Midwest", "aboard a generation starship", "in a crumbling Venetian palace",
      "in a mining town in Chile", "during the gold rush", "in the back streets of Marseille",
      "on the edge of the Sahara"};
  private static final String[] REMARKS = {"The story is told with warmth and a dry sense of humour.",
      "Critics praised the sharp dialogue and the striking photography.",
      "It explores friendship, loss and the courage it takes to start again.",
      "Fans of slow-burning suspense will find plenty to enjoy.",
      "The score, played on period instruments, sets a haunting mood.",
      "Each chapter ends with a practical checklist and further reading.",
      "What begins as a light comedy turns into a moving portrait of a generation.",
      "The pace is brisk, the characters vivid and the ending unexpected."};

  private static String title(Random rnd) {
    return "The " + pick(rnd, ADJECTIVES) + " " + pick(rnd, NOUNS) + " (" + (1950 + rnd.nextInt(75)) + ")";
  }

  private static String description(Random rnd, int words) {
    StringBuilder sb = new StringBuilder(title(rnd)).append(" is ").append(pick(rnd, GENRES)).append(" in which ")
        .append(pick(rnd, PEOPLE)).append(' ').append(pick(rnd, ACTIONS)).append(' ').append(pick(rnd, PLACES))
        .append('.');
    while (sb.toString().split(" ").length < words) {
      if (rnd.nextBoolean()) {
        String who = pick(rnd, PEOPLE);
        sb.append(' ').append(Character.toUpperCase(who.charAt(0))).append(who, 1, who.length()).append(' ')
            .append(pick(rnd, ACTIONS)).append(' ').append(pick(rnd, PLACES)).append('.');
      } else {
        sb.append(' ').append(pick(rnd, REMARKS));
      }
    }
    return sb.toString();
  }

  private static String pick(Random rnd, String[] words) {
    return words[rnd.nextInt(words.length)];
  }
}
