package io.shiftrec.store.postgres;

import static org.junit.jupiter.api.Assertions.fail;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fresh databases on the PostgreSQL server named by {@value #VARIABLE} (a system property or the environment): the
 * JDBC URL of a user allowed to create databases, as {@code scripts/dev-postgres start} prints. A test class that
 * needs a server registers one as a static {@code @RegisterExtension} field: without a server named its tests are
 * skipped with the reason, except in CI ({@code CI=true}), where {@code .ci/run} starts one and they fail without it.
 * The databases made for a class are dropped after it.
 */
public final class PostgresTestDatabases implements ExecutionCondition, BeforeAllCallback, AfterAllCallback {
  public static final String VARIABLE = "SHIFTREC_TEST_POSTGRES_URL";
  private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/?]*)(/[^?]*)?(\\?.*)?");

  /** Names start with this run's own prefix, so runs beside each other never meet. */
  private final String prefix = "shiftrec_test_" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4)) + "_";
  private final Map<Object, String> urls = new HashMap<>();
  private final List<String> made = new ArrayList<>();
  private String adminUrl;

  private static String namedUrl() {
    String url = System.getProperty(VARIABLE, System.getenv(VARIABLE));
    return url == null || url.isBlank() ? null : url.trim();
  }

  private static boolean inCi() {
    return "true".equals(System.getenv("CI"));
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return namedUrl() != null || inCi() ? ConditionEvaluationResult.enabled(VARIABLE + " names a server")
        : ConditionEvaluationResult.disabled("no PostgreSQL to test against: set " + VARIABLE + " to the URL that"
            + " scripts/dev-postgres start prints");
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    adminUrl = namedUrl();
    if (adminUrl == null) {
      fail("CI runs the PostgreSQL tests: .ci/run starts a server with scripts/dev-postgres and sets " + VARIABLE);
    }
  }

  /** The URL of the database kept for {@code key}, made empty on first use (the same key: the same database). */
  public synchronized String urlFor(Object key) {
    String url = urls.get(key);
    if (url != null) return url;
    String name = prefix + made.size();
    execute("CREATE DATABASE " + name);
    made.add(name);
    url = withDatabase(adminUrl, name);
    urls.put(key, url);
    return url;
  }

  /** The URL with its database replaced by {@code database}, its parameters (user, password …) kept. */
  public static String withDatabase(String url, String database) {
    Matcher m = URL.matcher(url);
    if (!m.matches()) throw new IllegalArgumentException(VARIABLE + " is not a jdbc:postgresql://host/database URL");
    return m.group(1) + "/" + database + (m.group(3) == null ? "" : m.group(3));
  }

  private void execute(String sql) {
    try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL at " + VARIABLE + " refused '" + sql + "': " + e.getMessage(), e);
    }
  }

  /** Drops every database made here, closing what is still connected. */
  @Override
  public synchronized void afterAll(ExtensionContext context) {
    for (String name : made) execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    made.clear();
    urls.clear();
  }
}
