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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The embedded default store: one SQLite file in WAL mode. WAL lets readers run beside the single writer and see only
 * committed transactions; {@code synchronous=FULL} makes a commit durable once it returns.
 */
public final class SqliteStore implements Store {
  private static final int SCHEMA_VERSION = 1;
  private static final int READERS = 4;
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final TypeReference<List<String>> LIST = new TypeReference<>() {};

  private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);

  private final String url;
  /** Whether an implausible stored event was met and logged, so the log says it once per store. */
  private volatile boolean implausibleRowSeen;
  private final Connection writer;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final BlockingQueue<Connection> idleReaders = new ArrayBlockingQueue<>(READERS);
  private final List<Connection> allReaders = new ArrayList<>();

  private SqliteStore(String url) throws SQLException {
    this.url = url;
    this.writer = connect(false);
    try (Statement s = writer.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      createSchema(s);
    }
    writer.setAutoCommit(false);
  }

  /** Opens (creating if needed) the store in {@code file}. */
  public static SqliteStore open(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      return new SqliteStore("jdbc:sqlite:" + file.toAbsolutePath());
    } catch (Exception e) {
      throw new StoreException("cannot open store " + file + ": " + e.getMessage(), e);
    }
  }

  private Connection connect(boolean readOnly) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.enforceForeignKeys(true);
    config.setBusyTimeout(10_000);
    config.setCacheSize(-65_536); // 64 MiB: keeps the event-identity index in memory during large imports
    config.setTempStore(SQLiteConfig.TempStore.MEMORY);
    config.setReadOnly(readOnly);
    return config.createConnection(url);
  }

  private static void createSchema(Statement s) throws SQLException {
    s.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    try (ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'schema_version'")) {
      if (rs.next() && Integer.parseInt(rs.getString(1)) != SCHEMA_VERSION) {
        throw new StoreException("store schema version " + rs.getString(1) + " is not supported (expected "
            + SCHEMA_VERSION + ")", null);
      }
    }
    s.execute("INSERT OR IGNORE INTO meta VALUES('schema_version', '" + SCHEMA_VERSION + "')");
    s.execute("CREATE TABLE IF NOT EXISTS items(id TEXT PRIMARY KEY, domain TEXT NOT NULL, title TEXT NOT NULL,"
        + " text TEXT, categories TEXT NOT NULL, language TEXT, attributes TEXT NOT NULL) WITHOUT ROWID");
    s.execute("CREATE TABLE IF NOT EXISTS users(id TEXT PRIMARY KEY, split TEXT, attributes TEXT NOT NULL)"
        + " WITHOUT ROWID");
    s.execute("CREATE TABLE IF NOT EXISTS events(seq INTEGER PRIMARY KEY,"
        + " user TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, item TEXT REFERENCES items(id),"
        + " type TEXT NOT NULL, value REAL, ts INTEGER, position INTEGER, domain TEXT, text TEXT,"
        + " context TEXT NOT NULL, fingerprint BLOB NOT NULL UNIQUE)");
    s.execute("CREATE INDEX IF NOT EXISTS events_by_user ON events(user, coalesce(ts, position), seq)");
    s.execute("CREATE TABLE IF NOT EXISTS embeddings(model TEXT NOT NULL, text_hash TEXT NOT NULL,"
        + " vector BLOB NOT NULL, PRIMARY KEY(model, text_hash)) WITHOUT ROWID");
    s.execute("CREATE TABLE IF NOT EXISTS artifacts(name TEXT NOT NULL, version INTEGER NOT NULL,"
        + " created_at INTEGER NOT NULL, metadata TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY(name, version))");
    // added with the model registry and change tracking; stores made before simply start with them empty
    s.execute("CREATE TABLE IF NOT EXISTS active_artifacts(name TEXT PRIMARY KEY, version INTEGER NOT NULL)"
        + " WITHOUT ROWID");
    s.execute("CREATE TABLE IF NOT EXISTS item_changes(item TEXT PRIMARY KEY, change INTEGER NOT NULL) WITHOUT ROWID");
    s.execute("CREATE INDEX IF NOT EXISTS item_changes_by_change ON item_changes(change)");
    s.execute("INSERT OR IGNORE INTO meta VALUES('item_change', '0')");
    // added with the item API; items of older stores have no row: shown, times unknown
    s.execute("CREATE TABLE IF NOT EXISTS item_state(item TEXT PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,"
        + " hidden INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID");
    s.execute("CREATE TABLE IF NOT EXISTS api_keys(id TEXT PRIMARY KEY, sha256 BLOB NOT NULL UNIQUE,"
        + " scope TEXT NOT NULL, label TEXT, created_at INTEGER NOT NULL) WITHOUT ROWID");
    // deleting an item deletes the events naming it, and popularity counts them: neither scans every event
    s.execute("CREATE INDEX IF NOT EXISTS events_by_item ON events(item)");
  }

  // ---------------------------------------------------------------- writes

  @Override
  public Transaction begin() {
    writeLock.lock();
    return new SqliteTransaction();
  }

  private final class SqliteTransaction implements Transaction {
    private final Set<String> knownUsers = new HashSet<>();
    private boolean open = true;
    /** This transaction's item change number, taken at its first item write; 0 before. */
    private long itemChange;

    @Override
    public void upsertItems(List<Item> items) {
      checkOpen();
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
        long now = System.currentTimeMillis();
        try (PreparedStatement state = writer.prepareStatement("INSERT INTO item_state VALUES(?, 0, ?, ?)"
            + " ON CONFLICT(item) DO UPDATE SET updated_at = excluded.updated_at")) {
          for (Item it : items) {
            state.setString(1, it.id());
            state.setLong(2, now);
            state.setLong(3, now);
            state.addBatch();
          }
          state.executeBatch();
        }
        recordItemChanges(items.stream().map(Item::id).toList());
      } catch (SQLException e) {
        throw failure("cannot store items: " + e.getMessage(), e);
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
        throw failure("cannot delete item " + id + ": " + e.getMessage(), e);
      }
    }

    @Override
    public boolean setHidden(String id, boolean hidden) {
      checkOpen();
      long now = System.currentTimeMillis();
      try (PreparedStatement ps = writer.prepareStatement("INSERT INTO item_state SELECT id, ?, ?, ? FROM items"
          + " WHERE id = ? ON CONFLICT(item) DO UPDATE SET hidden = excluded.hidden, updated_at = excluded.updated_at")) {
        ps.setInt(1, hidden ? 1 : 0);
        ps.setLong(2, now);
        ps.setLong(3, now);
        ps.setString(4, id);
        if (ps.executeUpdate() == 0) return false;
        recordItemChanges(List.of(id));
        return true;
      } catch (SQLException e) {
        throw failure("cannot " + (hidden ? "hide" : "show") + " item " + id + ": " + e.getMessage(), e);
      }
    }

    /** Marks the items changed by this transaction, under one change number, for the processes that follow it. */
    private void recordItemChanges(List<String> ids) throws SQLException {
      if (itemChange == 0) {
        try (Statement s = writer.createStatement(); ResultSet rs = s.executeQuery("UPDATE meta SET value ="
            + " CAST(value AS INTEGER) + 1 WHERE key = 'item_change' RETURNING value")) {
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
        throw failure("cannot store users: " + e.getMessage(), e);
      }
    }

    @Override
    public int insertEvents(List<Event> events) {
      checkOpen();
      int inserted = 0;
      try (PreparedStatement addUser = writer.prepareStatement("INSERT OR IGNORE INTO users VALUES(?, NULL, '{}')");
           PreparedStatement ps = writer.prepareStatement(
               "INSERT OR IGNORE INTO events(user,item,type,value,ts,position,domain,text,context,fingerprint)"
                   + " VALUES(?,?,?,?,?,?,?,?,?,?)")) {
        // An event implies its user; unknown items stay an error (the foreign key names them).
        for (Event e : events) {
          if (knownUsers.add(e.user())) {
            addUser.setString(1, e.user());
            addUser.addBatch();
          }
        }
        addUser.executeBatch();
        for (Event e : events) {
          String context = json(e.context());
          ps.setString(1, e.user());
          ps.setString(2, e.item());
          ps.setString(3, e.type().wireName());
          if (e.hasValue()) ps.setDouble(4, e.value()); else ps.setNull(4, Types.REAL);
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
        throw failure("cannot store events: " + explain(e), e);
      }
    }

    @Override
    public boolean deleteUser(String id) {
      checkOpen();
      knownUsers.remove(id);
      // Events go with the user row (ON DELETE CASCADE).
      try (PreparedStatement ps = writer.prepareStatement("DELETE FROM users WHERE id = ?")) {
        ps.setString(1, id);
        return ps.executeUpdate() > 0;
      } catch (SQLException e) {
        throw new StoreException("cannot delete user " + id + ": " + e.getMessage(), e);
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
        throw new StoreException("cannot delete embeddings: " + e.getMessage(), e);
      }
    }

    @Override
    public void commit() {
      checkOpen();
      try {
        writer.commit();
      } catch (SQLException e) {
        throw failure("commit failed: " + e.getMessage(), e);
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
        throw new StoreException("rollback failed: " + e.getMessage(), e);
      } finally {
        release();
      }
    }

    private void release() {
      open = false;
      writeLock.unlock();
    }

    private void checkOpen() {
      if (!open) throw new IllegalStateException("transaction already committed or rolled back");
    }
  }

  /** A failed write, marked out of space when SQLite found the disk (or the file's size limit) full. */
  private static StoreException failure(String message, SQLException e) {
    boolean full = (e.getErrorCode() & 0xff) == SQLITE_FULL
        || String.valueOf(e.getMessage()).contains("SQLITE_FULL");
    return new StoreException(message, e, full);
  }

  private static final int SQLITE_FULL = 13;

  private static String explain(SQLException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("FOREIGN KEY") ? "an event refers to an item that is not in the store (" + m + ")" : m;
  }

  private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) ps.setNull(i, Types.INTEGER); else ps.setLong(i, v);
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
    writeLock.lock();
    try (PreparedStatement ps = writer.prepareStatement("INSERT OR REPLACE INTO embeddings VALUES(?,?,?)")) {
      for (Map.Entry<String, float[]> en : byTextHash.entrySet()) {
        ps.setString(1, model);
        ps.setString(2, en.getKey());
        ps.setBytes(3, Vectors.toBytes(en.getValue()));
        ps.addBatch();
      }
      ps.executeBatch();
      writer.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      throw failure("cannot store embeddings: " + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public long putArtifact(String name, Map<String, Object> metadata, byte[] data) {
    writeLock.lock();
    try (PreparedStatement ps = writer.prepareStatement("INSERT INTO artifacts VALUES(?,"
        + " (SELECT coalesce(max(version), 0) + 1 FROM artifacts WHERE name = ?), ?, ?, ?) RETURNING version")) {
      ps.setString(1, name);
      ps.setString(2, name);
      ps.setLong(3, System.currentTimeMillis());
      ps.setString(4, json(metadata));
      ps.setBytes(5, data);
      long version;
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        version = rs.getLong(1);
      }
      writer.commit();
      return version;
    } catch (SQLException e) {
      rollbackQuietly();
      throw failure("cannot store artefact " + name + ": " + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void putApiKey(ApiKey key) {
    writeLock.lock();
    try (PreparedStatement ps = writer.prepareStatement("INSERT INTO api_keys VALUES(?, ?, ?, ?, ?)")) {
      ps.setString(1, key.id());
      ps.setBytes(2, key.sha256());
      ps.setString(3, key.scope());
      ps.setString(4, key.label());
      ps.setLong(5, key.createdAtMillis());
      ps.executeUpdate();
      writer.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      throw failure("cannot store API key " + key.id() + ": " + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public boolean deleteApiKey(String id) {
    writeLock.lock();
    try (PreparedStatement ps = writer.prepareStatement("DELETE FROM api_keys WHERE id = ?")) {
      ps.setString(1, id);
      boolean deleted = ps.executeUpdate() > 0;
      writer.commit();
      return deleted;
    } catch (SQLException e) {
      rollbackQuietly();
      throw failure("cannot delete API key " + id + ": " + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public List<ApiKey> apiKeys() {
    return read("API keys", c -> {
      List<ApiKey> out = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT id, sha256, scope, label, created_at FROM api_keys ORDER BY created_at, id")) {
        while (rs.next()) out.add(new ApiKey(rs.getString(1), rs.getBytes(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
      }
      return out;
    });
  }

  private void rollbackQuietly() {
    try {
      writer.rollback();
    } catch (SQLException ignored) {
      // the original failure is the one worth reporting
    }
  }

  // ---------------------------------------------------------------- reads

  private interface Query<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T read(String what, Query<T> q) {
    Connection c = idleReaders.poll();
    try {
      if (c == null) c = newReader();
      return q.run(c);
    } catch (SQLException e) {
      throw new StoreException("cannot read " + what + ": " + e.getMessage(), e);
    } finally {
      if (c != null && !idleReaders.offer(c)) retire(c);
    }
  }

  private synchronized Connection newReader() throws SQLException {
    Connection c = connect(true);
    allReaders.add(c);
    return c;
  }

  private synchronized void retire(Connection c) {
    allReaders.remove(c);
    closeQuietly(c);
  }

  @Override
  public Optional<Item> item(String id) {
    return read("item " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM items WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(item(rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<Item> items() {
    return read("items", c -> {
      List<Item> out = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM items ORDER BY id")) {
        while (rs.next()) out.add(item(rs));
      }
      return out;
    });
  }

  private static final String STORED_ITEM = "SELECT items.*, coalesce(s.hidden, 0) AS hidden,"
      + " coalesce(s.created_at, 0) AS created_at, coalesce(s.updated_at, 0) AS updated_at"
      + " FROM items LEFT JOIN item_state s ON s.item = items.id";

  @Override
  public Optional<StoredItem> storedItem(String id) {
    return read("item " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement(STORED_ITEM + " WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(storedItem(rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<StoredItem> itemPage(ItemPage page) {
    return read("items", c -> {
      StringBuilder sql = new StringBuilder(STORED_ITEM).append(" WHERE id > ?");
      if (page.domain() != null) sql.append(" AND domain = ?");
      if (page.category() != null) sql.append(" AND EXISTS (SELECT 1 FROM json_each(items.categories) WHERE value = ?)");
      if (page.updatedSinceMillis() > 0) sql.append(" AND s.updated_at >= ?");
      sql.append(" ORDER BY id LIMIT ?");
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        int p = 1;
        ps.setString(p++, page.after() == null ? "" : page.after());
        if (page.domain() != null) ps.setString(p++, page.domain());
        if (page.category() != null) ps.setString(p++, page.category());
        if (page.updatedSinceMillis() > 0) ps.setLong(p++, page.updatedSinceMillis());
        ps.setInt(p, page.limit());
        List<StoredItem> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(storedItem(rs));
        }
        return out;
      }
    });
  }

  private static StoredItem storedItem(ResultSet rs) throws SQLException {
    return new StoredItem(item(rs), rs.getInt("hidden") != 0, rs.getLong("created_at"), rs.getLong("updated_at"));
  }

  @Override
  public Map<String, long[]> itemTimes() {
    return read("item times", c -> {
      Map<String, long[]> out = new HashMap<>();
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT item, created_at, updated_at FROM item_state")) {
        while (rs.next()) out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
      }
      return out;
    });
  }

  @Override
  public Set<String> hiddenItems() {
    return read("hidden items", c -> {
      Set<String> out = new HashSet<>();
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT item FROM item_state WHERE hidden != 0")) {
        while (rs.next()) out.add(rs.getString(1));
      }
      return out;
    });
  }

  @Override
  public List<String> newestItems(int limit) {
    return read("newest items", c -> {
      List<String> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT item FROM item_state ORDER BY created_at DESC, item LIMIT ?")) {
        ps.setInt(1, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(rs.getString(1));
        }
      }
      return out;
    });
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
    return read("users", c -> {
      List<User> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM users WHERE id > ? ORDER BY id LIMIT ?")) {
        ps.setString(1, after == null ? "" : after);
        ps.setInt(2, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(user(rs));
        }
      }
      return out;
    });
  }

  private static Item item(ResultSet rs) throws SQLException {
    return new Item(rs.getString("id"), rs.getString("domain"), rs.getString("title"), rs.getString("text"),
        parse(rs.getString("categories"), LIST), rs.getString("language"), parse(rs.getString("attributes"), MAP));
  }

  @Override
  public Optional<User> user(String id) {
    return read("user " + id, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM users WHERE id = ?")) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(user(rs)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<User> users() {
    return read("users", c -> {
      List<User> out = new ArrayList<>();
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM users ORDER BY id")) {
        while (rs.next()) out.add(user(rs));
      }
      return out;
    });
  }

  private static User user(ResultSet rs) throws SQLException {
    return new User(rs.getString("id"), rs.getString("split"), parse(rs.getString("attributes"), MAP));
  }

  private static final String EVENT_COLUMNS = "user, item, type, value, ts, position, domain, text, context";

  @Override
  public List<Event> eventsOf(String user) {
    return read("events of " + user, c -> {
      List<Event> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + EVENT_COLUMNS
          + " FROM events WHERE user = ? ORDER BY coalesce(ts, position), seq")) {
        ps.setString(1, user);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Event e = event(rs);
            if (e != null) out.add(e);
          }
        }
      }
      return out;
    });
  }

  @Override
  public void forEachEvent(Consumer<Event> consumer) {
    read("events", c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + EVENT_COLUMNS
          + " FROM events ORDER BY user, coalesce(ts, position), seq")) {
        while (rs.next()) {
          Event e = event(rs);
          if (e != null) consumer.accept(e);
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
          + "to list them, with --repair to set them aside)", url, problem);
    }
    return null;
  }

  @Override
  public List<ImplausibleRow> implausibleRows(boolean setAside) {
    if (!setAside) return read("implausible rows", SqliteStore::findImplausible);
    writeLock.lock();
    try {
      List<ImplausibleRow> found = findImplausible(writer);
      try (Statement s = writer.createStatement()) {
        // Same columns, none of the constraints; the rule broken beside each row.
        s.execute("CREATE TABLE IF NOT EXISTS quarantined_events AS SELECT *, '' AS problem FROM events WHERE 0");
        s.execute("CREATE TABLE IF NOT EXISTS quarantined_users AS SELECT *, '' AS problem FROM users WHERE 0");
        s.execute("CREATE TABLE IF NOT EXISTS quarantined_items AS SELECT *, '' AS problem FROM items WHERE 0");
      }
      // Events first: those of an implausible user or item break the id rule too, so nothing refers to what goes.
      for (String table : List.of("events", "users", "items")) {
        String key = table.equals("events") ? "seq" : "id";
        try (PreparedStatement copy = writer.prepareStatement("INSERT INTO quarantined_" + table + " SELECT *, ? FROM "
            + table + " WHERE " + key + " = ?");
             PreparedStatement delete = writer.prepareStatement("DELETE FROM " + table + " WHERE " + key + " = ?")) {
          for (ImplausibleRow row : found) {
            if (!row.table().equals(table)) continue;
            copy.setString(1, row.problem());
            copy.setString(2, row.key());
            copy.executeUpdate();
            delete.setString(1, row.key());
            delete.executeUpdate();
          }
        }
      }
      writer.commit();
      return found;
    } catch (SQLException e) {
      rollbackQuietly();
      throw new StoreException("cannot set implausible rows aside: " + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
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
    return read("counts", c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM items),"
          + " (SELECT count(*) FROM users), (SELECT count(*) FROM events), (SELECT count(*) FROM embeddings)")) {
        rs.next();
        return new Counts(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
      }
    });
  }

  @Override
  public Map<String, float[]> embeddings(String model, Collection<String> textHashes) {
    return read("embeddings", c -> {
      Map<String, float[]> out = new HashMap<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT vector FROM embeddings WHERE model = ? AND text_hash = ?")) {
        ps.setString(1, model);
        for (String h : textHashes) {
          ps.setString(2, h);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) out.put(h, Vectors.fromBytes(rs.getBytes(1)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public Optional<Artifact> artifactBefore(String name, long version) {
    return read("artefact " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT version, created_at, metadata, data FROM artifacts"
          + " WHERE name = ? AND version < ? ORDER BY version DESC LIMIT 1")) {
        ps.setString(1, name);
        ps.setLong(2, version);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) return Optional.empty();
          return Optional.of(new Artifact(name, rs.getLong(1), rs.getLong(2), parse(rs.getString(3), MAP),
              rs.getBytes(4)));
        }
      }
    });
  }

  @Override
  public Optional<Artifact> artifact(String name, long version) {
    return read("artefact " + name + " v" + version, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT created_at, metadata, data FROM artifacts"
          + " WHERE name = ? AND version = ?")) {
        ps.setString(1, name);
        ps.setLong(2, version);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) return Optional.empty();
          return Optional.of(new Artifact(name, version, rs.getLong(1), parse(rs.getString(2), MAP), rs.getBytes(3)));
        }
      }
    });
  }

  @Override
  public List<ArtifactInfo> artifactVersions(String name) {
    return read("versions of " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT version, created_at, metadata FROM artifacts"
          + " WHERE name = ? ORDER BY version")) {
        ps.setString(1, name);
        List<ArtifactInfo> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(new ArtifactInfo(name, rs.getLong(1), rs.getLong(2), parse(rs.getString(3), MAP)));
        }
        return out;
      }
    });
  }

  @Override
  public Optional<Long> activeVersion(String name) {
    return read("active version of " + name, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT version FROM active_artifacts WHERE name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public void activate(String name, long version) {
    writeLock.lock();
    try {
      try (PreparedStatement check = writer.prepareStatement("SELECT 1 FROM artifacts WHERE name = ? AND version = ?")) {
        check.setString(1, name);
        check.setLong(2, version);
        try (ResultSet rs = check.executeQuery()) {
          if (!rs.next()) throw new IllegalArgumentException("no version " + version + " of " + name + " is stored");
        }
      }
      try (PreparedStatement ps = writer.prepareStatement("INSERT INTO active_artifacts VALUES(?, ?)"
          + " ON CONFLICT(name) DO UPDATE SET version = excluded.version")) {
        ps.setString(1, name);
        ps.setLong(2, version);
        ps.executeUpdate();
      }
      writer.commit();
    } catch (SQLException e) {
      rollbackQuietly();
      throw failure("cannot activate " + name + " v" + version + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      rollbackQuietly();
      throw e;
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public Watermark watermark() {
    return read("watermark", c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT (SELECT coalesce(max(seq), 0)"
          + " FROM events), (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'item_change')")) {
        rs.next();
        return new Watermark(rs.getLong(1), rs.getLong(2));
      }
    });
  }

  @Override
  public List<String> itemsChangedAfter(long change) {
    return read("changed items", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT item FROM item_changes WHERE change > ? ORDER BY item")) {
        ps.setLong(1, change);
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(rs.getString(1));
        }
        return out;
      }
    });
  }

  @Override
  public Set<String> usersWithEventsAfter(long seq) {
    return read("users with new events", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT user FROM events WHERE seq > ?")) {
        ps.setLong(1, seq);
        Set<String> out = new HashSet<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) out.add(rs.getString(1));
        }
        return out;
      }
    });
  }

  @Override
  public long eventCount(String user) {
    return read("event count of " + user, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM events WHERE user = ?")) {
        ps.setString(1, user);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  @Override
  public synchronized void close() {
    for (Connection c : allReaders) closeQuietly(c);
    allReaders.clear();
    idleReaders.clear();
    writeLock.lock();
    try {
      writer.rollback();
      try (Statement s = writer.createStatement()) {
        s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
      writer.close();
    } catch (SQLException e) {
      throw new StoreException("cannot close store: " + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing a read-only connection cannot lose data
    }
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
