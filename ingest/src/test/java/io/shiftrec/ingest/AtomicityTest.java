package io.shiftrec.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.User;
import io.shiftrec.store.SqliteStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A failure in the middle of an import leaves the store exactly as the last committed import left it. */
class AtomicityTest {
  private static final int EVENTS = 3 * StoreWriter.BATCH_SIZE - 10; // three insertEvents batches

  @TempDir Path tmp;
  private SqliteStore store;
  private StoreSnapshot committed;

  @BeforeEach
  void commitAFirstImport() throws IOException {
    store = SqliteStore.open(tmp.resolve("store.db"));
    Path first = Files.createDirectories(tmp.resolve("first"));
    Files.writeString(first.resolve("items.jsonl"), GenericReaderTest.ITEMS_JSONL);
    Files.writeString(first.resolve("users.jsonl"), GenericReaderTest.USERS_JSONL);
    Files.writeString(first.resolve("events.jsonl"), GenericReaderTest.EVENTS_JSONL);
    Importer.run(store, ImportFormat.GENERIC, first, ErrorPolicy.REJECT, Progress.NONE);
    committed = StoreSnapshot.of(store);
    assertEquals(5, committed.counts().events());
  }

  @AfterEach
  void close() {
    store.close();
  }

  @ParameterizedTest(name = "failing on insertEvents batch {0}")
  @ValueSource(ints = {1, 2, 3})
  void aFailingBatchRollsEverythingBack(int failingBatch) throws IOException {
    Path big = largeFolder();
    Store failing = new FailingStore(store, failingBatch);
    RuntimeException e = assertThrows(RuntimeException.class,
        () -> Importer.run(failing, ImportFormat.GENERIC, big, ErrorPolicy.REJECT, Progress.NONE));
    assertEquals("injected failure in insertEvents batch " + failingBatch, e.getMessage());
    assertEquals(committed, StoreSnapshot.of(store));

    // The failed transaction was closed: the store takes the same import afterwards.
    ImportReport report = Importer.run(store, ImportFormat.GENERIC, big, ErrorPolicy.REJECT, Progress.NONE);
    assertEquals(EVENTS, report.events().stored());
    assertEquals(committed.counts().events() + EVENTS, store.counts().events());
  }

  @Test
  void anUnreadableFileRollsEverythingBack() throws IOException {
    Path big = largeFolder();
    byte[] gz = gzip(Files.readAllBytes(big.resolve("events.jsonl")));
    Files.delete(big.resolve("events.jsonl"));
    Files.write(big.resolve("events.jsonl.gz"), Arrays.copyOf(gz, gz.length * 3 / 4)); // cut off mid-stream
    IOException e = assertThrows(IOException.class,
        () -> Importer.run(store, ImportFormat.GENERIC, big, ErrorPolicy.SKIP, Progress.NONE));
    assertTrue(e.getMessage().contains("end of ZLIB input stream"), e.getMessage());
    assertEquals(committed, StoreSnapshot.of(store));
  }

