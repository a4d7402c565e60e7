package io.shiftrec.serve;

import io.shiftrec.core.Store;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The API keys a server accepts, each with a scope: those of its settings ({@code api_key}, an admin key, and
 * {@code api_keys}) and those kept in the store, made and revoked through {@code /keys} by an admin key. Several keys
 * are valid at once, so a key is rotated by making the new one before revoking the old. Only keys' SHA-256 digests
 * are held or stored, and keys are named by an id derived from the digest in lists and logs.
 */
final class ApiKeys {
  /** What a key may do; each scope may do what the ones before it may. */
  enum Scope {
    /** Recommendations, similar items, onboarding, items, the model list, metrics: what a public page may do. */
    READ,
    /** Also writes (items, events, users) and personal data (profiles, exports, user lists). */
    WRITE,
    /** Also model activation and keys. */
    ADMIN;

    static Scope parse(String name) {
      return switch (name) {
        case "read" -> READ;
        case "write" -> WRITE;
        case "admin" -> ADMIN;
        default -> throw new IllegalArgumentException("a key's scope is read, write or admin, got '" + name + "'");
      };
    }

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A key that was sent and accepted: its id (for rate limits and logs) and scope. */
  record Holder(String id, Scope scope) {}

  private static final SecureRandom RANDOM = new SecureRandom();
  private final Store store;
  private final Map<ByteBuffer, Holder> configured;
  private volatile Map<ByteBuffer, Holder> byDigest;

  /** @param configured the settings' keys, each with its scope */
  ApiKeys(Map<String, Scope> configured, Store store) {
    this.store = store;
    Map<ByteBuffer, Holder> keys = new HashMap<>();
    configured.forEach((key, scope) -> {
      byte[] digest = sha256(key);
      keys.put(ByteBuffer.wrap(digest), new Holder(idOf(digest), scope));
    });
    this.configured = Map.copyOf(keys);
    reload();
  }

  /** Reads the store's keys again: another server may have made or revoked some. */
  void reload() {
    Map<ByteBuffer, Holder> keys = new HashMap<>(configured);
    for (Store.ApiKey k : store.apiKeys()) {
      keys.putIfAbsent(ByteBuffer.wrap(k.sha256()), new Holder(k.id(), Scope.parse(k.scope())));
    }
    byDigest = keys;
  }

  /** Who sent {@code key}; null when it is no key of this server's. */
  Holder holder(String key) {
    return byDigest.get(ByteBuffer.wrap(sha256(key)));
  }

  /** The scope of the key of this id; null when this server accepts no such key (any more: it was revoked). */
  Scope scopeOf(String id) {
    for (Holder h : byDigest.values()) if (h.id().equals(id)) return h.scope();
    return null;
  }

  /** A new key kept in the store. The key itself is in the answer only: nothing keeps it. */
  Map<String, Object> create(Scope scope, String label) {
    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    String key = "sr_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    byte[] digest = sha256(key);
    Store.ApiKey kept = new Store.ApiKey(idOf(digest), digest, scope.wireName(), label, System.currentTimeMillis());
    store.putApiKey(kept);
    reload();
    Map<String, Object> doc = describe(kept.id(), scope, label, kept.createdAtMillis(), "store");
    doc.put("key", key);
    return doc;
  }

  /** Every key this server accepts, without the keys. */
  List<Map<String, Object>> list() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Holder h : configured.values()) out.add(describe(h.id(), h.scope(), null, 0, "settings"));
    out.sort((a, b) -> ((String) a.get("id")).compareTo((String) b.get("id")));
    for (Store.ApiKey k : store.apiKeys()) {
      out.add(describe(k.id(), Scope.parse(k.scope()), k.label(), k.createdAtMillis(), "store"));
    }
    return out;
  }

  /** Whether the key of this id comes from the settings (then only the settings can take it away). */
  boolean isConfigured(String id) {
    for (Holder h : configured.values()) if (h.id().equals(id)) return true;
    return false;
  }

  /** Revokes a key kept in the store; false when the store keeps none of that id. */
  boolean revoke(String id) {
    boolean revoked = store.deleteApiKey(id);
    reload();
    return revoked;
  }

  private static Map<String, Object> describe(String id, Scope scope, String label, long createdAtMillis,
                                              String source) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("scope", scope.wireName());
    if (label != null) m.put("label", label);
    if (createdAtMillis > 0) m.put("created_at", Instant.ofEpochMilli(createdAtMillis).toString());
    m.put("source", source);
    return m;
  }

  /** A short name for a key, safe to show: the first 12 hex digits of its digest. */
  private static String idOf(byte[] digest) {
    return HexFormat.of().formatHex(digest, 0, 6);
  }

  private static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
