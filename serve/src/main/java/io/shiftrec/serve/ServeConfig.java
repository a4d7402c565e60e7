package io.shiftrec.serve;

import io.shiftrec.core.Parameters;
import io.shiftrec.core.Stores;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * How the server runs. Each setting comes from the command line, else the environment ({@code SHIFTREC_API_KEY},
 * {@code SHIFTREC_HOST}, {@code SHIFTREC_PORT}, {@code SHIFTREC_READS_NEED_KEY}, {@code SHIFTREC_MAX_REQUEST_BYTES},
 * {@code SHIFTREC_ITEM_QUEUE}, {@code SHIFTREC_RATE_LIMIT}, {@code SHIFTREC_OPEN_RATE_LIMIT}, {@code SHIFTREC_CORS_ORIGINS},
 * {@code SHIFTREC_FOLLOW_SECONDS}, {@code SHIFTREC_TRAIN_EVERY}, {@code SHIFTREC_UNKNOWN_USERS},
 * {@code SHIFTREC_API_KEYS}, {@code SHIFTREC_REPORTS_DIR}, {@code SHIFTREC_REASONS_ENDPOINT} and the other {@code reasons_} settings), else the config
 * file (a properties file:
 * {@code api_key}, {@code host}, {@code port}, {@code reads_need_key}, {@code max_request_bytes}, {@code item_queue},
 * {@code rate_limit}, {@code open_rate_limit}, {@code cors_origins}, {@code follow_seconds}, {@code train_every},
 * {@code unknown_users}, {@code api_keys}, {@code reasons_endpoint}, {@code reasons_model}, {@code reasons_key},
 * {@code reasons_timeout_ms}, {@code reasons_personal_text}, {@code reports_dir}, {@code cache_mb},
 * {@code answer_cache}, {@code candidate_cache}),
 * else its default.
 *
 * @param apiKey the key write and admin calls send as {@code Authorization: Bearer <key>}
 * @param readsNeedKey whether recommendations, similar items and onboarding need the key too (default true); a
 *     user's profile and export always need it
 * @param maxRequestBytes larger request bodies are refused with 413
 * @param itemQueue 0: {@code POST /items} answers once its items are encoded and recommendable; above 0: it answers
 *     once they are stored (202) and a background writer encodes and publishes them, with room for this many items
 *     waiting (503 beyond it)
 * @param rateLimit requests a second a client with the key may make (twice as many in a burst; 0: no limit)
 * @param openRateLimit requests a second one address may make without the key (twice as many in a burst; 0: no
 *     limit)
 * @param corsOrigins the origins (scheme://host[:port]) whose pages may call the API from a browser; none by default
 * @param followSeconds how often the server looks for what other processes wrote to the store (a model trained or
 *     activated, items and events imported by the command line) and takes it in (default 10)
 * @param trainEvery retrain the learned ranker in the background once this many events have arrived since the
 *     active model's data (0, the default: never); the active model serves meanwhile, and the new one is activated
 * @param scopedKeys more keys, each with its scope ({@code read}, {@code write} or {@code admin}; setting
 *     {@code api_keys}: {@code scope:key} pairs separated by commas); several are valid at once, for rotation. Admin
 *     keys may also make and revoke keys kept in the store ({@code /keys})
 * @param reasons a language model that rewrites reasons (an OpenAI-compatible endpoint), or null for the templates
 * @param answerUnknownUsers whether recommendations for a user the store does not know are answered by the
 *     fallback chain (popular, newest; {@code unknown_users=fallback}, the default) or refused with 404
 *     ({@code unknown_users=not_found})
 * @param reportsDir the folder of evaluation reports ({@code shiftrec evaluate --out} JSON files) the dashboard's
 *     Evaluation page lists and draws, or null for none; it must be an existing folder
 * @param userCache what the server keeps per user between their events ({@link UserCache})
 */
public record ServeConfig(String db, String host, int port, String apiKey, boolean readsNeedKey,
                          long maxRequestBytes, int itemQueue, long rateLimit, long openRateLimit,
                          Set<String> corsOrigins, int followSeconds, long trainEvery, boolean answerUnknownUsers,
                          Map<String, String> scopedKeys, ReasonModel reasons, Path reportsDir,
                          UserCache userCache) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_REQUEST_BYTES = 10L << 20;
  /** A shorter key can be guessed by a client that is allowed to try often. */
  public static final int MIN_KEY_CHARS = 16;
  public static final long DEFAULT_RATE_LIMIT = 1000;
  public static final long DEFAULT_OPEN_RATE_LIMIT = 20;
  public static final int DEFAULT_FOLLOW_SECONDS = 10;
  private static final Set<String> FILE_KEYS = Set.of("api_key", "host", "port", "reads_need_key",
      "max_request_bytes", "item_queue", "rate_limit", "open_rate_limit", "cors_origins", "follow_seconds",
      "train_every", "unknown_users", "api_keys", "reasons_endpoint", "reasons_model", "reasons_key",
      "reasons_timeout_ms", "reasons_personal_text", "reports_dir", "cache_mb", "answer_cache",
      "candidate_cache");
  private static final Set<String> SCOPES = Set.of("read", "write", "admin");
  private static final java.util.regex.Pattern ORIGIN = java.util.regex.Pattern.compile("https?://[^/\\s*]+");

  public ServeConfig {
    if (apiKey == null || apiKey.isBlank()) {
      throw new IllegalArgumentException("no API key: set SHIFTREC_API_KEY (or api_key in the config file)");
    }
    if (apiKey.length() < MIN_KEY_CHARS) {
      throw new IllegalArgumentException("the API key is " + apiKey.length() + " characters; it must have at least "
          + MIN_KEY_CHARS + " (e.g. the output of 'openssl rand -hex 16')");
    }
    if (port < 0 || port > 65_535) throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
    if (maxRequestBytes < 1) throw new IllegalArgumentException("max_request_bytes must be positive");
    if (itemQueue < 0) throw new IllegalArgumentException("item_queue must not be negative, got " + itemQueue);
    if (rateLimit < 0) throw new IllegalArgumentException("rate_limit must not be negative, got " + rateLimit);
    if (openRateLimit < 0) {
      throw new IllegalArgumentException("open_rate_limit must not be negative, got " + openRateLimit);
    }
    if (followSeconds < 1 || followSeconds > 60) {
      throw new IllegalArgumentException("follow_seconds must be between 1 and 60, got " + followSeconds);
    }
    if (trainEvery < 0) throw new IllegalArgumentException("train_every must not be negative, got " + trainEvery);
    scopedKeys = Map.copyOf(scopedKeys);
    for (Map.Entry<String, String> k : scopedKeys.entrySet()) {
      if (!SCOPES.contains(k.getValue())) {
        throw new IllegalArgumentException("api_keys: a key's scope is read, write or admin, got '" + k.getValue() + "'");
      }
      if (k.getKey().length() < MIN_KEY_CHARS) {
        throw new IllegalArgumentException("api_keys: a " + k.getValue() + " key is " + k.getKey().length()
            + " characters; keys must have at least " + MIN_KEY_CHARS);
      }
    }
    if (reportsDir != null && !Files.isDirectory(reportsDir)) {
      throw new IllegalArgumentException("reports_dir: '" + reportsDir + "' is not an existing folder");
    }
    if (userCache == null) userCache = UserCache.DEFAULTS;
    corsOrigins = Set.copyOf(corsOrigins);
    for (String origin : corsOrigins) {
      if (!ORIGIN.matcher(origin).matches()) {
        throw new IllegalArgumentException("cors_origins: '" + origin + "' is not an origin like https://shop.example"
            + " (scheme and host, an optional port, no path, no wildcard)");
      }
    }
  }

  /**
   * What the server keeps per user, each kept until the user's next event (or a new catalogue or model), so that a
   * user who asks again is answered without recomputing. Answers never go stale: an event reaches the next answer.
   *
   * @param megabytes memory for the users of every app together (setting {@code cache_mb}; default a quarter of the
   *     heap): their interests
   *     (about 220 bytes per event taken in, plus about 6 KB per interest of 384 dimensions) and what the two flags
   *     keep; the users asked least recently are dropped beyond it
   * @param answers the last few answers per user, by request ({@code answer_cache}, default true)
   * @param candidates the learned ranker's candidates for the user with their scores, ranked ahead of requests in the
   *     background, so that any request that narrows nothing (no domain, filter or exclusion) pages, boosts and
   *     diversifies them without ranking again ({@code candidate_cache}, default true; about 8 bytes per candidate, a
   *     few hundred to 1,300 per user)
   */
  public record UserCache(long megabytes, boolean answers, boolean candidates) {
    public static final UserCache DEFAULTS = new UserCache(defaultMegabytes(), true, true);

    public UserCache {
      if (megabytes < 1) throw new IllegalArgumentException("cache_mb must be at least 1, got " + megabytes);
    }

    /** A quarter of the most heap this process may use. */
    public static long defaultMegabytes() {
      return Math.max(1, Runtime.getRuntime().maxMemory() / 4 / (1L << 20));
    }

    public long bytes() {
      return megabytes << 20;
    }
  }

  /** The default per-user cache. */
  public ServeConfig(String db, String host, int port, String apiKey, boolean readsNeedKey, long maxRequestBytes,
                     int itemQueue, long rateLimit, long openRateLimit, Set<String> corsOrigins, int followSeconds,
                     long trainEvery, boolean answerUnknownUsers, Map<String, String> scopedKeys,
                     ReasonModel reasons, Path reportsDir) {
    this(db, host, port, apiKey, readsNeedKey, maxRequestBytes, itemQueue, rateLimit, openRateLimit, corsOrigins,
        followSeconds, trainEvery, answerUnknownUsers, scopedKeys, reasons, reportsDir, UserCache.DEFAULTS);
  }

  /** No folder of evaluation reports. */
  public ServeConfig(String db, String host, int port, String apiKey, boolean readsNeedKey, long maxRequestBytes,
                     int itemQueue, long rateLimit, long openRateLimit, Set<String> corsOrigins, int followSeconds,
                     long trainEvery, boolean answerUnknownUsers, Map<String, String> scopedKeys,
                     ReasonModel reasons) {
    this(db, host, port, apiKey, readsNeedKey, maxRequestBytes, itemQueue, rateLimit, openRateLimit, corsOrigins,
        followSeconds, trainEvery, answerUnknownUsers, scopedKeys, reasons, null);
  }

  /** Synchronous item writes, no rate limits: for a server embedded in a program that drives it. */
  public ServeConfig(String db, String host, int port, String apiKey, boolean readsNeedKey, long maxRequestBytes) {
    this(db, host, port, apiKey, readsNeedKey, maxRequestBytes, 0);
  }

  /** No rate limits: for a server embedded in a program that drives it. */
  public ServeConfig(String db, String host, int port, String apiKey, boolean readsNeedKey, long maxRequestBytes,
                     int itemQueue) {
    this(db, host, port, apiKey, readsNeedKey, maxRequestBytes, itemQueue, 0, 0, Set.of());
  }

  /** Following the store every {@value #DEFAULT_FOLLOW_SECONDS} s, no background training. */
  public ServeConfig(String db, String host, int port, String apiKey, boolean readsNeedKey, long maxRequestBytes,
                     int itemQueue, long rateLimit, long openRateLimit, Set<String> corsOrigins) {
    this(db, host, port, apiKey, readsNeedKey, maxRequestBytes, itemQueue, rateLimit, openRateLimit, corsOrigins,
        DEFAULT_FOLLOW_SECONDS, 0, true, Map.of(), null);
  }

  /** This configuration looking for other processes' writes every {@code seconds} and retraining after {@code events}. */
  public ServeConfig withLifecycle(int seconds, long events) {
    return new ServeConfig(db, host, port, apiKey, readsNeedKey, maxRequestBytes, itemQueue, rateLimit, openRateLimit,
        corsOrigins, seconds, events, answerUnknownUsers, scopedKeys, reasons, reportsDir, userCache);
  }

  /** This configuration with the dashboard's evaluation reports read from {@code folder} (null: none). */
  public ServeConfig withReportsDir(Path folder) {
    return new ServeConfig(db, host, port, apiKey, readsNeedKey, maxRequestBytes, itemQueue, rateLimit, openRateLimit,
        corsOrigins, followSeconds, trainEvery, answerUnknownUsers, scopedKeys, reasons, folder, userCache);
  }

  /** This configuration keeping {@code cache} per user. */
  public ServeConfig withUserCache(UserCache cache) {
    return new ServeConfig(db, host, port, apiKey, readsNeedKey, maxRequestBytes, itemQueue, rateLimit, openRateLimit,
        corsOrigins, followSeconds, trainEvery, answerUnknownUsers, scopedKeys, reasons, reportsDir, cache);
  }

  /**
   * Resolves the settings.
   *
   * @param port the command line's port, or null
   * @param configFile the command line's config file, or null
   * @param env the environment
   */
  public static ServeConfig resolve(String db, Integer port, Path configFile, Map<String, String> env)
      throws IOException {
    Properties file = new Properties();
    if (configFile != null) {
      try (Reader in = Files.newBufferedReader(configFile, StandardCharsets.UTF_8)) {
        file.load(in);
      }
      for (String key : file.stringPropertyNames()) {
        if (!FILE_KEYS.contains(key)) {
          throw new IllegalArgumentException("unknown setting '" + key + "' in " + configFile + " (accepted: "
              + String.join(", ", FILE_KEYS.stream().sorted().toList()) + ")");
        }
      }
    }
    Settings s = new Settings(env, file);
    long chosenPort = port != null ? port : s.integer("port", DEFAULT_PORT);
    if (chosenPort < 0 || chosenPort > 65_535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got " + chosenPort);
    }
    return new ServeConfig(db, s.get("host", DEFAULT_HOST), (int) chosenPort, s.get("api_key", null),
        s.bool("reads_need_key", true), s.integer("max_request_bytes", DEFAULT_MAX_REQUEST_BYTES),
        Math.toIntExact(Math.min(Integer.MAX_VALUE, s.integer("item_queue", 0))),
        s.integer("rate_limit", DEFAULT_RATE_LIMIT), s.integer("open_rate_limit", DEFAULT_OPEN_RATE_LIMIT),
        s.list("cors_origins"), Math.toIntExact(Math.max(0, Math.min(Integer.MAX_VALUE,
            s.integer("follow_seconds", DEFAULT_FOLLOW_SECONDS)))), s.integer("train_every", 0),
        unknownUsers(s.get("unknown_users", "fallback")), scopedKeys(s.get("api_keys", null)), reasonModel(s),
        s.get("reports_dir", null) == null ? null : Path.of(s.get("reports_dir", null)),
        new UserCache(s.integer("cache_mb", UserCache.defaultMegabytes()), s.bool("answer_cache", true),
            s.bool("candidate_cache", true)));
  }

  /**
   * A language model that rewrites the reasons: an OpenAI-compatible endpoint ({@code reasons_endpoint}, the base URL
   * before {@code /chat/completions}, e.g. {@code http://127.0.0.1:11434/v1}), its {@code reasons_model}, an optional
   * {@code reasons_key}, a latency budget ({@code reasons_timeout_ms}, default 1,500) after which the templates answer,
   * and whether the user's own words (review texts) may be sent ({@code reasons_personal_text}, default false).
   */
  public record ReasonModel(String endpoint, String model, String key, int timeoutMillis, boolean personalText) {
    public static final int DEFAULT_TIMEOUT_MILLIS = 1_500;

    public ReasonModel {
      if (endpoint == null || !endpoint.matches("https?://[^\\s]+")) {
        throw new IllegalArgumentException("reasons_endpoint must be an http(s) URL such as http://127.0.0.1:11434/v1,"
            + " got '" + endpoint + "'");
      }
      endpoint = endpoint.replaceAll("/+$", "");
      if (model == null || model.isBlank()) {
        throw new IllegalArgumentException("reasons_model must name the model the endpoint serves");
      }
      if (timeoutMillis < 50 || timeoutMillis > 60_000) {
        throw new IllegalArgumentException("reasons_timeout_ms must be between 50 and 60000, got " + timeoutMillis);
      }
    }

    /** Never the key. */
    @Override
    public String toString() {
      return "ReasonModel[endpoint=" + endpoint + ", model=" + model + ", key=" + (key == null ? "none" : "***")
          + ", timeout_ms=" + timeoutMillis + ", personal_text=" + personalText + "]";
    }
  }

  private static ReasonModel reasonModel(Settings s) {
    String endpoint = s.get("reasons_endpoint", null);
    if (endpoint == null) {
      for (String other : new String[] {"reasons_model", "reasons_key", "reasons_timeout_ms", "reasons_personal_text"}) {
        if (s.get(other, null) != null) {
          throw new IllegalArgumentException(other + " is set but reasons_endpoint is not: set the endpoint too");
        }
      }
      return null;
    }
    return new ReasonModel(endpoint, s.get("reasons_model", null), s.get("reasons_key", null),
        Math.toIntExact(Math.max(0, Math.min(Integer.MAX_VALUE,
            s.integer("reasons_timeout_ms", ReasonModel.DEFAULT_TIMEOUT_MILLIS)))),
        s.bool("reasons_personal_text", false));
  }

  /** {@code scope:key,scope:key}. */
  private static Map<String, String> scopedKeys(String value) {
    Map<String, String> keys = new java.util.LinkedHashMap<>();
    if (value == null) return keys;
    for (String pair : value.split(",")) {
      if (pair.isBlank()) continue;
      int colon = pair.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("api_keys: expected scope:key pairs separated by commas (e.g."
            + " read:KEY,write:KEY), got an entry without ':'"); // never the entry: it may be a key
      }
      keys.put(pair.substring(colon + 1).trim(), pair.substring(0, colon).trim());
    }
    return keys;
  }

  /** The settings without their keys: a configuration may be logged, its keys never. */
  @Override
  public String toString() {
    return "ServeConfig[db=" + Stores.describe(db) + ", host=" + host + ", port=" + port + ", api_key=***,"
        + " scoped_keys=" + scopedKeys.size() + ", reads_need_key=" + readsNeedKey + ", max_request_bytes=" + maxRequestBytes
        + ", item_queue=" + itemQueue + ", rate_limit=" + rateLimit + ", open_rate_limit=" + openRateLimit
        + ", cors_origins=" + corsOrigins + ", follow_seconds=" + followSeconds + ", train_every=" + trainEvery
        + ", unknown_users=" + (answerUnknownUsers ? "fallback" : "not_found") + ", reasons=" + reasons + ", reports_dir=" + reportsDir + ", user_cache=" + userCache + "]";
  }

  private static boolean unknownUsers(String value) {
    return switch (value) {
      case "fallback" -> true;
      case "not_found" -> false;
      default -> throw new IllegalArgumentException("unknown_users must be fallback or not_found, got '" + value
          + "'");
    };
  }

  /** The environment over the file. */
  private record Settings(Map<String, String> env, Properties file) {
    String get(String key, String fallback) {
      String v = env.get("SHIFTREC_" + key.toUpperCase(Locale.ROOT));
      if (v == null) v = file.getProperty(key);
      return v == null || v.isBlank() ? fallback : v.trim();
    }

    long integer(String key, long fallback) {
      String v = get(key, null);
      return v == null ? fallback : Parameters.longInteger(key, v);
    }

    /** A comma-separated list; empty when not set. */
    Set<String> list(String key) {
      String v = get(key, null);
      if (v == null) return Set.of();
      Set<String> values = new java.util.LinkedHashSet<>();
      for (String part : v.split(",")) {
        if (!part.isBlank()) values.add(part.trim());
      }
      return values;
    }

    boolean bool(String key, boolean fallback) {
      return Parameters.bool(key, get(key, Boolean.toString(fallback)));
    }
  }
}
