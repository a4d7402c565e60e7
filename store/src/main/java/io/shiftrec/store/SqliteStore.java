package io.shiftrec.store;

import io.shiftrec.core.StoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;

/**
 * The embedded default store: one SQLite file in WAL mode. WAL lets readers run beside the single writer and see only
 * committed transactions; {@code synchronous=FULL} makes a commit durable once it returns. The statements are
 * {@link JdbcStore}'s, shared with the PostgreSQL store.
 */
public final class SqliteStore extends JdbcStore {
  private static final int SCHEMA_VERSION = 1;
  private static final int READERS = 4;

  private final String url;
  private final Connection writer;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final BlockingQueue<Connection> idleReaders = new ArrayBlockingQueue<>(READERS);
  private final List<Connection> allReaders = new ArrayList<>();

  private SqliteStore(String url) throws SQLException {
    super(url);
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

  /**
   * Events are numbered by AUTOINCREMENT: a plain rowid gives a number again once the newest events are deleted (a
   * user or item deleted), and a process following the store by event number would miss the events that reuse them.
   */
  private static final String EVENTS_COLUMNS = "seq INTEGER PRIMARY KEY AUTOINCREMENT,"
      + " user TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE, item TEXT REFERENCES items(id),"
      + " type TEXT NOT NULL, value REAL, ts INTEGER, position INTEGER, domain TEXT, text TEXT,"
      + " context TEXT NOT NULL, fingerprint BLOB NOT NULL UNIQUE";

  /** Rebuilds the events table of a store made before events were numbered by AUTOINCREMENT, in one transaction. */
  private static void eventNumbersNeverReused(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'events'")) {
      if (!rs.next() || rs.getString(1).contains("AUTOINCREMENT")) return;
    }
    s.execute("BEGIN IMMEDIATE");
    try {
      s.execute("CREATE TABLE events_renumbered(" + EVENTS_COLUMNS + ")");
      s.execute("INSERT INTO events_renumbered SELECT * FROM events ORDER BY seq");
      s.execute("DROP TABLE events"); // its indexes go with it and are made again below
      s.execute("ALTER TABLE events_renumbered RENAME TO events");
      s.execute("COMMIT");
    } catch (SQLException e) {
      s.execute("ROLLBACK");
      throw e;
    }
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
    s.execute("CREATE TABLE IF NOT EXISTS events(" + EVENTS_COLUMNS + ")");
    eventNumbersNeverReused(s);
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

  // ---------------------------------------------------------------- connections

  /** One writer connection; the lock makes this process's writers take turns on it. */
  @Override
  protected Connection acquireWriter() {
    writeLock.lock();
    return writer;
  }

  @Override
  protected void releaseWriter(Connection c) {
    writeLock.unlock();
  }

  @Override
  protected <T> T read(String what, Query<T> q) {
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

  /** SQLite found the disk (or the file's size limit) full. */
  @Override
  protected boolean outOfSpace(SQLException e) {
    return (e.getErrorCode() & 0xff) == SQLITE_FULL || String.valueOf(e.getMessage()).contains("SQLITE_FULL");
  }

  private static final int SQLITE_FULL = 13;

  @Override
  protected String hasCategory() {
    return "EXISTS (SELECT 1 FROM json_each(items.categories) WHERE value = ?)";
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
}
