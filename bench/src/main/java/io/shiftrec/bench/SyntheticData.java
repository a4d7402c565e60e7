package io.shiftrec.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A made-up catalogue, users and events in the generic import format, of any size, for measuring how cost grows
 * with it. Calibrated on the shared public sets (docs/BENCHMARKS.md, "How cost grows"): item popularity follows a
 * Zipf law with the exponent fitted on their rank–frequency curves, history lengths a log-normal law with their
 * fitted parameters, and items, users and domains keep the sets' proportions. Items carry titles built from a
 * domain's vocabulary around topics, so the encoder places an item near the others of its topic; a user draws most
 * items from one to three topics weighted by popularity (so the catalogue-wide law holds), and about a third of
 * users move to other topics part way through their history, as the interests the product is built for do.
 *
 * <p>A pure function of its arguments and the seed.
 */
public final class SyntheticData {
  private SyntheticData() {}

  /**
   * What a generated set imitates.
   *
   * @param imitates the set it is calibrated on
   * @param observedExponent the Zipf exponent fitted on that set ({@link #popularityExponent(int[])})
   * @param popularityExponent the Zipf exponent s items are drawn with (weight ∝ rank^−s), chosen so the exponent
   *     fitted on the generated events is close to the observed one: a user takes an item once, so the head
   *     flattens, the more so the longer the histories
   * @param lengthMu mean of the log of a user's history length
   * @param lengthSigma standard deviation of the log of a user's history length
   * @param domainItemShare per domain, its share of the items
   * @param twoDomainShare share of users active in two domains
   * @param ratings when true events are 1–5 star ratings, else purchases
   * @param meanGapHours mean time between a user's events
   * @param itemsPerTopic how many items a topic holds on average (a user's one to three topics should hold more
   *     items than most histories take)
   */
  public record Profile(String name, String imitates, double observedExponent, double popularityExponent, double lengthMu, double lengthSigma, int minLength,
                        int maxLength, List<String> domains, double[] domainItemShare, double twoDomainShare,
                        boolean ratings, double meanGapHours, int itemsPerTopic) {
    /**
     * Amazon Food–Kitchen (the LLMCDSR release): popularity exponent 0.77 (food) and 0.84 (kitchen) fitted on the
     * top 90% of items, histories log-normal with μ 1.87 and σ 0.32 (mean 7 items), 24% of the items in food, 15% of
     * the users in both domains.
     */
    public static final Profile AMAZON = new Profile("amazon", "Amazon Food–Kitchen", 0.84, 0.78, 1.87, 0.32, 3, 80, List.of("food", "kitchen"),
        new double[] {0.24, 0.76}, 0.15, false, 72, 50);
    /**
     * MovieLens 1M: popularity exponent 1.14, histories log-normal with μ 4.58 and σ 1.0 (mean 163 ratings, at least
     * 20), one domain, star ratings.
     */
    public static final Profile MOVIELENS = new Profile("movielens", "MovieLens 1M", 1.14, 1.90, 4.58, 1.0, 20, 2000, List.of("movies"),
        new double[] {1.0}, 0.0, true, 6, 250);

    public static Profile named(String name) {
      return switch (name) {
        case "amazon" -> AMAZON;
        case "movielens" -> MOVIELENS;
        default -> throw new IllegalArgumentException("unknown profile " + name + ": amazon or movielens");
      };
    }

    /** This profile with another popularity exponent. */
    public Profile withPopularityExponent(double s) {
      if (!(s > 0 && s < 5)) throw new IllegalArgumentException("popularity exponent must be in (0, 5), got " + s);
      return new Profile(name, imitates, observedExponent, s, lengthMu, lengthSigma, minLength, maxLength, domains, domainItemShare,
          twoDomainShare, ratings, meanGapHours, itemsPerTopic);
    }

    public double meanLength() {
      return Math.exp(lengthMu + lengthSigma * lengthSigma / 2);
    }
  }

  /** What was written, and the calibration measured on it. */
  public record Summary(int items, int users, long events, double popularityExponent, double meanLength,
                        double twoDomainShare) {}

