package io.shiftrec.serve;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answered as {@code application/problem+json} (RFC 9457): {@code type}, {@code title}, {@code status},
 * {@code detail}, and members that locate the problem (the parameter, the rows).
 */
final class Problem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String slug;
  private final String title;
  private final transient Map<String, Object> members;

  private Problem(int status, String slug, String title, String detail, Map<String, Object> members) {
    super(detail, null, false, false);
    this.status = status;
    this.slug = slug;
    this.title = title;
    this.members = members;
  }

  static Problem badRequest(String detail) {
    return new Problem(400, "bad-request", "Bad request", detail, Map.of());
  }

  /** A query or body parameter with a wrong value. */
  static Problem badParameter(String parameter, String detail) {
    return new Problem(400, "bad-parameter", "Bad parameter", "parameter '" + parameter + "': " + detail,
        Map.of("parameter", parameter));
  }

  /** Rows of a batch that failed validation; nothing was written. */
  static Problem badRows(String detail, Object errors) {
    return new Problem(400, "bad-rows", "Bad rows, nothing written", detail, Map.of("errors", errors));
  }

  /** Well-formed rows of a batch holding a value that cannot be true or served; nothing was written. */
  static Problem implausibleRows(String field, String detail, Object errors) {
    return new Problem(422, "implausible-rows", "Implausible values, nothing written", detail,
        Map.of("parameter", field, "errors", errors));
  }

  /** A text longer than the server reads. */
  static Problem tooLong(String parameter, int length, int limit) {
    return new Problem(422, "too-long", "Text too long", "parameter '" + parameter + "': " + length
        + " characters, more than the " + limit + " accepted", Map.of("parameter", parameter, "limit", limit));
  }

  /** A text in a language the bundled models do not read well enough to answer from. */
  static Problem unsupportedLanguage(String parameter, String language) {
    return new Problem(422, "unsupported-language", "Unsupported language", "parameter '" + parameter + "': the text"
        + " reads as " + language + "; ShiftRec reads English and Chinese", Map.of("parameter", parameter,
        "language", language));
  }

  /** A batch with more rows than one request may carry. */
  static Problem batchTooLong(String name, int rows, int limit) {
    return new Problem(422, "batch-too-long", "Batch too long", "a batch of " + rows + " " + name
        + " is longer than the " + limit + " one request may carry; send several", Map.of("parameter", name,
        "limit", limit));
  }

  static Problem unauthorized() {
    return new Problem(401, "unauthorized", "API key required",
        "send the API key as 'Authorization: Bearer <key>'", Map.of());
  }

  static Problem forbidden() {
    return new Problem(403, "forbidden", "Wrong API key", "the API key sent is not this server's", Map.of());
  }

  /** A key of this server whose scope does not reach the call. */
  static Problem insufficientScope(String has, String needs) {
    return new Problem(403, "insufficient-scope", "Key scope too narrow", "this call needs a key of scope " + needs
        + " or wider; the key sent is a " + has + " key", Map.of("scope", has, "needs", needs));
  }

  /** A key named by the server's settings, which the API cannot take away. */
  static Problem configuredKey(String id) {
    return new Problem(422, "configured-key", "Key set in the settings", "key " + id + " comes from the server's"
        + " settings (api_key, api_keys); remove it there", Map.of("key", id));
  }

  static Problem appExists(String name) {
    return new Problem(409, "app-exists", "App exists", "an app named '" + name + "' exists already",
        Map.of("app", name));
  }

  /** Apps keep store files beside the deployment's own: a deployment on a database server has none. */
  static Problem appsNeedAFileStore() {
    return new Problem(409, "apps-need-a-file-store", "Apps need a file store", "this deployment's store is a"
        + " database server; apps are kept in store files beside a file store, so none can be made here", Map.of());
  }

  static Problem notFound(String kind, String id) {
    return new Problem(404, "unknown-" + kind, "Unknown " + kind, "unknown " + kind + " '" + id + "'",
        Map.of(kind, id));
  }

  static Problem noRoute(String method, String path) {
    return new Problem(404, "no-route", "No such route", "no route " + method + " " + path
        + " (see /openapi.json)", Map.of());
  }

  static Problem tooLarge(long limit) {
    return new Problem(413, "too-large", "Request too large",
        "the request body is larger than " + limit + " bytes", Map.of("limit", limit));
  }

  static Problem tooManyRequests(long perSecond) {
    return new Problem(429, "rate-limited", "Too many requests", "more than " + perSecond + " requests a second"
        + " (twice as many in a burst); retry after the seconds in Retry-After", Map.of("limit", perSecond));
  }

  static Problem queueFull(int capacity) {
    return new Problem(503, "item-queue-full", "Item queue full",
        "the " + capacity + " places for items waiting to be encoded are taken; retry shortly",
        Map.of("capacity", capacity));
  }

  static Problem batchOverQueue(int items, int capacity) {
    return new Problem(413, "batch-over-item-queue", "Batch larger than the item queue",
        "a batch of " + items + " items can never fit the item queue of " + capacity + "; send smaller batches",
        Map.of("capacity", capacity));
  }

  static Problem methodNotAllowed(String method, String allowed) {
    return new Problem(405, "method-not-allowed", "Method not allowed",
        method + " is not answered here (allowed: " + allowed + ")", Map.of());
  }

  static Problem unsupportedMediaType(String contentType) {
    return new Problem(415, "unsupported-media-type", "Unsupported media type",
        "expected Content-Type: application/json, got " + (contentType == null ? "none" : "'" + contentType + "'"),
        Map.of());
  }

  /** Any other status Javalin or Jetty reports (a malformed request, a URI or headers too long). */
  static Problem http(int status, String title) {
    return http(status, title, title);
  }

  static Problem http(int status, String title, String detail) {
    return new Problem(status, "http-" + status, title, detail, Map.of());
  }

  /** The store's disk is full: nothing of the request was written, and reads go on. */
  static Problem storeFull() {
    return new Problem(507, "store-full", "Store full", "the store has no room left on its disk; nothing of this"
        + " request was written. Reads are still answered; writes succeed again once room is made", Map.of());
  }

  static Problem unknownModelVersion(String version) {
    return new Problem(404, "unknown-model-version", "Unknown model version", "no model version '" + version
        + "' is stored (GET /models lists them)", Map.of("version", version));
  }

  static Problem unservableModel(String version, String detail) {
    return new Problem(422, "model-unservable", "Model version cannot be served", "version " + version + ": "
        + detail + "; the active version stays", Map.of());
  }

  static Problem internal() {
    return new Problem(500, "internal", "Internal error", "the server failed; its log tells why", Map.of());
  }

  int status() {
    return status;
  }

  /** The problem document. */
  Map<String, Object> body(String instance) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "urn:shiftrec:problem:" + slug);
    m.put("title", title);
    m.put("status", status);
    m.put("detail", getMessage());
    if (instance != null) m.put("instance", instance);
    m.putAll(members);
    return m;
  }
}
