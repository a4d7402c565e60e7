package io.shiftrec.interest;

import io.shiftrec.core.Feedback;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.TextVectors;
import io.shiftrec.core.Vectors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One user's interests in every embedding space of a catalogue, kept up to date one event at a time.
 *
 * <p>Items count once: at their first event, with the strongest feedback any of their events gives (a rating followed
 * by five tags on the same film is one like, not six), as in the evaluation's training data. A later event on a known
 * item costs nothing unless it is stronger than the item's first weight; then the profile is replayed from the user's
 * observations (rare: a purchase after a view), so the state always equals a rebuild from the whole history.
 *
 * <p>Behaviour text shapes interests too: a review body, a tag or a search query, embedded by the caller into the
 * catalogue's centred space, is one more observation of weight {@link #TEXT_WEIGHT}: for a text about an item, the
 * direction of the item moved towards the words; for a search, the query itself.
 *
 * <p>Not thread-safe; deterministic.
 */
public final class UserInterests {
  /** Weight of one piece of behaviour text against an item's like (1 for a 4★ rating or a purchase). */
  public static final double TEXT_WEIGHT = 0.3;

  private final Catalog catalog;
  private final InterestConfig config;
  private final Map<String, InterestProfile> profiles = new LinkedHashMap<>();
  /** Per item of the history (catalogue index): the strongest weight seen and the event that gave it. */
  private final Map<Integer, Evidence> evidence = new HashMap<>();
  /** Within {@link #addAll}: observations are recorded, and applied once at its end. */
  private boolean deferApplying;
  /** Everything observed, in order, for replays. */
  private final List<Observation> observations = new ArrayList<>();
  private final BitSet seen;
  /** Every item with an event, at the clock of its earliest event, in arrival order. */
  private int[] historyItems = new int[16];
  private long[] historyClocks = new long[16];
  private int historySize;
  /** The user's id as first taken in; every event kept carries this string. */
  private String userId;
  /** What the user told about themselves (age band, occupation, …): the group a ranker may read their taste from. */
  private Map<String, Object> attributes = Map.of();

  /** The event that speaks most for an item, and its feedback weight. */
  public record Evidence(Event event, double weight) {}

  /**
   * One observation: an item at its first event ({@code text == null}) or a piece of behaviour text.
   * {@code weight} of an item observation is the strongest weight known for it.
   */
  private record Observation(int item, double weight, long clock, String model, float[] text,
                             Map<String, Object> context) {}

  /** @param catalog the catalogue in the space scoring uses ({@link Catalog#centred()}) */
  public UserInterests(Catalog catalog, InterestConfig config) {
    this.catalog = catalog;
    this.config = config;
    this.seen = new BitSet(catalog.size());
  }

  /**
   * Takes a whole history into account, in order: the state {@link #add} would reach event by event, with the
   * observations applied once at the end. Event by event, every stronger later event on a known item (a tag after a
   * rating) replays all observations so far, which costs a user with thousands of tagged ratings seconds.
   */
  public void addAll(List<Event> history, TextVectors texts) {
    deferApplying = true;
    try {
      for (Event e : history) add(e, texts);
    } finally {
      deferApplying = false;
    }
    replay();
  }

  /** Takes one event into account; {@code texts} embeds its text, if it has any. */
  public void add(Event event, TextVectors texts) {
    int item = event.item() == null ? -1 : catalog.indexOf(event.item());
    if (item >= 0) markSeen(item, event.clock());
    if (item >= 0 && catalog.spaceOf(item) != null) addItem(item, event);
    if (event.text() == null || event.text().isBlank()) return;
    TextVectors.Placed text = texts.vectorOf(event.text());
    if (text != null && catalog.spaces().containsKey(text.model())) addText(item, event, text.model(), text.vector());
  }

  /**
   * The event with the catalogue's item id and the user's first id, the same string objects for every event kept:
   * events read from a store carry ids of their own, two strings per event, most of what a long history holds.
   */
  private Event sharingIds(Event event, int item) {
    if (userId == null) userId = event.user();
    String itemId = catalog.item(item).id();
    if (event.item() == itemId && event.user() == userId) return event;
    return new Event(userId, itemId, event.type(), event.value(), event.timestamp(), event.position(), event.domain(),
        event.text(), event.context());
  }

  /** What one event taken in holds, about: the event, its evidence and observation, their map entry and boxes. */
  private static final long BYTES_PER_EVENT = 220;

  /**
   * About how many bytes of memory these interests hold (the events taken in and the interests' vectors), for a
   * cache's memory bound.
   */
  public long estimatedBytes() {
    long bytes = 512 + seen.size() / 8 + historyItems.length * 12L + observations.size() * BYTES_PER_EVENT;
    for (InterestProfile p : profiles.values()) {
      for (Interest interest : p.interests()) bytes += 256 + 16L * interest.centroid().length;
    }
    return bytes;
  }

  private void markSeen(int item, long clock) {
    if (seen.get(item)) {
      for (int h = 0; h < historySize; h++) {
        if (historyItems[h] == item) historyClocks[h] = Math.min(historyClocks[h], clock);
      }
      return;
    }
    seen.set(item);
    if (historySize == historyItems.length) {
      historyItems = Arrays.copyOf(historyItems, historySize * 2);
      historyClocks = Arrays.copyOf(historyClocks, historySize * 2);
    }
    historyItems[historySize] = item;
    historyClocks[historySize++] = clock;
  }