  /** 50 new items and enough events (new users, fresh clocks) for three batches. */
  private Path largeFolder() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("big"));
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      items.append("{\"id\": \"x").append(i).append("\", \"domain\": \"books\", \"title\": \"Book ").append(i).append("\"}\n");
    }
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < EVENTS; i++) {
      events.append("{\"user\": \"big").append(i % 700).append("\", \"item\": \"x").append(i % 50)
          .append("\", \"type\": \"view\", \"timestamp\": ").append(1_600_000_000 + i).append("}\n");
    }
    Files.writeString(dir.resolve("items.jsonl"), items);
    Files.writeString(dir.resolve("events.jsonl"), events);
    return dir;
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    var out = new java.io.ByteArrayOutputStream();
    try (var gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }

  /** Delegates to a real store; its transactions throw on the n-th insertEvents call. */
  private static final class FailingStore implements Store {
    private final Store delegate;
    private final int failingBatch;

    FailingStore(Store delegate, int failingBatch) {
      this.delegate = delegate;
      this.failingBatch = failingBatch;
    }

    @Override
    public Transaction begin() {
      Transaction tx = delegate.begin();
      return new Transaction() {
        private int batches;

        @Override public void upsertItems(List<Item> items) { tx.upsertItems(items); }
        @Override public void upsertStoredItems(List<StoredItem> items) { tx.upsertStoredItems(items); }
        @Override public void upsertUsers(List<User> users) { tx.upsertUsers(users); }

        @Override
        public int insertEvents(List<Event> events) {
          if (++batches == failingBatch) {
            throw new IllegalStateException("injected failure in insertEvents batch " + failingBatch);
          }
          return tx.insertEvents(events);
        }

        @Override public boolean deleteUser(String id) { return tx.deleteUser(id); }
        @Override public boolean deleteItem(String id) { return tx.deleteItem(id); }
        @Override public boolean setHidden(String id, boolean hidden) { return tx.setHidden(id, hidden); }
        @Override public void deleteEmbeddings(String model, java.util.Collection<String> hashes) {
          tx.deleteEmbeddings(model, hashes);
        }
        @Override public void commit() { tx.commit(); }
        @Override public void close() { tx.close(); }
      };
    }

    @Override public Optional<Item> item(String id) { return delegate.item(id); }
    @Override public List<Item> items() { return delegate.items(); }
    @Override public Optional<StoredItem> storedItem(String id) { return delegate.storedItem(id); }
    @Override public List<StoredItem> itemPage(ItemPage page) { return delegate.itemPage(page); }
    @Override public java.util.Set<String> hiddenItems() { return delegate.hiddenItems(); }
    @Override public Map<String, long[]> itemTimes() { return delegate.itemTimes(); }
    @Override public List<String> newestItems(int limit) { return delegate.newestItems(limit); }
    @Override public Map<String, Long> eventCountsByItem() { return delegate.eventCountsByItem(); }
    @Override public Optional<User> user(String id) { return delegate.user(id); }
    @Override public List<User> userPage(String after, int limit) { return delegate.userPage(after, limit); }
    @Override public List<User> users() { return delegate.users(); }
    @Override public List<Event> eventsOf(String user) { return delegate.eventsOf(user); }
    @Override public void forEachEvent(Consumer<Event> consumer) { delegate.forEachEvent(consumer); }
    @Override public Counts counts() { return delegate.counts(); }
    @Override public Optional<Artifact> artifactBefore(String name, long version) {
      return delegate.artifactBefore(name, version);
    }
    @Override public Optional<Artifact> artifact(String name, long version) {
      return delegate.artifact(name, version);
    }
    @Override public List<ArtifactInfo> artifactVersions(String name) { return delegate.artifactVersions(name); }
    @Override public Optional<Long> activeVersion(String name) { return delegate.activeVersion(name); }
    @Override public void activate(String name, long version) { delegate.activate(name, version); }
    @Override public Watermark watermark() { return delegate.watermark(); }
    @Override public List<String> itemsChangedAfter(long change) { return delegate.itemsChangedAfter(change); }
    @Override public java.util.Set<String> usersWithEventsAfter(long seq) { return delegate.usersWithEventsAfter(seq); }
    @Override public long eventCount(String user) { return delegate.eventCount(user); }
    @Override public Takers usersOf(String item, int limit) { return delegate.usersOf(item, limit); }
    @Override public List<ImplausibleRow> implausibleRows(boolean setAside) {
      return delegate.implausibleRows(setAside);
    }
    @Override public Map<String, float[]> embeddings(String model, Collection<String> hashes) {
      return delegate.embeddings(model, hashes);
    }
    @Override public void putEmbeddings(String model, Map<String, float[]> byTextHash) {
      delegate.putEmbeddings(model, byTextHash);
    }
    @Override public long putArtifact(String name, Map<String, Object> metadata, byte[] data) {
      return delegate.putArtifact(name, metadata, data);
    }
    @Override public Optional<Artifact> latestArtifact(String name) { return delegate.latestArtifact(name); }
    @Override public void forEachEmbedding(Consumer<Embedding> consumer) { delegate.forEachEmbedding(consumer); }
    @Override public void putArtifactVersion(Artifact artifact) { delegate.putArtifactVersion(artifact); }
    @Override public List<String> artifactNames() { return delegate.artifactNames(); }
    @Override public List<ApiKey> apiKeys() { return delegate.apiKeys(); }
    @Override public void putApiKey(ApiKey key) { delegate.putApiKey(key); }
    @Override public boolean deleteApiKey(String id) { return delegate.deleteApiKey(id); }
    @Override public void close() { delegate.close(); }
  }
}
