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

  static Problem unauthorized() {
    return new Problem(401, "unauthorized", "API key required",
        "send the API key as 'Authorization: Bearer <key>'", Map.of());
  }

  static Problem forbidden() {
    return new Problem(403, "forbidden", "Wrong API key", "the API key sent is not this server's", Map.of());
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

  static Problem unsupportedMediaType(String contentType) {
    return new Problem(415, "unsupported-media-type", "Unsupported media type",
        "expected application/json, got " + contentType, Map.of());
  }

  /** Any other status Javalin reports (405 and the like). */
  static Problem http(int status, String title) {
    return new Problem(status, "http-" + status, title, title, Map.of());
  }

  static Problem internal() {
    return new Problem(500, "internal", "Internal error", "the server failed; its standard error tells why", Map.of());
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
    m.put("instance", instance);
    m.putAll(members);
    return m;
  }
}