  /**
   * Every item the user has an event on (catalogue indices), once each, ordered by the clock of its earliest event,
   * ties in arrival order: the history as the collaborative models read it.
   */
  public int[] itemsByClock() {
    int[] items = Arrays.copyOf(historyItems, historySize);
    long[] clocks = Arrays.copyOf(historyClocks, historySize);
    // insertion sort: stable, and linear for the usual case of events arriving in clock order
    for (int a = 1; a < items.length; a++) {
      int item = items[a];
      long clock = clocks[a];
      int b = a - 1;
      for (; b >= 0 && clocks[b] > clock; b--) {
        items[b + 1] = items[b];
        clocks[b + 1] = clocks[b];
      }
      items[b + 1] = item;
      clocks[b + 1] = clock;
    }
    return items;
  }

  private void addItem(int item, Event event) {
    double weight = Feedback.weight(event);
    event = sharingIds(event, item);
    Evidence known = evidence.get(item);
    if (known == null) {
      evidence.put(item, new Evidence(event, weight));
      Observation o = new Observation(item, weight, event.clock(), null, null, event.context());
      observations.add(o);
      if (!deferApplying) apply(o);
    } else if (weight > known.weight()) {
      evidence.put(item, new Evidence(event, weight));
      for (int i = 0; i < observations.size(); i++) {
        Observation o = observations.get(i);
        if (o.item() == item && o.text() == null) {
          observations.set(i, new Observation(item, weight, o.clock(), null, null, o.context()));
          break;
        }
      }
      if (!deferApplying) replay();
    }
  }

  private void addText(int item, Event event, String model, float[] text) {
    int dimension = catalog.spaces().get(model).dimension;
    if (text.length != dimension) {
      throw new IllegalArgumentException("text vector has dimension " + text.length + ", space " + model + " has "
          + dimension);
    }
    float[] direction = text.clone();
    if (item >= 0 && catalog.spaceOf(item) != null && catalog.spaceOf(item).model.equals(model)) {
      Vectors.addScaled(direction, catalog.vector(item), 1f);
    }
    if (Vectors.norm(direction) == 0f) return;
    Vectors.normalizeInPlace(direction);
    double sign = Feedback.weight(event) < 0 ? -1 : 1;
    Observation o = new Observation(item, sign * TEXT_WEIGHT, event.clock(), model, direction, event.context());
    observations.add(o);
    if (!deferApplying) apply(o);
  }

  private void apply(Observation o) {
    String model = o.text() != null ? o.model() : catalog.spaceOf(o.item()).model;
    int dimension = catalog.spaces().get(model).dimension;
    float[] vector = o.text() != null ? o.text() : catalog.vector(o.item());
    List<String> categories = o.item() >= 0 && o.text() == null ? catalog.item(o.item()).categories() : null;
    profiles.computeIfAbsent(model, m -> new InterestProfile(config, dimension))
        .observe(vector, o.weight(), o.clock(), o.item(), categories);
  }

  private void replay() {
    profiles.clear();
    for (Observation o : observations) apply(o);
  }

  /**
   * The interests of this user's history in one domain only (items of that domain and the text written about them),
   * beside the cross-domain interests this object holds. Replays the history: O(history), for display and analysis.
   */
  public UserInterests forDomain(String domain) {
    UserInterests only = new UserInterests(catalog, config).withAttributes(attributes);
    for (Observation o : observations) {
      if (o.item() < 0 || !domain.equals(catalog.item(o.item()).domain())) continue;
      only.observations.add(o);
      if (o.text() == null) only.evidence.put(o.item(), evidence.get(o.item()));
    }
    for (int h = 0; h < historySize; h++) {
      if (domain.equals(catalog.item(historyItems[h]).domain())) only.markSeen(historyItems[h], historyClocks[h]);
    }
    only.replay();
    return only;
  }

  /**
   * The interests this user showed in one scenario: built from the observations whose event context holds every
   * given key with the given value (an item counts in the context of its first event), while everything the user
   * has seen stays seen. These interests themselves when the context is empty or the user was never in it.
   * Replays the history: O(history).
   */
  public UserInterests forContext(Map<String, String> context) {
    if (context.isEmpty()) return this;
    UserInterests only = new UserInterests(catalog, config).withAttributes(attributes);
    for (int h = 0; h < historySize; h++) only.markSeen(historyItems[h], historyClocks[h]);
    only.evidence.putAll(evidence);
    for (Observation o : observations) {
      if (matches(o.context(), context)) only.observations.add(o);
    }
    if (only.observations.isEmpty()) return this;
    only.replay();
    return only;
  }

  private static boolean matches(Map<String, Object> eventContext, Map<String, String> wanted) {
    for (Map.Entry<String, String> w : wanted.entrySet()) {
      Object v = eventContext.get(w.getKey());
      if (v == null || !w.getValue().equals(String.valueOf(v))) return false;
    }
    return true;
  }

  /** The user's attributes (empty when none are known). */
  public Map<String, Object> attributes() {
    return attributes;
  }

  /** Takes the user's attributes (null or empty: none); returns this. */
  public UserInterests withAttributes(Map<String, Object> attributes) {
    this.attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    return this;
  }

  /** The interest profile per embedding model; a space appears once the user has an observation in it. */
  public Map<String, InterestProfile> profiles() {
    return Collections.unmodifiableMap(profiles);
  }

  /** The strongest evidence for a history item (catalogue index), or null for an item not in the history. */
  public Evidence evidence(int item) {
    return evidence.get(item);
  }

  /** Whether the user has any event on the item (catalogue index), whatever its weight. */
  public boolean hasSeen(int item) {
    return seen.get(item);
  }

  public Catalog catalog() {
    return catalog;
  }
}
