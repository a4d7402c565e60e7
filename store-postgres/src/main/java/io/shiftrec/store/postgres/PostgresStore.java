package io.shiftrec.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shiftrec.core.StoreException;
import io.shiftrec.core.Stores;
import io.shiftrec.store.JdbcStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.flywaydb.core.Flyway;

/**
 * The store in a PostgreSQL database, for several servers and command-line processes at once. The tables and
 * statements are the SQLite store's ({@link JdbcStore}); what differs:
 *
 * <ul>
 *   <li>Connections come from a HikariCP pool. Readers take any; a writer takes one, starts a transaction and waits
 *       for the store's write lock (a transaction-level advisory lock), so writers from every process take turns as
 *       SQLite's do: event sequence and item change numbers are taken in commit order, and a process following the
 *       watermark never passes a write that is still to commit.</li>
 *   <li>The schema is made and upgraded by Flyway from {@code db/migration/postgres} on the classpath, under
 *       Flyway's own lock, by whichever process opens the database first.</li>
 *   <li>Reads that walk a whole table (every event, every item) fetch a thousand rows at a time.</li>
 *   <li>Text cannot hold the NUL character (U+0000): a write carrying one is refused, naming the row and field.</li>
 * </ul>
 */
public final class PostgresStore extends JdbcStore {
  /** The advisory lock every writer of the database takes ("ShiftRec"). */
  private static final long WRITE_LOCK = 0x5368_6966_7452_6563L;
  /** Connections at most: a writer, and readers for a server's request threads. */
  private static final int POOL_SIZE = 10;
  private static final String MIGRATIONS = "classpath:db/migration/postgres";
  /** PostgreSQL's SQLSTATE for a full disk. */
  private static final String DISK_FULL = "53100";

  private final HikariDataSource pool;
  /** The channel every write transaction notifies, for {@link #onChange}. */
  private static final String CHANNEL = "shiftrec_store";

  /**
   * Listens on one connection of the pool for the notices write transactions send at commit (this process's own
   * included) and calls {@code listener} once per wake, however many notices came; on a lost connection it listens
   * again after a second.
   */
  @Override
  public AutoCloseable onChange(Runnable listener) {
    java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
    Thread t = new Thread(() -> {
      while (open.get()) {
        try (Connection c = pool.getConnection(); java.sql.Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
          org.postgresql.PGConnection pg = c.unwrap(org.postgresql.PGConnection.class);
          while (open.get()) {
            org.postgresql.PGNotification[] notices = pg.getNotifications(1_000);
            if (notices != null && notices.length > 0) listener.run();
          }
        } catch (SQLException | RuntimeException e) {
          if (!open.get()) return;
          try {
            Thread.sleep(1_000);
          } catch (InterruptedException stop) {
            return;
          }
        }
      }
    }, "shiftrec-store-notices");
    t.setDaemon(true);
    t.start();
    return () -> {
      open.set(false);
      t.interrupt();
    };
  }

  /** The write connection each thread holds, so a thread that asks twice is told and not left to wait for itself. */
  private final Map<Thread, Connection> writers = new ConcurrentHashMap<>();

  private PostgresStore(String name, HikariDataSource pool) {
    super(name);
    this.pool = pool;
  }

  /** Opens the store in the database at {@code url} ({@code jdbc:postgresql://…}), making or upgrading its tables. */
  public static PostgresStore open(String url) {
    String name = Stores.describe(url);
    HikariDataSource pool = null;
    try {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(url);
      config.setPoolName("shiftrec-store");
      config.setMaximumPoolSize(POOL_SIZE);
      config.setMinimumIdle(1);
      // Streams where autocommit is off (the reads of a whole table); other reads take their rows at once.
      config.addDataSourceProperty("defaultRowFetchSize", "1000");
      config.addDataSourceProperty("ApplicationName", "shiftrec");
      pool = new HikariDataSource(config);
      Flyway.configure().dataSource(pool).locations(MIGRATIONS).failOnMissingLocations(true).load().migrate();
      return new PostgresStore(name, pool);
    } catch (RuntimeException e) {
      if (pool != null) pool.close();
      throw new StoreException("cannot open store " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  protected Connection acquireWriter() throws SQLException {
    if (writers.containsKey(Thread.currentThread())) {
      throw new IllegalStateException("this thread's transaction on " + this + " is still open: a second write"
          + " would wait for it forever");
    }
    Connection c = pool.getConnection();
    try {
      c.setAutoCommit(false);
      try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
        lock.setLong(1, WRITE_LOCK);
        lock.execute();
      }
      try (PreparedStatement notify = c.prepareStatement("SELECT pg_notify('" + CHANNEL + "', '')")) {
        notify.execute(); // delivered when the transaction commits, never when it rolls back
      }
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    writers.put(Thread.currentThread(), c);
    return c;
  }

  @Override
  protected void releaseWriter(Connection c) {
    writers.values().remove(c);
    try {
      c.close(); // back to the pool; the lock went with the transaction's end
    } catch (SQLException ignored) {
      // the pool drops a connection it cannot take back
    }
  }

  @Override
  protected <T> T read(String what, Query<T> q) {
    try (Connection c = pool.getConnection()) {
      return q.run(c);
    } catch (SQLException e) {
      throw new StoreException("cannot read " + what + ": " + e.getMessage(), e);
    }
  }

  /** In a read-only transaction, where the driver fetches rows a batch at a time instead of all at once. */
  @Override
  protected <T> T readAll(String what, Query<T> q) {
    return read(what, c -> {
      c.setAutoCommit(false);
      c.setReadOnly(true);
      try {
        return q.run(c);
      } finally {
        c.rollback();
        c.setReadOnly(false);
      }
    });
  }

  @Override
  protected boolean outOfSpace(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      if (DISK_FULL.equals(x.getSQLState())) return true;
    }
    return false;
  }

  @Override
  protected String hasCategory() {
    return "EXISTS (SELECT 1 FROM json_array_elements_text(items.categories::json) AS c(value) WHERE c.value = ?)";
  }

  @Override
  protected void checkText(String kind, String id, String field, String value) {
    if (value != null && value.indexOf('\0') >= 0) {
      throw new StoreException(kind + " '" + id.replace('\0', '?') + "': field '" + field + "' holds the NUL"
          + " character (U+0000), which PostgreSQL cannot keep in text", null);
    }
  }

  @Override
  public void close() {
    pool.close();
  }

  @Override
  public String toString() {
    return "PostgresStore[" + name() + "]";
  }
}
