package io.shiftrec.serve;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * The dashboard's sign-ins, kept in memory only: a random id (what the cookie holds) for the app, the key's id and
 * scope, and the token its forms must send back. The key itself is never kept. At most {@value #MAX_SESSIONS}
 * sessions, each ending after {@link #IDLE} without a request and {@link #LIFETIME} after sign-in whatever its use.
 */
final class DashboardSessions {
  static final int MAX_SESSIONS = 10_000;
  static final Duration IDLE = Duration.ofMinutes(30);
  static final Duration LIFETIME = Duration.ofHours(12);
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * One sign-in.
   *
   * @param keyId the key's id (the start of its digest), to find out that it was revoked and for rate limits
   * @param csrf the token every form of this session carries, checked on each POST
   */
  record Session(String id, String app, String keyId, ApiKeys.Scope scope, String csrf, long createdAtMillis) {}

  private final Cache<String, Session> sessions = Caffeine.newBuilder()
      .maximumSize(MAX_SESSIONS)
      .expireAfterAccess(IDLE)
      .build();

  /** A new session with fresh random ids: never one the browser brought (no fixation). */
  Session create(String app, ApiKeys.Holder holder) {
    Session s = new Session(token(), app, holder.id(), holder.scope(), token(), System.currentTimeMillis());
    sessions.put(s.id(), s);
    return s;
  }

  /** The live session of this id; null when there is none or it outlived {@link #LIFETIME}. */
  Session get(String id) {
    if (id == null || id.isEmpty()) return null;
    Session s = sessions.getIfPresent(id);
    if (s != null && System.currentTimeMillis() - s.createdAtMillis() > LIFETIME.toMillis()) {
      sessions.invalidate(id);
      return null;
    }
    return s;
  }

  void end(String id) {
    if (id != null) sessions.invalidate(id);
  }

  long size() {
    sessions.cleanUp();
    return sessions.estimatedSize();
  }

  /** 32 random bytes, base64url: a session id or a form token. */
  static String token() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** Whether two tokens are equal, in time that does not depend on where they differ. */
  static boolean same(String a, String b) {
    if (a == null || b == null) return false;
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
