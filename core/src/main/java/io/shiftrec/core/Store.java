package io.shiftrec.core;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Everything ShiftRec keeps: items, users, events, text embeddings and versioned model artefacts. Writes go through a
 * {@link Transaction} that commits whole or not at all. Implementations are found with {@link Stores#open(String)}.
 */
public interface Store extends AutoCloseable {

  /** Starts a write transaction. Readers see none of it until {@link Transaction#commit()}. */
  Transaction begin();

  Optional<Item> item(String id);

  /** Every item, ordered by id. */
  List<Item> items();

  /** An item with what the service keeps beside it: whether it is hidden, and when it was first and last stored. */
  Optional<StoredItem> storedItem(String id);

  /** One page of items in id order, after the cursor, matching the page's filters. */
  List<StoredItem> itemPage(ItemPage page);

  /** When each item was first stored and last changed (Unix milliseconds), by id; items stored before are absent. */
  Map<String, long[]> itemTimes();

  /** Ids of the items hidden from recommendations (they keep their history). */
  Set<String> hiddenItems();

  /** Ids of the items stored first most recently, newest first, at most {@code limit}. */
  List<String> newestItems(int limit);

  /** How many events name each item: what popularity counts. Items without events are absent. */
  Map<String, Long> eventCountsByItem();

  Optional<User> user(String id);

  /** One page of users in id order after {@code after} (null: from the first). */
  List<User> userPage(String after, int limit);

  /** Every user, ordered by id. */
  List<User> users();

  /** The user's events in clock order (timestamp, else position, then arrival). Empty for an unknown user. */
  List<Event> eventsOf(String user);

  /** Every event, grouped by user (ascending id) and in clock order within a user. */
  void forEachEvent(Consumer<Event> consumer);

  Counts counts();

  /**
   * Stored rows that break {@link Plausible}'s rules, which reads skip: only an older version wrote them. With
   * {@code setAside}, they move in one transaction into quarantine tables beside their own ({@code quarantined_events}
   * and so on, each row with the rule it broke), out of every read, kept for a person to look at.
   */
  List<ImplausibleRow> implausibleRows(boolean setAside);

  /** A stored row that breaks a rule: its table, what finds it there, and the rule. */
  record ImplausibleRow(String table, String key, String problem) {}

  /** Cached embeddings of {@code model} for the given text hashes; hashes never encoded are absent from the map. */
  Map<String, float[]> embeddings(String model, Collection<String> textHashes);

  /**
   * Every cached embedding, ordered by model then text hash, read a batch at a time: what a copy of the whole store
   * walks without holding it all.
   */
  void forEachEmbedding(Consumer<Embedding> consumer);

  /** Stores embeddings keyed by text hash, in a transaction of its own; existing keys are overwritten. */
  void putEmbeddings(String model, Map<String, float[]> byTextHash);

  /** Saves a new version of a named artefact (model weights, factors) and returns its version, starting at 1. */
  long putArtifact(String name, Map<String, Object> metadata, byte[] data);

  /**
   * Keeps one version of a named artefact exactly as given (its version, time, metadata and data), in a transaction
   * of its own: a copy of another store's. StoreException when that version is stored already.
   */
  void putArtifactVersion(Artifact artifact);

  /** The names of the stored artefacts, in order. */
  List<String> artifactNames();

  default Optional<Artifact> latestArtifact(String name) {
    return artifactBefore(name, Long.MAX_VALUE);
  }

  /** The newest version of a named artefact older than {@code version}: where a reader goes when one is unreadable. */
  Optional<Artifact> artifactBefore(String name, long version);

  /** One stored version of a named artefact, with its data. */
  Optional<Artifact> artifact(String name, long version);

  /** Every stored version of a named artefact, oldest first, without their data. */
  List<ArtifactInfo> artifactVersions(String name);

  /**
   * The version of a named artefact marked active by {@link #activate}; empty when none was, and then the newest
   * version serves.
   */
  Optional<Long> activeVersion(String name);

  /**
   * The version that serves: the one marked active, else the newest; 0 when none is stored. The one rule every reader
   * of the registry follows.
   */
  default long servingVersion(String name) {
    Optional<Long> marked = activeVersion(name);
    if (marked.isPresent()) return marked.get();
    List<ArtifactInfo> versions = artifactVersions(name);
    return versions.isEmpty() ? 0 : versions.get(versions.size() - 1).version();
  }

  /** Marks a stored version active (a rollback when it is older); IllegalArgumentException when there is none. */
  void activate(String name, long version);

  /**
   * Where the data stands, cheap to ask: the highest event sequence number and item change number. Both only grow, so
   * a process that shares the store finds what other processes wrote since it last looked.
   */
  Watermark watermark();

  /** Ids of the items stored or changed after item change {@code change} ({@link Watermark#itemChange()}). */
  List<String> itemsChangedAfter(long change);

  /** The users with an event stored after event sequence number {@code seq} ({@link Watermark#eventSeq()}). */
  Set<String> usersWithEventsAfter(long seq);

  /** Users with an event naming the item, in id order, at most {@code limit}, and how many there are in all. */
  Takers usersOf(String item, int limit);

  /** Some of the users who took an item, and how many did. */
  record Takers(List<String> users, long total) {}

  /**
   * Calls {@code listener} soon after any process commits a write to the store, where the store can tell (PostgreSQL:
   * LISTEN/NOTIFY), so a process that follows the store need not wait for its next look; stores that cannot tell
   * (SQLite has no notice across processes) never call it. Closing the handle stops the calls.
   */
  default AutoCloseable onChange(Runnable listener) {
    return () -> { };
  }

  /** How many events the user has. */
  long eventCount(String user);

  /** The API keys kept in the store (never the keys themselves: their SHA-256), oldest first. */
  List<ApiKey> apiKeys();

  /** Keeps a new API key, in a transaction of its own. */
  void putApiKey(ApiKey key);

  /** Forgets an API key. Returns false when the store keeps none of that id. */
  boolean deleteApiKey(String id);

  @Override
  void close();

  /** A write unit. Closing it without {@link #commit()} rolls everything back. */
  interface Transaction extends AutoCloseable {
    /** Inserts items or replaces those with the same id. */
    void upsertItems(List<Item> items);

    /**
     * Inserts items or replaces those with the same id, keeping the hidden state and times given with each: a copy
     * of another store's items. An item with no times and shown (stored before the store kept them) gets none.
     */
    void upsertStoredItems(List<StoredItem> items);

    /** Inserts users or replaces those with the same id. */
    void upsertUsers(List<User> users);

    /**
     * Inserts events. An event identical to one already stored (same user, item, type, value, clock and text) is
     * skipped, so importing the same file twice stores it once. Returns how many were new.
     */
    int insertEvents(List<Event> events);

    /** Removes a user and every event of theirs. Returns false when the store has no such user. */
    boolean deleteUser(String id);

    /**
     * Removes an item and every event that names it, and records the change for the processes that follow the store.
     * Returns false when the store has no such item.
     */
    boolean deleteItem(String id);

    /** Hides an item from recommendations or shows it again. Returns false when the store has no such item. */
    boolean setHidden(String id, boolean hidden);

    /** Removes cached embeddings of {@code model} (a deleted user's review vectors); absent hashes are ignored. */
    void deleteEmbeddings(String model, Collection<String> textHashes);

    void commit();

    @Override
    void close();
  }

  /**
   * An item as stored. Times are Unix milliseconds; 0 for an item stored before the store kept them.
   */
  record StoredItem(Item item, boolean hidden, long createdAtMillis, long updatedAtMillis) {}

  /**
   * Which items a page lists: those after {@code after} in id order (null: from the first), at most {@code limit},
   * and only of {@code domain}, carrying {@code category}, changed at or after {@code updatedSinceMillis} where those
   * are set (null, null, 0: any).
   */
  record ItemPage(String after, int limit, String domain, String category, long updatedSinceMillis) {
    public ItemPage {
      if (limit < 1) throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
  }

  /**
   * An API key as the store keeps it: an id that names it in lists and logs, the SHA-256 of the key, its scope
   * ({@code read}, {@code write} or {@code admin}) and a label saying who holds it.
   */
  record ApiKey(String id, byte[] sha256, String scope, String label, long createdAtMillis) {}

  record Counts(long items, long users, long events, long embeddings) {}

  /** A cached embedding: the vector {@code model} gave the text with hash {@code textHash}. */
  record Embedding(String model, String textHash, float[] vector) {}

  record Artifact(String name, long version, long createdAtMillis, Map<String, Object> metadata, byte[] data) {}

  /** A stored artefact version without its data. */
  record ArtifactInfo(String name, long version, long createdAtMillis, Map<String, Object> metadata) {}

  /** The last event sequence number and the last item change number (0 for none). */
  /**
   * How far the store's writes have gone: the last event's sequence number, the item change counter, and how many
   * users were deleted, so a process that keeps users in memory learns that another one deleted some.
   */
  record Watermark(long eventSeq, long itemChange, long userDeletions) {}
}
