package io.shiftrec.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.Plausible;
import io.shiftrec.core.Store;
import io.shiftrec.core.StoreException;
import io.shiftrec.core.User;
import io.shiftrec.core.Vectors;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the SQL stores share: the tables and columns (the same in SQLite and PostgreSQL), every statement, the event
 * fingerprint, the JSON columns and the rules for implausible rows. A store says how it hands out connections: one
 * writer at a time ({@link #acquireWriter()}), readers that see only committed data ({@link #read}).
 *
 * <p>The statements keep to SQL both databases take: upserts as {@code ON CONFLICT … DO UPDATE/NOTHING},
 * {@code RETURNING}, {@code TRUE}/{@code FALSE}, and the column {@code "user"} always quoted (in PostgreSQL an
 * unquoted {@code user} is the session's user name).
 */
public abstract class JdbcStore implements Store {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<List<String>> LIST = new TypeReference<>() {};
  private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);
  /** Text hashes asked for in one statement. */
  private static final int HASHES_PER_QUERY = 500;

  /** The store's location as logs may show it (no password). */
  private final String name;
  /** Whether an implausible stored event was met and logged, so the log says it once per store. */
  private volatile boolean implausibleRowSeen;

  protected JdbcStore(String name) {
    this.name = name;
  }

  /** The store's location as logs may show it. */
  protected final String name() {
    return name;
  }

  // ---------------------------------------------------------------- what each store says

  /** A statement run on a connection. */
  protected interface Query<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * The write connection, in a transaction, once no other writer holds it (in this process or, for a server,
   * any other). Every write goes through it, so event sequence numbers and item change numbers are taken in commit
   * order and the watermark never passes a write still to commit.
   */
  protected abstract Connection acquireWriter() throws SQLException;

  /** Gives the write connection back after its transaction committed or rolled back. */
  protected abstract void releaseWriter(Connection c);

  /** Runs {@code q} on a connection that sees only committed data. */
  protected abstract <T> T read(String what, Query<T> q);

  /** As {@link #read}, for a query that walks a whole table: its rows arrive a batch at a time. */
  protected <T> T readAll(String what, Query<T> q) {
    return read(what, q);
  }

  /** Whether the failure is for want of disk space. */
  protected abstract boolean outOfSpace(SQLException e);

  /** The condition that keeps the items that carry category {@code ?} (its JSON list is {@code items.categories}). */
  protected abstract String hasCategory();

  /**
   * Refuses text this store cannot keep: PostgreSQL keeps no NUL character (U+0000) in text, where SQLite keeps
   * any. Nothing is written then: the transaction stays as it was.
   */
  protected void checkText(String kind, String id, String field, String value) {}

  /** {@link #checkText} for each pair of {@code fieldsAndValues}: a field's name, then its text. */
  private void checkTexts(String kind, String id, String... fieldsAndValues) {
    for (int i = 0; i < fieldsAndValues.length; i += 2) checkText(kind, id, fieldsAndValues[i], fieldsAndValues[i + 1]);
  }

  // ---------------------------------------------------------------- writes

  @Override
  public Transaction begin() {
    try {
      return new JdbcTransaction(acquireWriter());
    } catch (SQLException e) {
      throw failure("cannot start a write: " + describe(e), e);
    }
  }

  /** Runs {@code w} on the write connection in a transaction of its own and commits; rolls back on failure. */
  protected <T> T write(String what, Query<T> w) {
    Connection c;
    try {
      c = acquireWriter();
    } catch (SQLException e) {
      throw failure("cannot " + what + ": " + describe(e), e);
    }
    try {
      T result = w.run(c);
      c.commit();
      return result;
    } catch (SQLException e) {
      rollbackQuietly(c);
      throw failure("cannot " + what + ": " + describe(e), e);
    } catch (RuntimeException e) {
      rollbackQuietly(c);
      throw e;
    } finally {
      releaseWriter(c);
    }
  }

  private final class JdbcTransaction implements Transaction {
    private final Connection writer;
    private final Set<String> knownUsers = new HashSet<>();
    private boolean open = true;
    /** This transaction's item change number, taken at its first item write; 0 before. */
    private long itemChange;

    JdbcTransaction(Connection writer) {
      this.writer = writer;
    }

    @Override
    public void upsertItems(List<Item> items) {
      long now = System.currentTimeMillis();
      upsert(items.stream().map(it -> new StoredItem(it, false, now, now)).toList(), false);
    }

    @Override
    public void upsertStoredItems(List<StoredItem> items) {
      upsert(items, true);
    }

    /**
     * Writes the items, then their state: for a new item the times given; for one stored already only its change
     * time, unless {@code asGiven} (a copy), which keeps every field given.
     */
    private void upsert(List<StoredItem> stored, boolean asGiven) {
      checkOpen();
      List<Item> items = stored.stream().map(StoredItem::item).toList();
      for (Item it : items) {
        checkTexts("item", it.id(), "id", it.id(), "domain", it.domain(), "title", it.title(), "text", it.text(),
            "language", it.language());
        for (String category : it.categories()) checkText("item", it.id(), "categories", category);
      }
      try (PreparedStatement ps = writer.prepareStatement("INSERT INTO items VALUES(?,?,?,?,?,?,?) ON CONFLICT(id)"
          + " DO UPDATE SET domain=excluded.domain, title=excluded.title, text=excluded.text,"
          + " categories=excluded.categories, language=excluded.language, attributes=excluded.attributes")) {
        for (Item it : items) {
          ps.setString(1, it.id());
          ps.setString(2, it.domain());
          ps.setString(3, it.title());
          ps.setString(4, it.text());
          ps.setString(5, json(it.categories()));
          ps.setString(6, it.language());
          ps.setString(7, json(it.attributes()));
          ps.addBatch();
        }
        ps.executeBatch();
        try (PreparedStatement state = writer.prepareStatement("INSERT INTO item_state VALUES(?, ?, ?, ?)"
            + " ON CONFLICT(item) DO UPDATE SET " + (asGiven ? "hidden = excluded.hidden,"
            + " created_at = excluded.created_at, " : "") + "updated_at = excluded.updated_at")) {
          boolean any = false;
          for (StoredItem it : stored) {
            // an item of an older store, with no state of its own, stays without
            if (asGiven && !it.hidden() && it.createdAtMillis() == 0 && it.updatedAtMillis() == 0) continue;
            state.setString(1, it.item().id());
            state.setBoolean(2, it.hidden());
            state.setLong(3, it.createdAtMillis());
            state.setLong(4, it.updatedAtMillis());
            state.addBatch();
            any = true;
          }
          if (any) state.executeBatch();
        }
        recordItemChanges(items.stream().map(Item::id).toList());
      } catch (SQLException e) {
        throw failure("cannot store items: " + describe(e), e);
      }
    }

    @Override
    public boolean deleteItem(String id) {
      checkOpen();
      try (PreparedStatement events = writer.prepareStatement("DELETE FROM events WHERE item = ?");
           PreparedStatement item = writer.prepareStatement("DELETE FROM items WHERE id = ?")) {
        events.setString(1, id);
        events.executeUpdate();
        item.setString(1, id);
        if (item.executeUpdate() == 0) return false;
        recordItemChanges(List.of(id));
        return true;
      } catch (SQLException e) {
        throw failure("cannot delete item " + id + ": " + describe(e), e);
      }
    }

    @Override
    public boolean setHidden(String id, boolean hidden) {
      checkOpen();
      long now = System.currentTimeMillis();
      try (PreparedStatement ps = writer.prepareStatement("INSERT INTO item_state SELECT id, ?, ?, ? FROM items"
          + " WHERE id = ? ON CONFLICT(item) DO UPDATE SET hidden = excluded.hidden, updated_at = excluded.updated_at")) {
        ps.setBoolean(1, hidden);
        ps.setLong(2, now);
        ps.setLong(3, now);
        ps.setString(4, id);
        if (ps.executeUpdate() == 0) return false;
        recordItemChanges(List.of(id));
        return true;
      } catch (SQLException e) {
        throw failure("cannot " + (hidden ? "hide" : "show") + " item " + id + ": " + describe(e), e);
      }
    }

    /** Marks the items changed by this transaction, under one change number, for the processes that follow it. */
    private void recordItemChanges(List<String> ids) throws SQLException {
      if (itemChange == 0) {
        try (Statement s = writer.createStatement(); ResultSet rs = s.executeQuery("UPDATE meta SET value ="
            + " CAST(value AS BIGINT) + 1 WHERE key = 'item_change' RETURNING value")) {
          rs.next();
          itemChange = rs.getLong(1);
        }
      }
      try (PreparedStatement ps = writer.prepareStatement("INSERT INTO item_changes VALUES(?, ?) ON CONFLICT(item)"
          + " DO UPDATE SET change = excluded.change")) {
        for (String id : ids) {
          ps.setString(1, id);
          ps.setLong(2, itemChange);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }

    @Override
    public void upsertUsers(List<User> users) {
      checkOpen();
      for (User u : users) {
        checkTexts("user", u.id(), "id", u.id(), "split", u.split());
      }
      try (PreparedStatement ps = writer.prepareStatement("INSERT INTO users VALUES(?,?,?) ON CONFLICT(id)"
          + " DO UPDATE SET split=excluded.split, attributes=excluded.attributes")) {
        for (User u : users) {
          ps.setString(1, u.id());
          ps.setString(2, u.split());
          ps.setString(3, json(u.attributes()));
          ps.addBatch();
          knownUsers.add(u.id());
        }
        ps.executeBatch();
      } catch (SQLException e) {
        throw failure("cannot store users: " + describe(e), e);
      }
    }

    @Override
    public int insertEvents(List<Event> events) {
      checkOpen();
      for (Event e : events) {
        checkTexts("event of user", e.user(), "user", e.user(), "item", e.item(), "domain", e.domain(), "text",
            e.text());
      }
      int inserted = 0;
      try (PreparedStatement addUser = writer.prepareStatement(
               "INSERT INTO users VALUES(?, NULL, '{}') ON CONFLICT DO NOTHING");
           PreparedStatement ps = writer.prepareStatement(
               "INSERT INTO events(\"user\",item,type,value,ts,position,domain,text,context,fingerprint)"
                   + " VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING")) {
        // An event implies its user; unknown items stay an error (the foreign key names them).
        boolean newUsers = false;
        for (Event e : events) {
          if (knownUsers.add(e.user())) {
            addUser.setString(1, e.user());
            addUser.addBatch();
            newUsers = true;
          }
        }
        if (newUsers) addUser.executeBatch();
        for (Event e : events) {
          String context = json(e.context());
          ps.setString(1, e.user());
          ps.setString(2, e.item());
          ps.setString(3, e.type().wireName());
          if (e.hasValue()) ps.setDouble(4, e.value()); else ps.setNull(4, Types.DOUBLE);
          setLong(ps, 5, e.timestamp());
          setLong(ps, 6, e.position());
          ps.setString(7, e.domain());
          ps.setString(8, e.text());
          ps.setString(9, context);
          ps.setBytes(10, fingerprint(e, context));
          ps.addBatch();
        }
        for (int n : ps.executeBatch()) inserted += Math.max(n, 0);
        return inserted;
      } catch (SQLException e) {
        throw failure("cannot store events: " + describe(e), e);
      }
    }

    @Override
    public boolean deleteUser(String id) {
      checkOpen();
      knownUsers.remove(id);
      // Events go with the user row (ON DELETE CASCADE).
      try (PreparedStatement ps = writer.prepareStatement("DELETE FROM users WHERE id = ?")) {
        ps.setString(1, id);
        if (ps.executeUpdate() == 0) return false;
        try (Statement counted = writer.createStatement()) { // other processes drop what they keep of the user
          counted.executeUpdate("INSERT INTO meta(key, value) VALUES('user_deletions', 1) ON CONFLICT(key)"
              + " DO UPDATE SET value = CAST(meta.value AS BIGINT) + 1");
        }
        return true;
      } catch (SQLException e) {
        throw failure("cannot delete user " + id + ": " + describe(e), e);
      }
    }

    @Override
    public void deleteEmbeddings(String model, Collection<String> textHashes) {
      checkOpen();
      try (PreparedStatement ps = writer.prepareStatement("DELETE FROM embeddings WHERE model = ? AND text_hash = ?")) {
        for (String hash : textHashes) {
          ps.setString(1, model);
          ps.setString(2, hash);
          ps.addBatch();
        }
        ps.executeBatch();
      } catch (SQLException e) {
        throw failure("cannot delete embeddings: " + describe(e), e);
      }
    }

    @Override
    public void commit() {
      checkOpen();
      try {
        writer.commit();
      } catch (SQLException e) {
        throw failure("commit failed: " + describe(e), e);
      } finally {
        release();
      }
    }

    @Override
    public void close() {
      if (!open) return;
      try {
        writer.rollback();
      } catch (SQLException e) {
        throw new StoreException("rollback failed: " + describe(e), e);
      } finally {
        release();
      }
    }

    private void release() {
      open = false;
      releaseWriter(writer);
    }

    private void checkOpen() {
      if (!open) throw new IllegalStateException("transaction already committed or rolled back");
    }
  }

  /** A failed write, marked out of space when the database found its disk full. */
  private StoreException failure(String message, SQLException e) {
    return new StoreException(message, e, outOfSpace(e));
  }

  /** The database's own words for a failure: for a failed batch, those of the statement that failed. */
  private static String describe(SQLException e) {
    SQLException cause = e instanceof BatchUpdateException && e.getNextException() != null ? e.getNextException() : e;
    String m = String.valueOf(cause.getMessage());
    boolean foreignKey = m.contains("FOREIGN KEY") || "23503".equals(cause.getSQLState());
    return foreignKey ? "an event refers to an item that is not in the store (" + m + ")" : m;
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the original failure is the one worth reporting
    }
  }

  private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) ps.setNull(i, Types.BIGINT); else ps.setLong(i, v);
  }

  /** Identity of an event for idempotent re-import: every field but arrival order. */
  private static byte[] fingerprint(Event e, String context) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      String key = e.user() + '\u0001' + e.item() + '\u0001' + e.type().wireName() + '\u0001'
          + (e.hasValue() ? Double.toString(e.value()) : "") + '\u0001' + e.timestamp() + '\u0001' + e.position()
          + '\u0001' + e.domain() + '\u0001' + e.text() + '\u0001' + context;
      byte[] full = md.digest(key.getBytes(StandardCharsets.UTF_8));
      byte[] half = new byte[16];
      System.arraycopy(full, 0, half, 0, 16);
      return half;
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
  }

  @Override
  public void putEmbeddings(String model, Map<String, float[]> byTextHash) {
    write("store embeddings", c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO embeddings VALUES(?,?,?)"
          + " ON CONFLICT(model, text_hash) DO UPDATE SET vector = excluded.vector")) {
        for (Map.Entry<String, float[]> en : byTextHash.entrySet()) {
          ps.setString(1, model);
          ps.setString(2, en.getKey());
          ps.setBytes(3, Vectors.toBytes(en.getValue()));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  @Override
  public long putArtifact(String name, Map<String, Object> metadata, byte[] data) {
    return write("store artefact " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO artifacts VALUES(?,"
          + " (SELECT coalesce(max(version), 0) + 1 FROM artifacts WHERE name = ?), ?, ?, ?) RETURNING version")) {
        ps.setString(1, name);
        ps.setString(2, name);
        ps.setLong(3, System.currentTimeMillis());
        ps.setString(4, json(metadata));
        ps.setBytes(5, data);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  @Override
  public void putArtifactVersion(Artifact a) {
    write("store artefact " + a.name() + " v" + a.version(), c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO artifacts VALUES(?, ?, ?, ?, ?)")) {
        ps.setString(1, a.name());
        ps.setLong(2, a.version());
        ps.setLong(3, a.createdAtMillis());
        ps.setString(4, json(a.metadata()));
        ps.setBytes(5, a.data());
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public List<String> artifactNames() {
    return read("artefact names", c -> rows(c, "SELECT DISTINCT name FROM artifacts ORDER BY name", TEXT));
  }

  @Override
  public void forEachEmbedding(Consumer<Embedding> consumer) {
    readAll("embeddings", c -> {
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT model, text_hash, vector FROM embeddings ORDER BY model, text_hash")) {
        while (rs.next()) {
          consumer.accept(new Embedding(rs.getString(1), rs.getString(2), Vectors.fromBytes(rs.getBytes(3))));
        }
      }
      return null;
    });
  }

  @Override
  public void putApiKey(ApiKey key) {
    checkTexts("API key", key.id(), "id", key.id(), "label", key.label());
    write("store API key " + key.id(), c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys VALUES(?, ?, ?, ?, ?)")) {
        ps.setString(1, key.id());
        ps.setBytes(2, key.sha256());
        ps.setString(3, key.scope());
        ps.setString(4, key.label());
        ps.setLong(5, key.createdAtMillis());
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public boolean deleteApiKey(String id) {
    return write("delete API key " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_keys WHERE id = ?")) {
        ps.setString(1, id);
        return ps.executeUpdate() > 0;
      }
    });
  }

  @Override
  public List<ApiKey> apiKeys() {
    return read("API keys", c -> rows(c, "SELECT id, sha256, scope, label, created_at FROM api_keys"
        + " ORDER BY created_at, id", rs -> new ApiKey(rs.getString(1), rs.getBytes(2), rs.getString(3),
        rs.getString(4), rs.getLong(5))));
  }

  @Override
  public void activate(String name, long version) {
    write("activate " + name + " v" + version, c -> {
      try (PreparedStatement check = c.prepareStatement("SELECT 1 FROM artifacts WHERE name = ? AND version = ?")) {
        check.setString(1, name);
        check.setLong(2, version);
        try (ResultSet rs = check.executeQuery()) {
          if (!rs.next()) throw new IllegalArgumentException("no version " + version + " of " + name + " is stored");
        }
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO active_artifacts VALUES(?, ?)"
          + " ON CONFLICT(name) DO UPDATE SET version = excluded.version")) {
        ps.setString(1, name);
        ps.setLong(2, version);
        return ps.executeUpdate();
      }
    });
  }

  // ---------------------------------------------------------------- reads

  @Override
  public Optional<Item> item(String id) {
    return read("item " + id, c -> first(c, "SELECT * FROM items WHERE id = ?", JdbcStore::item, id));
  }

  @Override
  public List<Item> items() {
    return readAll("items", c -> rows(c, "SELECT * FROM items ORDER BY id", JdbcStore::item));
  }

  private static final String STORED_ITEM = "SELECT items.*, coalesce(s.hidden, FALSE) AS hidden,"
      + " coalesce(s.created_at, 0) AS created_at, coalesce(s.updated_at, 0) AS updated_at"
      + " FROM items LEFT JOIN item_state s ON s.item = items.id";

  @Override
  public Optional<StoredItem> storedItem(String id) {
    return read("item " + id, c -> first(c, STORED_ITEM + " WHERE id = ?", JdbcStore::storedItem, id));
  }

  @Override
  public List<StoredItem> itemPage(ItemPage page) {
    StringBuilder sql = new StringBuilder(STORED_ITEM).append(" WHERE id > ?");
    List<Object> params = new ArrayList<>(List.of(page.after() == null ? "" : page.after()));
    if (page.domain() != null) {
      sql.append(" AND domain = ?");
      params.add(page.domain());
    }
    if (page.category() != null) {
      sql.append(" AND ").append(hasCategory());
      params.add(page.category());
    }
    if (page.updatedSinceMillis() > 0) {
      sql.append(" AND s.updated_at >= ?");
      params.add(page.updatedSinceMillis());
    }
    sql.append(" ORDER BY id LIMIT ?");
    params.add(page.limit());
    return read("items", c -> rows(c, sql.toString(), JdbcStore::storedItem, params.toArray()));
  }

  private static StoredItem storedItem(ResultSet rs) throws SQLException {
    return new StoredItem(item(rs), rs.getBoolean("hidden"), rs.getLong("created_at"), rs.getLong("updated_at"));
  }

  @Override
  public Map<String, long[]> itemTimes() {
    return readAll("item times", c -> {
      Map<String, long[]> out = new HashMap<>();
      try (Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT item, created_at, updated_at FROM item_state")) {
          while (rs.next()) out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
        }
      }
      return out;
    });
  }

  @Override
  public Set<String> hiddenItems() {
    return read("hidden items", c -> new HashSet<>(rows(c, "SELECT item FROM item_state WHERE hidden", TEXT)));
  }

  @Override
  public List<String> newestItems(int limit) {
    return read("newest items", c -> rows(c, "SELECT item FROM item_state ORDER BY created_at DESC, item LIMIT ?",
        TEXT, limit));
  }

  @Override
  public Map<String, Long> eventCountsByItem() {
    return read("popularity", c -> {
      Map<String, Long> out = new HashMap<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT item, count(*) FROM events WHERE item IS NOT NULL GROUP BY item")) {
        while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
      }
      return out;
    });
  }

  @Override
  public List<User> userPage(String after, int limit) {
    if (limit < 1) throw new IllegalArgumentException("limit must be positive, got " + limit);
    return read("users", c -> rows(c, "SELECT * FROM users WHERE id > ? ORDER BY id LIMIT ?", JdbcStore::user,
        after == null ? "" : after, limit));
  }

  private static Item item(ResultSet rs) throws SQLException {
    return new Item(rs.getString("id"), rs.getString("domain"), rs.getString("title"), rs.getString("text"),
        parse(rs.getString("categories"), LIST), rs.getString("language"), parse(rs.getString("attributes"), MAP));
  }

  @Override
  public Optional<User> user(String id) {
    return read("user " + id, c -> first(c, "SELECT * FROM users WHERE id = ?", JdbcStore::user, id));
  }

  @Override
  public List<User> users() {
    return readAll("users", c -> rows(c, "SELECT * FROM users ORDER BY id", JdbcStore::user));
  }

  private static User user(ResultSet rs) throws SQLException {
    return new User(rs.getString("id"), rs.getString("split"), parse(rs.getString("attributes"), MAP));
  }

  private static final String EVENT_COLUMNS = "\"user\", item, type, value, ts, position, domain, text, context";

  @Override
  public List<Event> eventsOf(String user) {
    List<Event> events = read("events of " + user, c -> rows(c, "SELECT " + EVENT_COLUMNS
        + " FROM events WHERE \"user\" = ? ORDER BY coalesce(ts, position), seq", this::event, user));
    events.removeIf(Objects::isNull);
    return events;
  }

  @Override
  public void forEachEvent(Consumer<Event> consumer) {
    readAll("events", c -> {
      try (Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT " + EVENT_COLUMNS
            + " FROM events ORDER BY \"user\", coalesce(ts, position), seq")) {
          while (rs.next()) {
            Event e = event(rs);
            if (e != null) consumer.accept(e);
          }
        }
      }
      return null;
    });
  }

  /** The row of {@link #EVENT_COLUMNS} as an event, or null when it cannot be read (an unknown type, broken JSON). */
  private static Event readEvent(ResultSet rs) throws SQLException {
    double value = rs.getDouble(4);
    if (rs.wasNull()) value = Double.NaN;
    long ts = rs.getLong(5);
    Long timestamp = rs.wasNull() ? null : ts;
    long pos = rs.getLong(6);
    Long position = rs.wasNull() ? null : pos;
    try {
      return new Event(rs.getString(1), rs.getString(2), EventType.parse(rs.getString(3)), value, timestamp, position,
          rs.getString(7), rs.getString(8), parse(rs.getString(9), MAP));
    } catch (RuntimeException unreadable) {
      return null;
    }
  }

  /** The rule the row read as {@code e} (null: unreadable) breaks, or null. */
  private static String problemOf(Event e, ResultSet rs, long nowSeconds) throws SQLException {
    return e == null ? "unreadable (type '" + rs.getString(3) + "' or a broken context)"
        : Plausible.eventProblem(e, nowSeconds);
  }

  /**
   * The row as an event, or null when it breaks {@link Plausible}'s rules (only an older version wrote such rows):
   * it is skipped, so one bad row never breaks its user, and said once in the log; {@code shiftrec check} lists them.
   */
  private Event event(ResultSet rs) throws SQLException {
    Event e = readEvent(rs);
    String problem = problemOf(e, rs, System.currentTimeMillis() / 1000);
    if (problem == null) return e;
    if (!implausibleRowSeen) {
      implausibleRowSeen = true;
      LOG.warn("{} holds events that break the rules for stored values ({}); they are skipped (run 'shiftrec check' "
          + "to list them, with --repair to set them aside)", name, problem);
    }
    return null;
  }

  @Override
  public List<ImplausibleRow> implausibleRows(boolean setAside) {
    if (!setAside) return readAll("implausible rows", JdbcStore::findImplausible);
    return write("set implausible rows aside", c -> {
      List<ImplausibleRow> found = findImplausible(c);
      try (Statement s = c.createStatement()) {
        // Same columns, none of the constraints; the rule broken beside each row.
        s.execute("CREATE TABLE IF NOT EXISTS quarantined_events AS SELECT *, '' AS problem FROM events WHERE FALSE");
        s.execute("CREATE TABLE IF NOT EXISTS quarantined_users AS SELECT *, '' AS problem FROM users WHERE FALSE");
        s.execute("CREATE TABLE IF NOT EXISTS quarantined_items AS SELECT *, '' AS problem FROM items WHERE FALSE");
      }
      // Events first: those of an implausible user or item break the id rule too, so nothing refers to what goes.
      for (String table : List.of("events", "users", "items")) {
        boolean events = table.equals("events");
        String key = events ? "seq" : "id";
        try (PreparedStatement copy = c.prepareStatement("INSERT INTO quarantined_" + table + " SELECT *, ? FROM "
            + table + " WHERE " + key + " = ?");
             PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE " + key + " = ?")) {
          for (ImplausibleRow row : found) {
            if (!row.table().equals(table)) continue;
            copy.setString(1, row.problem());
            if (events) copy.setLong(2, Long.parseLong(row.key())); else copy.setString(2, row.key());
            copy.executeUpdate();
            if (events) delete.setLong(1, Long.parseLong(row.key())); else delete.setString(1, row.key());
            delete.executeUpdate();
          }
        }
      }
      return found;
    });
  }

  private static List<ImplausibleRow> findImplausible(Connection c) throws SQLException {
    List<ImplausibleRow> found = new ArrayList<>();
    long now = System.currentTimeMillis() / 1000;
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT " + EVENT_COLUMNS + ", seq FROM events ORDER BY seq")) {
        while (rs.next()) {
          String problem = problemOf(readEvent(rs), rs, now);
          if (problem != null) found.add(new ImplausibleRow("events", rs.getString(10), problem));
        }
      }
      for (String table : List.of("users", "items")) {
        try (ResultSet rs = s.executeQuery("SELECT id FROM " + table + " ORDER BY id")) {
          while (rs.next()) {
            String problem = Plausible.idProblem(rs.getString(1));
            if (problem != null) found.add(new ImplausibleRow(table, rs.getString(1), "field 'id': " + problem));
          }
        }
      }
    }
    return found;
  }

  @Override
  public Counts counts() {
    return read("counts", c -> first(c, "SELECT (SELECT count(*) FROM items), (SELECT count(*) FROM users),"
        + " (SELECT count(*) FROM events), (SELECT count(*) FROM embeddings)",
        rs -> new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4))).orElseThrow());
  }

  @Override
  public Map<String, float[]> embeddings(String model, Collection<String> textHashes) {
    List<String> hashes = List.copyOf(textHashes);
    return read("embeddings", c -> {
      Map<String, float[]> out = new HashMap<>();
      // A few hundred hashes a statement: one round trip each, not one a hash, for a server across the network.
      for (int from = 0; from < hashes.size(); from += HASHES_PER_QUERY) {
        List<String> chunk = hashes.subList(from, Math.min(hashes.size(), from + HASHES_PER_QUERY));
        try (PreparedStatement ps = c.prepareStatement("SELECT text_hash, vector FROM embeddings WHERE model = ?"
            + " AND text_hash IN (" + "?,".repeat(chunk.size() - 1) + "?)")) {
          ps.setString(1, model);
          for (int i = 0; i < chunk.size(); i++) ps.setString(i + 2, chunk.get(i));
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.put(rs.getString(1), Vectors.fromBytes(rs.getBytes(2)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public Optional<Artifact> artifactBefore(String name, long version) {
    return read("artefact " + name, c -> first(c, "SELECT version, created_at, metadata, data FROM artifacts"
        + " WHERE name = ? AND version < ? ORDER BY version DESC LIMIT 1", rs -> new Artifact(name, rs.getLong(1),
        rs.getLong(2), parse(rs.getString(3), MAP), rs.getBytes(4)), name, version));
  }

  @Override
  public Optional<Artifact> artifact(String name, long version) {
    return read("artefact " + name + " v" + version, c -> first(c, "SELECT created_at, metadata, data FROM artifacts"
        + " WHERE name = ? AND version = ?", rs -> new Artifact(name, version, rs.getLong(1),
        parse(rs.getString(2), MAP), rs.getBytes(3)), name, version));
  }

  @Override
  public List<ArtifactInfo> artifactVersions(String name) {
    return read("versions of " + name, c -> rows(c, "SELECT version, created_at, metadata FROM artifacts"
        + " WHERE name = ? ORDER BY version", rs -> new ArtifactInfo(name, rs.getLong(1), rs.getLong(2),
        parse(rs.getString(3), MAP)), name));
  }

  @Override
  public Optional<Long> activeVersion(String name) {
    return read("active version of " + name, c -> first(c, "SELECT version FROM active_artifacts WHERE name = ?",
        rs -> rs.getLong(1), name));
  }

  @Override
  public Watermark watermark() {
    return read("watermark", c -> first(c, "SELECT (SELECT coalesce(max(seq), 0) FROM events),"
        + " (SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'item_change'),"
        + " coalesce((SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'user_deletions'), 0)",
        rs -> new Watermark(rs.getLong(1), rs.getLong(2), rs.getLong(3))).orElseThrow());
  }

  @Override
  public List<String> itemsChangedAfter(long change) {
    return read("changed items", c -> rows(c, "SELECT item FROM item_changes WHERE change > ? ORDER BY item", TEXT,
        change));
  }

  @Override
  public Set<String> usersWithEventsAfter(long seq) {
    return read("users with new events", c -> new HashSet<>(rows(c, "SELECT DISTINCT \"user\" FROM events"
        + " WHERE seq > ?", TEXT, seq)));
  }

  @Override
  public Takers usersOf(String item, int limit) {
    return read("users of " + item, c -> {
      List<String> users = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT \"user\" FROM events WHERE item = ?"
          + " ORDER BY \"user\" LIMIT ?")) {
        ps.setString(1, item);
        ps.setInt(2, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) users.add(rs.getString(1));
        }
      }
      long total = first(c, "SELECT count(DISTINCT \"user\") FROM events WHERE item = ?", rs -> rs.getLong(1), item)
          .orElseThrow();
      return new Takers(users, total);
    });
  }

  @Override
  public long eventCount(String user) {
    return read("event count of " + user, c -> first(c, "SELECT count(*) FROM events WHERE \"user\" = ?",
        rs -> rs.getLong(1), user).orElseThrow());
  }

  /** Reads the row a result set stands on. */
  private interface Row<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private static final Row<String> TEXT = rs -> rs.getString(1);

  /** The rows of {@code sql}, its parameters set to {@code params} in order, each read by {@code row}. */
  private static <T> List<T> rows(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(row.read(rs));
      }
      return out;
    }
  }

  /** The first row of {@code sql}, read by {@code row}; empty when there is none. */
  private static <T> Optional<T> first(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
    List<T> found = rows(c, sql, row, params);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new StoreException("value cannot be written as JSON: " + e.getMessage(), e);
    }
  }

  private static <T> T parse(String json, TypeReference<T> type) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new StoreException("stored JSON is unreadable: " + e.getMessage(), e);
    }
  }
}