  private static final String[] BRANDS = {"Hillcrest", "Northwind", "Bluebird", "Oakridge", "Sunmeadow", "Riverstone",
      "Copperleaf", "Maple & Co.", "Greenfield", "Silverline", "Harbor House", "Kestrel", "Larkspur", "Ironwood",
      "Evergreen", "Summit", "Willowbrook", "Redfern", "Foxglove", "Highland"};
  private static final String[] FOOD_QUALIFIERS = {"Organic", "Gluten-Free", "Dark Roast", "Spicy", "Sugar-Free",
      "Whole Grain", "Smoked", "Unsweetened", "Vegan", "Wild", "Honey", "Sea Salt", "Extra Virgin", "Decaf", "Roasted",
      "Raw", "Low Sodium", "Fair Trade", "Italian", "Japanese"};
  private static final String[] FOOD_NOUNS = {"Green Tea", "Coffee Beans", "Olive Oil", "Almonds", "Pasta",
      "Granola", "Dark Chocolate", "Hot Sauce", "Peanut Butter", "Rice Crackers", "Maple Syrup", "Oatmeal",
      "Protein Bars", "Black Beans", "Sparkling Water", "Dried Mango", "Soy Sauce", "Baby Formula", "Dog Treats",
      "Chai Latte Mix", "Sea Salt Chips", "Jasmine Rice", "Cashews", "Energy Drink", "Popcorn Kernels"};
  private static final String[] KITCHEN_QUALIFIERS = {"Stainless Steel", "Cast Iron", "Nonstick", "Bamboo",
      "Silicone", "Ceramic", "Glass", "Copper", "Enamel", "Programmable", "Cordless", "Insulated", "Heavy-Duty",
      "Compact", "Dishwasher-Safe", "Carbon Steel", "Borosilicate", "Wooden", "Digital", "Collapsible"};
  private static final String[] KITCHEN_NOUNS = {"Frying Pan", "Chef's Knife", "Cutting Board", "Mixing Bowls",
      "Stock Pot", "Coffee Grinder", "French Press", "Measuring Cups", "Spatula Set", "Baking Sheet", "Blender",
      "Toaster", "Water Bottle", "Food Storage Containers", "Dutch Oven", "Kitchen Scale", "Whisk", "Tea Kettle",
      "Salad Spinner", "Rice Cooker", "Knife Sharpener", "Muffin Pan", "Pressure Cooker", "Colander", "Can Opener"};
  private static final String[] MOVIE_GENRES = {"Thriller", "Romantic Comedy", "Science Fiction", "Family Drama",
      "Documentary", "Animated Adventure", "Mystery", "Western", "War Film", "Horror", "Musical", "Crime Drama",
      "Fantasy", "Biography", "Sports Drama", "Film Noir"};
  private static final String[] MOVIE_SETTINGS = {"in post-war Berlin", "on a remote island", "in a future Tokyo",
      "across the American Midwest", "aboard a starship", "in Renaissance Venice", "in a mining town",
      "during the gold rush", "in the streets of Marseille", "at the edge of the Sahara", "in a New York precinct",
      "in a haunted manor", "at a boarding school", "in the Scottish Highlands", "in Cold War Moscow",
      "on a Mississippi steamboat"};
  private static final String[] ADJECTIVES = {"Silent", "Broken", "Golden", "Hidden", "Last", "Crimson", "Endless",
      "Forgotten", "Wild", "Frozen", "Electric", "Quiet", "Distant", "Secret", "Burning", "Little", "Iron", "Lost"};
  private static final String[] NOUNS = {"Harbor", "Kingdom", "River", "Garden", "Machine", "Summer", "Empire",
      "Detective", "Orchard", "Station", "Letter", "Mountain", "Island", "Dragon", "Symphony", "Frontier", "Promise"};

  /** A topic: the words every title of it shares, and its domain. */
  private record Topic(int domain, String qualifier, String noun) {}

