package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeConfigTest {
  private static final String KEY = "key-0123456789abcdef";

  @TempDir Path dir;

  private Path file(String text) throws Exception {
    return Files.writeString(dir.resolve("shiftrec.properties"), text);
  }

  @Test
  void theCommandLineBeatsTheEnvironmentWhichBeatsTheFile() throws Exception {
    Path f = file("api_key=from-file-0123456789\nport=7000\nhost=0.0.0.0\nreads_need_key=true\nmax_request_bytes=1000\nrate_limit=5\n");
    ServeConfig fileOnly = ServeConfig.resolve("db", null, f, Map.of());
    assertEquals(new ServeConfig("db", "0.0.0.0", 7000, "from-file-0123456789", true, 1000, 0, 5,
        ServeConfig.DEFAULT_OPEN_RATE_LIMIT, Set.of()), fileOnly);
    ServeConfig env = ServeConfig.resolve("db", null, f, Map.of("SHIFTREC_API_KEY", "from-env-0123456789", "SHIFTREC_PORT",
        "7100", "SHIFTREC_READS_NEED_KEY", "false"));
    assertEquals(new ServeConfig("db", "0.0.0.0", 7100, "from-env-0123456789", false, 1000, 0, 5,
        ServeConfig.DEFAULT_OPEN_RATE_LIMIT, Set.of()), env);
    assertEquals(7200, ServeConfig.resolve("db", 7200, f, Map.of("SHIFTREC_PORT", "7100")).port());
  }

  @Test
  void defaultsApplyWhenNothingIsSaid() throws Exception {
    ServeConfig c = ServeConfig.resolve("db", null, null, Map.of("SHIFTREC_API_KEY", KEY));
    assertEquals(ServeConfig.DEFAULT_HOST, c.host());
    assertEquals(ServeConfig.DEFAULT_PORT, c.port());
    assertTrue(c.readsNeedKey(), "reads need the key unless opened");
    assertEquals(ServeConfig.DEFAULT_MAX_REQUEST_BYTES, c.maxRequestBytes());
    assertEquals(ServeConfig.DEFAULT_RATE_LIMIT, c.rateLimit());
    assertEquals(ServeConfig.DEFAULT_OPEN_RATE_LIMIT, c.openRateLimit());
  }

  @Test
  void theReportsFolderMustExist() throws Exception {
    assertEquals(null, ServeConfig.resolve("db", null, null, Map.of("SHIFTREC_API_KEY", KEY)).reportsDir());
    assertEquals(dir, ServeConfig.resolve("db", null, file("api_key=" + KEY + "\nreports_dir=" + dir + "\n"), Map.of())
        .reportsDir());
    assertEquals(dir, ServeConfig.resolve("db", null, null, Map.of("SHIFTREC_API_KEY", KEY, "SHIFTREC_REPORTS_DIR",
        dir.toString())).reportsDir());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> ServeConfig.resolve("db", null,
        null, Map.of("SHIFTREC_API_KEY", KEY, "SHIFTREC_REPORTS_DIR", dir.resolve("nowhere").toString())));
    assertTrue(missing.getMessage().contains("reports_dir"), missing.getMessage());
  }

  @Test
  void whatIsKeptPerUserIsASetting() throws Exception {
    assertEquals(ServeConfig.UserCache.DEFAULTS, ServeConfig.resolve("db", null, null, Map.of("SHIFTREC_API_KEY", KEY))
        .userCache());
    ServeConfig c = ServeConfig.resolve("db", null, file("api_key=" + KEY + "\ncache_mb=500\nanswer_cache=false\n"),
        Map.of("SHIFTREC_CANDIDATE_CACHE", "false"));
    assertEquals(new ServeConfig.UserCache(500, false, false), c.userCache());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ServeConfig.resolve("db", null, null,
        Map.of("SHIFTREC_API_KEY", KEY, "SHIFTREC_CACHE_MB", "0"))).getMessage().contains("cache_mb"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ServeConfig.resolve("db", null, null,
        Map.of("SHIFTREC_API_KEY", KEY, "SHIFTREC_ANSWER_CACHE", "sometimes"))).getMessage().contains("answer_cache"));
  }

  @Test
  void scopedKeysAreReadAndNeverPrinted() throws Exception {
    String read = "read-key-0123456789", write = "write-key-0123456789";
    ServeConfig c = ServeConfig.resolve("db", null, file("api_key=" + KEY + "\napi_keys=read:" + read + ", write:" + write
        + "\nunknown_users=not_found\n"), Map.of());
    assertEquals(Map.of(read, "read", write, "write"), c.scopedKeys());
    assertFalse(c.answerUnknownUsers());
    assertFalse(c.toString().contains(KEY) || c.toString().contains(read) || c.toString().contains(write), c.toString());
    IllegalArgumentException noScope = assertThrows(IllegalArgumentException.class, () -> ServeConfig.resolve("db", null,
        null, Map.of("SHIFTREC_API_KEY", KEY, "SHIFTREC_API_KEYS", read)));
    assertTrue(noScope.getMessage().contains("api_keys") && !noScope.getMessage().contains(read), noScope.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ServeConfig.resolve("db", null, null,
        Map.of("SHIFTREC_API_KEY", KEY, "SHIFTREC_API_KEYS", "root:" + read))).getMessage().contains("scope"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ServeConfig.resolve("db", null, null,
        Map.of("SHIFTREC_API_KEY", KEY, "SHIFTREC_API_KEYS", "read:short"))).getMessage().contains("at least 16"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ServeConfig.resolve("db", null, null,
        Map.of("SHIFTREC_API_KEY", KEY, "SHIFTREC_UNKNOWN_USERS", "404"))).getMessage().contains("unknown_users"));
  }

  @Test
  void aLanguageModelForReasonsIsCheckedAndItsKeyNeverPrinted() throws Exception {
    ServeConfig c = ServeConfig.resolve("db", null, file("api_key=" + KEY + "\nreasons_endpoint=http://127.0.0.1:11434/v1/"
        + "\nreasons_model=qwen2.5:1.5b\nreasons_key=llm-secret-0123456789\n"), Map.of());
    assertEquals("http://127.0.0.1:11434/v1", c.reasons().endpoint());
    assertEquals(ServeConfig.ReasonModel.DEFAULT_TIMEOUT_MILLIS, c.reasons().timeoutMillis());
    assertFalse(c.reasons().personalText(), "the user's own words stay unless allowed");
    assertFalse(c.toString().contains("llm-secret"), c.toString());
    assertEquals(null, ServeConfig.resolve("db", null, null, Map.of("SHIFTREC_API_KEY", KEY)).reasons());
    for (Map<String, String> bad : List.of(Map.of("SHIFTREC_REASONS_ENDPOINT", "localhost:11434"),
        Map.of("SHIFTREC_REASONS_ENDPOINT", "http://127.0.0.1:1/v1"),
        Map.of("SHIFTREC_REASONS_MODEL", "m"),
        Map.of("SHIFTREC_REASONS_ENDPOINT", "http://127.0.0.1:1/v1", "SHIFTREC_REASONS_MODEL", "m",
            "SHIFTREC_REASONS_TIMEOUT_MS", "5"))) {
      Map<String, String> env = new java.util.HashMap<>(bad);
      env.put("SHIFTREC_API_KEY", KEY);
      assertTrue(assertThrows(IllegalArgumentException.class, () -> ServeConfig.resolve("db", null, null, env))
          .getMessage().contains("reasons_"), bad.toString());
    }
  }

  @Test
  void badSettingsAreRefusedNamingTheSetting() throws Exception {
    Map<String, String> key = Map.of("SHIFTREC_API_KEY", KEY);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ServeConfig.resolve("db", null, null, Map.of()))
        .getMessage().contains("SHIFTREC_API_KEY"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ServeConfig.resolve("db", null, file("api_key=" + KEY + "\nprot=80\n"), Map.of())).getMessage().contains("prot"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ServeConfig.resolve("db", null, null, Map.of("SHIFTREC_API_KEY", KEY, "SHIFTREC_PORT", "http")))
        .getMessage().contains("port"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ServeConfig.resolve("db", 70_000, null, key))
        .getMessage().contains("65535"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ServeConfig.resolve("db", null, null, Map.of("SHIFTREC_API_KEY", KEY, "SHIFTREC_READS_NEED_KEY", "yes")))
        .getMessage().contains("reads_need_key"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ServeConfig.resolve("db", null, null, Map.of("SHIFTREC_API_KEY", KEY, "SHIFTREC_ITEM_QUEUE", "-5")))
        .getMessage().contains("item_queue"));
    assertEquals(100, ServeConfig.resolve("db", null, file("api_key=" + KEY + "\nitem_queue=100\n"), Map.of()).itemQueue());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ServeConfig.resolve("db", null, null, Map.of("SHIFTREC_API_KEY", "short-key")))
        .getMessage().contains("at least 16"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> ServeConfig.resolve("db", null, null, Map.of("SHIFTREC_API_KEY", KEY, "SHIFTREC_CORS_ORIGINS", "*")))
        .getMessage().contains("cors_origins"));
    for (String seconds : new String[] {"0", "61", "soon"}) {
      assertTrue(assertThrows(IllegalArgumentException.class, () -> ServeConfig.resolve("db", null, null,
          Map.of("SHIFTREC_API_KEY", KEY, "SHIFTREC_FOLLOW_SECONDS", seconds))).getMessage().contains("follow_seconds"));
    }
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ServeConfig.resolve("db", null,
        file("api_key=" + KEY + "\ntrain_every=-1\n"), Map.of())).getMessage().contains("train_every"));
    ServeConfig lifecycle = ServeConfig.resolve("db", null, file("api_key=" + KEY + "\ntrain_every=5000\n"),
        Map.of("SHIFTREC_FOLLOW_SECONDS", "2"));
    assertEquals(2, lifecycle.followSeconds());
    assertEquals(5000, lifecycle.trainEvery());
    assertEquals(Set.of("https://a.example", "http://b.example:8000"), ServeConfig.resolve("db", null, null,
        Map.of("SHIFTREC_API_KEY", KEY, "SHIFTREC_CORS_ORIGINS", "https://a.example, http://b.example:8000"))
        .corsOrigins());
  }
}