  /**
   * Writes {@code items.jsonl}, {@code users.jsonl} and {@code events.jsonl} into {@code folder} (created if
   * missing): {@code items} items and users added until {@code events} events are written.
   */
  public static Summary write(Path folder, Profile profile, int items, long events, long seed) throws IOException {
    if (items < 10) throw new IllegalArgumentException("--items must be at least 10, got " + items);
    if (events < 1) throw new IllegalArgumentException("--events must be positive, got " + events);
    Files.createDirectories(folder);
    SplittableRandom random = new SplittableRandom(seed);
    int domains = profile.domains().size();
    // topics: the profile's items per topic, at least 4 per domain, every qualifier–noun pair at most once
    Topic[] topics = topics(profile, items, random);
    int[] itemDomain = new int[items];
    int[] itemTopic = new int[items];
    // each domain its share of the items (at least one), each topic of a domain an equal share of them
    int[][] topicsOfDomain = new int[domains][];
    for (int d = 0, first = 0; d < domains; d++) {
      int dd = d;
      topicsOfDomain[d] = IntStream.range(0, topics.length).filter(t -> topics[t].domain() == dd).toArray();
      int last = d == domains - 1 ? items
          : Math.max(first + 1, Math.min(items - (domains - 1 - d), first + (int) Math.round(items
              * profile.domainItemShare()[d])));
      for (int i = first; i < last; i++) {
        itemDomain[i] = d;
        itemTopic[i] = topicsOfDomain[d][(i - first) % topicsOfDomain[d].length];
      }
      first = last;
    }
    // popularity: a random order of the items, weight rank^−s
    int[] rankOf = permutation(items, random);
    double[] weight = new double[items];
    for (int i = 0; i < items; i++) weight[i] = Math.pow(rankOf[i] + 1, -profile.popularityExponent());
    Sampler[] byDomain = new Sampler[domains];
    Sampler[] byTopic = new Sampler[topics.length];
    for (int d = 0; d < domains; d++) {
      int dd = d;
      // in order of popularity, so that a draw can skip the head a user has taken
      byDomain[d] = Sampler.of(IntStream.range(0, items).filter(i -> itemDomain[i] == dd).boxed()
          .sorted(Comparator.comparingInt(i -> rankOf[i])).mapToInt(Integer::intValue).toArray(),
          weight);
    }
    // each topic's items in ascending order, gathered in one pass over the items
    int[] topicStart = new int[topics.length + 1];
    for (int i = 0; i < items; i++) topicStart[itemTopic[i] + 1]++;
    for (int t = 0; t < topics.length; t++) topicStart[t + 1] += topicStart[t];
    int[] byTopicOrder = new int[items];
    int[] filled = topicStart.clone();
    for (int i = 0; i < items; i++) byTopicOrder[filled[itemTopic[i]]++] = i;
    double[] topicMass = new double[topics.length];
    for (int t = 0; t < topics.length; t++) {
      byTopic[t] = Sampler.of(Arrays.copyOfRange(byTopicOrder, topicStart[t], topicStart[t + 1]), weight);
      topicMass[t] = byTopic[t].total();
    }
    Sampler[] topicsByDomain = new Sampler[domains];
    for (int d = 0; d < domains; d++) topicsByDomain[d] = Sampler.of(topicsOfDomain[d], topicMass);
    double[] domainUsers = new double[domains];
    for (int d = 0; d < domains; d++) domainUsers[d] = byDomain[d].total();
    double[] userDomainCut = cumulative(domainUsers);

    writeItems(folder.resolve("items.jsonl"), profile, topics, itemDomain, itemTopic, random.split());
    int[] counts = new int[items];
    long written = 0;
    int users = 0, twoDomains = 0;
    long start = 1_704_067_200L; // 2024-01-01T00:00:00Z
    long window = 730L * 86_400;
    JsonFactory json = new JsonFactory();
    try (OutputStream usersOut = Files.newOutputStream(folder.resolve("users.jsonl"));
         OutputStream eventsOut = Files.newOutputStream(folder.resolve("events.jsonl"));
         JsonGenerator u = json.createGenerator(usersOut, JsonEncoding.UTF8);
         JsonGenerator e = json.createGenerator(eventsOut, JsonEncoding.UTF8)) {
      u.setRootValueSeparator(null);
      e.setRootValueSeparator(null);
      HashSet<Integer> seen = new HashSet<>();
      while (written < events) {
        String user = "u" + (++users);
        int length = (int) Math.round(Math.exp(profile.lengthMu() + profile.lengthSigma() * gaussian(random)));
        length = (int) Math.min(Math.max(length, profile.minLength()), Math.min(profile.maxLength(), events - written));
        int home = pick(userDomainCut, random.nextDouble());
        int other = domains > 1 && random.nextDouble() < profile.twoDomainShare() ? (home + 1 + random.nextInt(
            domains - 1)) % domains : -1;
        if (other >= 0) twoDomains++;
        int migratesAt = random.nextDouble() < 1.0 / 3 ? 1 + random.nextInt(Math.max(1, length - 1)) : -1;
        int[][] interests = new int[domains][];
        for (int d = 0; d < domains; d++) interests[d] = drawTopics(topicsByDomain[d], random);
        u.writeStartObject();
        u.writeStringField("id", user);
        u.writeObjectFieldStart("attributes");
        u.writeStringField("home_domain", profile.domains().get(home));
        u.writeBooleanField("migrates", migratesAt >= 0);
        u.writeEndObject();
        u.writeEndObject();
        u.writeRaw('\n');
        long time = start + (long) (random.nextDouble() * window);
        seen.clear();
        for (int n = 0; n < length; n++) {
          if (n == migratesAt) for (int d = 0; d < domains; d++) interests[d] = drawTopics(topicsByDomain[d], random);
          int d = other >= 0 && random.nextDouble() < 0.4 ? other : home;
          int item = -1;
          for (int attempt = 0; attempt < 20; attempt++) {
            // a user who has taken most of their topics' items goes on with what is popular in the domain, then
            // with what follows the head they have taken: close to drawing without replacement, in O(log n)
            int candidate = attempt < 5 && random.nextDouble() < 0.75
                ? byTopic[interests[d][random.nextInt(interests[d].length)]].draw(random)
                : attempt < 10 ? byDomain[d].draw(random) : byDomain[d].drawAfter(seen.size(), random);
            if (seen.add(candidate)) {
              item = candidate;
              break;
            }
          }
          if (item < 0) continue; // this user has taken nearly everything they care for
          counts[item]++;
          written++;
          time += (long) (-Math.log(1 - random.nextDouble()) * profile.meanGapHours() * 3600);
          e.writeStartObject();
          e.writeStringField("user", user);
          e.writeStringField("item", "i" + (item + 1));
          if (profile.ratings()) {
            e.writeStringField("type", "rating");
            e.writeNumberField("value", stars(random));
          } else {
            e.writeStringField("type", "purchase");
          }
          e.writeNumberField("timestamp", time);
          e.writeEndObject();
          e.writeRaw('\n');
        }
      }
    }
    return new Summary(items, users, written, popularityExponent(counts), (double) written / users,
        (double) twoDomains / users);
  }

  /** A count as a person writes it: {@code 250000}, {@code 250k} or {@code 2M}. */
  public static long count(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    long unit = t.endsWith("k") ? 1_000 : t.endsWith("m") ? 1_000_000 : 1;
    try {
      return Math.multiplyExact(Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("not a count: '" + text + "' (e.g. 250000, 250k or 2M)");
    }
  }

  /**
   * The Zipf exponent of a popularity curve: minus the slope of log(count) over log(rank), least squares over the
   * top 90% of items by count (the tail of items taken once or never bends any law).
   */
  public static double popularityExponent(int[] counts) {
    int[] sorted = counts.clone();
    Arrays.sort(sorted);
    int n = (int) (sorted.length * 0.9);
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int used = 0;
    for (int r = 0; r < n; r++) {
      int c = sorted[sorted.length - 1 - r];
      if (c <= 0) break;
      double x = Math.log(r + 1), y = Math.log(c);
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
      used++;
    }
    if (used < 2) return Double.NaN;
    return -(used * sxy - sx * sy) / (used * sxx - sx * sx);
  }

  private static Topic[] topics(Profile profile, int items, SplittableRandom random) {
    int domains = profile.domains().size();
    List<Topic> all = new ArrayList<>();
    for (int d = 0; d < domains; d++) {
      String[][] words = vocabulary(profile.domains().get(d));
      int pairs = words[0].length * words[1].length;
      int wanted = (int) Math.min(pairs, Math.max(4, Math.round(items * profile.domainItemShare()[d]
          / profile.itemsPerTopic())));
      int[] order = permutation(pairs, random);
      for (int p = 0; p < pairs; p++) {
        if (order[p] < wanted) all.add(new Topic(d, words[0][p / words[1].length], words[1][p % words[1].length]));
      }
    }
    return all.toArray(new Topic[0]);
  }

  private static String[][] vocabulary(String domain) {
    return switch (domain) {
      case "food" -> new String[][] {FOOD_QUALIFIERS, FOOD_NOUNS};
      case "kitchen" -> new String[][] {KITCHEN_QUALIFIERS, KITCHEN_NOUNS};
      default -> new String[][] {MOVIE_GENRES, MOVIE_SETTINGS};
    };
  }

  private static void writeItems(Path file, Profile profile, Topic[] topics, int[] itemDomain, int[] itemTopic,
                                 SplittableRandom random) throws IOException {
    try (OutputStream out = Files.newOutputStream(file);
         JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
      g.setRootValueSeparator(null);
      for (int i = 0; i < itemDomain.length; i++) {
        Topic t = topics[itemTopic[i]];
        String domain = profile.domains().get(itemDomain[i]);
        g.writeStartObject();
        g.writeStringField("id", "i" + (i + 1));
        g.writeStringField("domain", domain);
        g.writeStringField("title", title(domain, t, random));
        g.writeArrayFieldStart("categories");
        g.writeString(t.noun());
        g.writeEndArray();
        g.writeStringField("language", "en");
        g.writeEndObject();
        g.writeRaw('\n');
      }
    }
  }

  private static String title(String domain, Topic t, SplittableRandom random) {
    String brand = BRANDS[random.nextInt(BRANDS.length)];
    return switch (domain) {
      case "food" -> String.format(Locale.ROOT, "%s %s %s, %d Ounce (Pack of %d)", brand, t.qualifier(), t.noun(),
          4 + random.nextInt(29), 1 + random.nextInt(12));
      case "kitchen" -> String.format(Locale.ROOT, "%s %s %s, %d-Inch", brand, t.qualifier(), t.noun(),
          4 + random.nextInt(13));
      default -> String.format(Locale.ROOT, "The %s %s (%d), a %s %s", ADJECTIVES[random.nextInt(ADJECTIVES.length)],
          NOUNS[random.nextInt(NOUNS.length)], 1950 + random.nextInt(75), t.qualifier().toLowerCase(Locale.ROOT),
          t.noun());
    };
  }

  private static int[] drawTopics(Sampler topics, SplittableRandom random) {
    int[] chosen = new int[1 + random.nextInt(3)];
    for (int k = 0; k < chosen.length; k++) chosen[k] = topics.draw(random);
    return chosen;
  }

  /** MovieLens 1M's share of each star: 6%, 11%, 26%, 35%, 22%. */
  private static final double[] STARS = cumulative(new double[] {0.06, 0.11, 0.26, 0.35, 0.22});

  private static int stars(SplittableRandom random) {
    return 1 + pick(STARS, random.nextDouble());
  }

  private static double[] cumulative(double[] weights) {
    double[] c = new double[weights.length];
    double sum = 0;
    for (double w : weights) sum += w;
    double run = 0;
    for (int i = 0; i < weights.length; i++) c[i] = (run += weights[i]) / sum;
    c[c.length - 1] = 1;
    return c;
  }

  /** The first index whose cumulative share exceeds {@code u}. */
  private static int pick(double[] cumulative, double u) {
    int at = Arrays.binarySearch(cumulative, u);
    return Math.min(cumulative.length - 1, at < 0 ? -at - 1 : at + 1);
  }

  private static int[] permutation(int n, SplittableRandom random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) p[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = 1 - random.nextDouble(), u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Draws one of some indices with probability proportional to their weight (binary search on the running sum). */
  private record Sampler(int[] indices, double[] cumulative) {
    static Sampler of(int[] indices, double[] weight) {
      double[] c = new double[indices.length];
      double run = 0;
      for (int k = 0; k < indices.length; k++) c[k] = run += weight[indices[k]];
      return new Sampler(indices, c);
    }

    double total() {
      return cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
    }

    /** A draw from all but the first {@code skip} indices. */
    int drawAfter(int skip, SplittableRandom random) {
      double from = skip <= 0 ? 0 : cumulative[Math.min(skip, cumulative.length) - 1];
      return at(from + random.nextDouble() * (total() - from));
    }

    int draw(SplittableRandom random) {
      return at(random.nextDouble() * total());
    }

    private int at(double u) {
      int at = Arrays.binarySearch(cumulative, u);
      return indices[Math.min(indices.length - 1, at < 0 ? -at - 1 : at + 1)];
    }
  }
}
