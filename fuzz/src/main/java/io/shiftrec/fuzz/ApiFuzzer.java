package io.shiftrec.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Hostile HTTP requests for the server, derived from its OpenAPI document: each operation (path, method, parameters,
 * request body schema) gives a well-formed request, which is then broken with hostile values: malformed, truncated,
 * deeply nested, huge or empty bodies, wrong types, huge numbers, timestamps out of range, duplicated fields, ids of
 * 100 KB with control characters, path traversal and SQL, wrong or missing content types and API keys, wrong methods,
 * and, at the byte level, broken request lines, headers and body framing.
 *
 * <p>Every request is built from the random generator it is given alone, so a seed reproduces it. Requests are sent
 * by {@link FuzzClient}, which also checks the answers; the fuzz test and {@code shiftrec bench fuzz} share both.
 */
public final class ApiFuzzer {
  /** What a generated request aims at. */
  public enum Family {
    /** An operation of the document with one to three hostile values, headers or a wrong method. */
    SPEC,
    /**
     * A well-formed write (the right key and content type) with one hostile field value in one row: what the
     * validation of each field lets through, and whether what it let through breaks the reads after it.
     */
    FIELDS,
    /** A request body of an operation that takes one, broken as a whole: syntax, nesting, size, encoding. */
    BODY,
    /** An operation with a missing, empty or wrong API key (or the right one, sent oddly). */
    AUTH,
    /** Bytes that are barely HTTP: broken request lines, headers and body framing. */
    WIRE
  }

  /** Ids and domains the store holds, so that well-formed requests reach past the "unknown id" checks. */
  public record Known(List<String> users, List<String> items, List<String> domains) {
    public Known {
      if (users.isEmpty() || items.isEmpty() || domains.isEmpty()) {
        throw new IllegalArgumentException("the fuzzer needs at least one known user, item and domain");
      }
      users = List.copyOf(users);
      items = List.copyOf(items);
      domains = List.copyOf(domains);
    }
  }

  /**
   * One request. {@code wire}, when set, is sent as it is; otherwise the request line, {@code headers} and
   * {@code body} are (with {@code Host}, {@code Content-Length} and {@code Connection: close} added unless the
   * headers name them).
   *
   * @param operation the documented operation it came from ("POST /events"), or what it is otherwise ("wire")
   * @param mutations what was done to it, most telling first
   * @param halfClose whether the client closes its sending side after the request (for broken framing: the server
   *     then sees the end instead of waiting for bytes that never come)
   * @param answerOwed whether the request is complete enough that the server owes an answer; a server may close
   *     without one on bytes that stop in the middle of a request line or a body
   */
  public record Request(Family family, String operation, String method, String target, List<String[]> headers,
                        byte[] body, byte[] wire, List<String> mutations, boolean halfClose, boolean answerOwed) {
    /** Whether the request could change the store if the server took it. */
    public boolean mayWrite() {
      return !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS") || method.equals("TRACE"));
    }

    public boolean isHead() {
      return method.equals("HEAD");
    }

    /** The bytes sent to {@code authority} (host:port). */
    public byte[] bytes(String authority) {
      if (wire != null) return wire;
      ByteArrayOutputStream out = new ByteArrayOutputStream(256 + (body == null ? 0 : body.length));
      write(out, method + " " + target + " HTTP/1.1\r\n");
      boolean host = false, length = false, connection = false;
      for (String[] h : headers) {
        String name = h[0].toLowerCase(Locale.ROOT);
        host |= name.equals("host");
        length |= name.equals("content-length") || name.equals("transfer-encoding");
        connection |= name.equals("connection");
        write(out, h[0] + ": " + h[1] + "\r\n");
      }
      if (!host) write(out, "Host: " + authority + "\r\n");
      if (body != null && !length) write(out, "Content-Length: " + body.length + "\r\n");
      if (!connection) write(out, "Connection: close\r\n");
      write(out, "\r\n");
      if (body != null) out.writeBytes(body);
      return out.toByteArray();
    }

    /**
     * The mutation that most likely decided the answer, for grouping findings: one that put 1,000 characters or more
     * in the request line or a header (a URI or header too long is refused before anything else), else the last one
     * that replaced the body as a whole, else one that put a long value in the body, else the first.
     */
    public String primaryMutation() {
      for (String m : mutations) {
        if (!m.startsWith("body") && isLong(m)) return m;
      }
      for (int i = mutations.size() - 1; i >= 0; i--) {
        if (mutations.get(i).startsWith("body:")) return mutations.get(i);
      }
      for (String m : mutations) {
        if (isLong(m)) return m;
      }
      return mutations.isEmpty() ? "none" : mutations.get(0);
    }

    private static boolean isLong(String mutation) {
      java.util.regex.Matcher chars = LONG_VALUE.matcher(mutation);
      return chars.find() && Integer.parseInt(chars.group(1)) >= 1_000;
    }

    /** The request for a report: request line, headers, body, each shortened to about {@code max} characters. */
    public String describe(int max, String apiKey) {
      if (wire != null) return "raw bytes: " + excerpt(wire, max * 2, apiKey);
      StringBuilder s = new StringBuilder();
      s.append(excerpt(method.getBytes(StandardCharsets.UTF_8), 40, apiKey)).append(' ')
          .append(excerpt(target.getBytes(StandardCharsets.UTF_8), max, apiKey));
      for (String[] h : headers) {
        s.append("\n  ").append(excerpt(h[0].getBytes(StandardCharsets.UTF_8), 40, apiKey)).append(": ")
            .append(excerpt(h[1].getBytes(StandardCharsets.UTF_8), max / 2, apiKey));
      }
      if (body != null) s.append("\n  body (").append(body.length).append(" bytes): ").append(excerpt(body, max, apiKey));
      return s.toString();
    }
  }

  private record Param(String name, JsonNode schema) {}

  private record Operation(String method, String template, List<Param> pathParams, List<Param> queryParams,
                           JsonNode body, boolean needsKey) {
    String label() {
      return method + " " + template;
    }
  }

  /** A request being built: the parts a mutation may change. */
  private static final class Draft {
    final Operation op;
    String method;
    final List<String[]> pathValues = new ArrayList<>(); // name, value as it goes on the wire (already encoded)
    final List<String[]> query = new ArrayList<>(); // name, value as it goes on the wire (already encoded)
    JsonNode body;
    byte[] rawBody; // replaces body when set
    String contentType;
    final List<String[]> headers = new ArrayList<>();
    boolean contentTypeChosen; // sent even without a body
    String auth; // the Authorization value, or null for none
    final List<String> raws = new ArrayList<>(); // raw JSON spliced in for placeholders
    final List<String> mutations = new ArrayList<>();

    Draft(Operation op) {
      this.op = op;
      this.method = op.method();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  /** How {@link #label} gives the length of a long value. */
  private static final java.util.regex.Pattern LONG_VALUE = java.util.regex.Pattern.compile("\\((\\d+) chars\\)");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String PLACEHOLDER = "\u0001fuzz-raw-";
  private static final String[] WORDS = {"space", "alien", "romantic", "comedy", "London", "knife", "steel", "crew",
      "planet", "love", "kitchen", "jungle", "film", "quiet", "heavy", "skillet", "story", "hunter", "bookshop"};
  private static final String[] HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE",
      "CONNECT", "PROPFIND", "FOO", "get", "Post", "G\u00c9T", "GET\u0000", "M".repeat(300)};

  /** Strings that break parsers, paths, SQL and logs; each goes in ids, parameters and fields. */
  private static final String[] HOSTILE_STRINGS = {
      "", " ", "\u0000", "a\u0000b", "\u0001\u0002\u001b[31m\u001f\u007f", "\r\n", "x\r\nSet-Cookie: a=b", "\t", "\\",
      "../../../../etc/passwd", "..\\..\\..\\windows\\win.ini", "..", ".", "/", "//", "%2e%2e", "%2e%2e%2f%2e%2e%2f",
      "..%2F..%2Fetc%2Fpasswd", "%2F", "%5C", "%00", "%", "%zz", "%C3%28", "%FF%FE", "%u0000", "a/../b", "a;b=c",
      "a?b=c", "a#b", "' OR '1'='1", "'; DROP TABLE events; --", "\" OR 1=1 --", "1; DELETE FROM users",
      "admin'--", "%' AND 1=1 AND '%'='", "' UNION SELECT * FROM sqlite_master --", "NULL", "null", "undefined",
      "NaN", "-1", "0", "[]", "{}", "${jndi:ldap://127.0.0.1/a}", "%s%s%s%n", "{{7*7}}", "<script>alert(1)</script>",
      "&#0;", "\ud83d\ude00", "\u202e\u0644\u0627", "\ufeff", "\uffff", "\ufffe", "\u00e4", "\u03a9\u2248\u00e7\u221a",
      "\ud835\udd4f".repeat(200), "\u0130stanbul", "x".repeat(10_000)};

  /** JSON string literals with escapes a Java string cannot carry to the wire as such (lone surrogates, NUL). */
  private static final String[] HOSTILE_JSON_STRINGS = {"\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"",
      "\"\\udfff\\ud800\"", "\"\\uD83D\"", "\"\\u001f\\u007f\"", "\"\\/\\/..\\/..\"", "\"\\uFFFF\"",
      "\"\\u202e\""};

  /** Number tokens as they are written in JSON or in a query string. */
  private static final String[] HOSTILE_NUMBERS = {"NaN", "Infinity", "-Infinity", "1e308", "-1e308", "1e309",
      "4.9e-324", "1e-400", "-1", "0", "-0", "1.5", "2147483648", "-2147483649", "9223372036854775807",
      "9223372036854775808", "-9223372036854775809", "18446744073709551616", digits(1_100), "-" + digits(1_100),
      "0." + digits(1_100), "1e1000000000", "0x10", "+1", "01", "1_000", "1,5", "\u0663", "1e3"};

  /** Timestamps as JSON values: before 1970, far ahead, out of every range, not dates at all. */
  private static final String[] HOSTILE_TIMESTAMPS = {"-1", "-62135596800", "-9223372036854775808",
      "-86400000000000", "253402300800", "4102444800", "9223372036854775807", "1e308", digits(1_100), "1.7e9",
      "\"1969-12-31T23:59:59Z\"", "\"0001-01-01T00:00:00Z\"", "\"1900-01-01\"", "\"9999-12-31T23:59:59Z\"",
      "\"+10000-01-01T00:00:00Z\"", "\"-999999999-01-01T00:00:00Z\"", "\"+999999999-12-31T23:59:59.999999999Z\"",
      "\"2024-02-30T00:00:00Z\"", "\"2024-13-01\"", "\"\"", "\"now\"", "\"1700000000\"", "\"1970-01-01T00:00:00+25:00\"",
      "\"2024-01-01T00:00:00\"", "\"2024-06-01T12:00:00.123456789123Z\""};

  /** Values of the wrong type for any field. */
  private static final String[] WRONG_TYPES = {"{}", "[]", "[[]]", "true", "false", "null", "0", "\"\"", "\"x\"",
      "{\"a\":1}", "[1,2,3]", "[\"a\",{\"b\":[null]}]", "-0.0"};

  /** Arrays and objects for fields that take them: nested, huge, duplicated keys, NUL keys. */
  private static final String[] HOSTILE_ARRAYS = {"[" + jsonString("x".repeat(50_000)) + "]", "[null]", "[1,2]",
      "[" + "\"a\",".repeat(20_000) + "\"a\"]", "[[[[[]]]]]"};
  private static final String[] HOSTILE_OBJECTS = {"{\"a\":{\"b\":{\"c\":[1,{\"d\":null}]}}}", "{\"\":\"\"}",
      "{\"k\":" + digits(1_100) + "}", "{\"a\":\"b\",\"a\":\"c\"}", "{\"\\u0000\":\"\\u0000\"}",
      "{" + manyFields(5_000) + "}"};
  /** Whole bodies of the wrong shape. */
  private static final String[] TOP_LEVEL_BODIES = {"null", "{}", "[]", "[null]", "[[]]", "\"str\"", "0", "true",
      "[1,2]", "[{}]", "[\"\"]", "{\"text\":{}}", "[{\"id\":null}]", "[" + "{},".repeat(2_000) + "{}]"};
  /** Number tokens over a parser's length limit (1,000 digits in Jackson) or its exponent range. */
  private static final String[] NUMBER_BOMBS = {digits(1_001), digits(1_100), digits(100_000), "-" + digits(1_100),
      "0." + digits(1_100), "1e" + digits(1_100), "1" + "0".repeat(1_100) + ".5"};

  private static final String[] CONTENT_TYPES = {null, "text/plain", "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/json; charset=latin1",
      "application/xml", "", " ", "application/jsonx", "application/problem+json", "*/*", "APPLICATION/JSON",
      "application/json;;;", "application/json; charset=\"", "text/json", "application/json\u0000",
      "application/json; x=" + "y".repeat(10_000), "application/octet-stream", "application/json; charset=nope",
      "application/json; charset=", "application/json; charset=utf-8; charset=utf-16", "application/json; charset=\"\"",
      "application/json; charset=x\u0000y", "application/json; charset=utf-32"};

  private final List<Operation> operations = new ArrayList<>();
  private final List<Operation> withBodies = new ArrayList<>();
  private final JsonNode document;
  private final String apiKey;
  private final Known known;
  private final long maxBodyBytes;
  private final String hugeId;

  private ApiFuzzer(JsonNode document, String apiKey, Known known, long maxBodyBytes) {
    this.document = document;
    this.apiKey = apiKey;
    this.known = known;
    this.maxBodyBytes = maxBodyBytes;
    StringBuilder id = new StringBuilder(100 * 1024);
    while (id.length() < 100 * 1024) id.append("id-0123456789-");
    this.hugeId = id.substring(0, 100 * 1024);
    JsonNode paths = document.path("paths");
    for (Iterator<Map.Entry<String, JsonNode>> p = paths.fields(); p.hasNext(); ) {
      Map.Entry<String, JsonNode> path = p.next();
      for (Iterator<Map.Entry<String, JsonNode>> m = path.getValue().fields(); m.hasNext(); ) {
        Map.Entry<String, JsonNode> method = m.next();
        String verb = method.getKey().toUpperCase(Locale.ROOT);
        if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(verb)) continue;
        JsonNode op = method.getValue();
        List<Param> pathParams = new ArrayList<>(), queryParams = new ArrayList<>();
        List<JsonNode> params = new ArrayList<>();
        path.getValue().path("parameters").forEach(params::add);
        op.path("parameters").forEach(params::add);
        for (JsonNode param : params) {
          param = resolve(param);
          Param pr = new Param(param.path("name").asText(), resolve(param.path("schema")));
          if (param.path("in").asText().equals("path")) pathParams.add(pr);
          if (param.path("in").asText().equals("query")) queryParams.add(pr);
        }
        JsonNode body = resolve(op.path("requestBody")).path("content").path("application/json").path("schema");
        // the key is needed unless the document says it may be left out: no requirement, or an empty one ({})
        JsonNode security = op.has("security") ? op.path("security") : document.path("security");
        boolean needsKey = !security.isEmpty();
        for (JsonNode requirement : security) needsKey &= !requirement.isEmpty();
        Operation o = new Operation(verb, path.getKey(), pathParams, queryParams, body.isMissingNode() ? null
            : resolve(body), needsKey);
        operations.add(o);
        if (o.body() != null) withBodies.add(o);
      }
    }
    if (operations.isEmpty()) throw new IllegalArgumentException("the OpenAPI document has no operations");
  }

  /**
   * A fuzzer for the API a document describes.
   *
   * @param openApi the server's OpenAPI document ({@code GET /openapi.json})
   * @param apiKey the server's key, sent where a request should pass the key check
   * @param maxBodyBytes the server's request body limit: bodies over it are generated just over it
   */
  public static ApiFuzzer fromOpenApi(byte[] openApi, String apiKey, Known known, long maxBodyBytes)
      throws IOException {
    return new ApiFuzzer(JSON.readTree(openApi), apiKey, known, maxBodyBytes);
  }

  /** The documented operations, as "METHOD /path". */
  public List<String> operations() {
    List<String> out = new ArrayList<>();
    for (Operation o : operations) out.add(o.label());
    return out;
  }

  /** A request of a family drawn with weights: mostly document-derived, then broken bodies and fields, keys, bytes. */
  public Request next(RandomGenerator r) {
    int roll = r.nextInt(100);
    return next(r, roll < 45 ? Family.SPEC : roll < 60 ? Family.FIELDS : roll < 78 ? Family.BODY : roll < 89
        ? Family.AUTH : Family.WIRE);
  }

  public Request next(RandomGenerator r, Family family) {
    return switch (family) {
      case SPEC -> spec(r);
      case FIELDS -> fields(r);
      case BODY -> body(r);
      case AUTH -> auth(r);
      case WIRE -> wire(r);
    };
  }

  /**
   * Reads of what an accepted write stored: for each user and item the write's rows name (two of each at most), every
   * documented {@code GET} of that user or item. A write the server took must not break the reads that follow it
   * (a timestamp it stored but cannot print, a value that poisons a score). Empty unless the write was a
   * {@code POST} with a JSON array body answered 2xx.
   */
  public List<Request> readsAfter(Request write, int status) {
    List<Request> out = new ArrayList<>();
    if (status < 200 || status >= 300 || !write.method().equals("POST") || write.body() == null) return out;
    JsonNode rows;
    try {
      rows = JSON.readTree(write.body());
    } catch (IOException | RuntimeException e) {
      return out;
    }
    if (rows == null || !rows.isArray()) return out;
    List<String> users = new ArrayList<>(), items = new ArrayList<>();
    boolean itemRows = write.operation().equals("POST /items");
    for (JsonNode row : rows) {
      addId(users, row.path("user"));
      addId(items, row.path(itemRows ? "id" : "item"));
    }
    String why = "read after an accepted write (" + write.primaryMutation() + ")";
    for (Operation op : operations) {
      if (!op.method().equals("GET") || op.pathParams().size() != 1) continue;
      List<String> ids = op.template().startsWith("/users/") ? users : op.template().startsWith("/items/") ? items
          : List.of();
      for (String id : ids) {
        String target = op.template().replace("{" + op.pathParams().get(0).name() + "}", encode(id));
        out.add(new Request(Family.SPEC, op.label(), "GET", target, List.<String[]>of(new String[] {"Authorization",
            "Bearer " + apiKey}), null, null, List.of(why), false, true));
      }
    }
    return out;
  }

  private static void addId(List<String> ids, JsonNode id) {
    if (id.isTextual() && !id.asText().isEmpty() && id.asText().length() <= 2_000 && ids.size() < 2
        && !ids.contains(id.asText())) {
      ids.add(id.asText());
    }
  }

  /**
   * How a 2xx JSON answer departs from the schema the document gives for the operation and status: missing required
   * members and values of the wrong type (the first few). Empty when it conforms or the document has no schema.
   */
  public List<String> schemaMismatches(String operation, int status, JsonNode answer) {
    List<String> out = new ArrayList<>();
    for (Operation op : operations) {
      if (!op.label().equals(operation)) continue;
      JsonNode schema = resolve(document.path("paths").path(op.template()).path(op.method().toLowerCase(Locale.ROOT))
          .path("responses").path(Integer.toString(status))).path("content").path("application/json").path("schema");
      if (!schema.isMissingNode()) conforms(schema, answer, "$", out);
    }
    return out;
  }

  private void conforms(JsonNode schema, JsonNode value, String where, List<String> out) {
    if (out.size() >= 3) return;
    schema = resolve(schema);
    switch (schema.path("type").asText("")) {
      case "object" -> {
        if (!value.isObject()) {
          out.add(where + ": expected an object, got " + excerpt(value));
          return;
        }
        for (JsonNode required : schema.path("required")) {
          if (!value.has(required.asText())) out.add(where + ": no '" + required.asText() + "'");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> p = it.next();
          if (value.has(p.getKey()) && !value.get(p.getKey()).isNull()) {
            conforms(p.getValue(), value.get(p.getKey()), where + "." + p.getKey(), out);
          }
        }
      }
      case "array" -> {
        if (!value.isArray()) {
          out.add(where + ": expected an array, got " + excerpt(value));
          return;
        }
        for (int i = 0; i < value.size() && out.size() < 3; i++) {
          conforms(schema.path("items"), value.get(i), where + "[" + i + "]", out);
        }
      }
      case "string" -> {
        if (!value.isTextual()) out.add(where + ": expected a string, got " + excerpt(value));
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) out.add(where + ": expected an integer, got " + excerpt(value));
      }
      case "number" -> {
        if (!value.isNumber()) out.add(where + ": expected a number, got " + excerpt(value));
      }
      case "boolean" -> {
        if (!value.isBoolean()) out.add(where + ": expected a boolean, got " + excerpt(value));
      }
      default -> { }
    }
  }

  private static String excerpt(JsonNode value) {
    return excerpt(value.toString().getBytes(StandardCharsets.UTF_8), 60, null);
  }

  // ------------------------------------------------------------------------------------------------ families

  private Request spec(RandomGenerator r) {
    Draft d = draft(pick(r, operations), r);
    int n = 1 + r.nextInt(3);
    for (int i = 0; i < n; i++) {
      int roll = r.nextInt(100);
      if (roll < 22 && !d.pathValues.isEmpty()) {
        mutatePathValue(d, r);
      } else if (roll < 40) {
        mutateQuery(d, r);
      } else if (roll < 68 && d.body != null) {
        mutateField(d, r);
      } else if (roll < 76) {
        mutateBodyShape(d, r);
      } else if (roll < 84) {
        mutateContentType(d, r);
      } else if (roll < 91) {
        mutateAuth(d, r);
      } else {
        mutateMethod(d, r);
      }
    }
    return build(d, Family.SPEC);
  }

  private Request fields(RandomGenerator r) {
    Draft d = draft(pick(r, withBodies.isEmpty() ? operations : withBodies), r);
    d.contentType = "application/json";
    d.auth = "Bearer " + apiKey;
    mutateField(d, r);
    return build(d, Family.FIELDS);
  }

  private Request body(RandomGenerator r) {
    Draft d = draft(pick(r, withBodies.isEmpty() ? operations : withBodies), r);
    if (r.nextInt(4) == 0 && d.body != null) mutateField(d, r);
    mutateBodyShape(d, r);
    return build(d, Family.BODY);
  }

  private Request auth(RandomGenerator r) {
    Draft d = draft(pick(r, operations), r);
    mutateAuth(d, r);
    return build(d, Family.AUTH);
  }

  /** A well-formed request for the operation, its key included when it needs one. */
  private Draft draft(Operation op, RandomGenerator r) {
    Draft d = new Draft(op);
    for (Param p : op.pathParams()) d.pathValues.add(new String[] {p.name(), encode(pathValue(op, p, r))});
    for (Param p : op.queryParams()) {
      if (r.nextInt(3) != 0) continue;
      if (p.name().equals("context")) {
        d.query.add(new String[] {"context%5B" + pick(r, new String[] {"device", "time", "place"}) + "%5D",
            pick(r, new String[] {"tv", "phone", "night"})});
      } else {
        d.query.add(new String[] {p.name(), encode(valid(p.schema(), p.name(), r).asText())});
      }
    }
    if (op.body() != null) {
      d.body = valid(op.body(), "", r);
      d.contentType = r.nextInt(4) == 0 ? "application/json; charset=utf-8" : "application/json";
    }
    if (op.needsKey() || r.nextInt(4) == 0) d.auth = "Bearer " + apiKey;
    return d;
  }

  private String pathValue(Operation op, Param p, RandomGenerator r) {
    boolean items = op.template().startsWith("/items");
    // deletes mostly aim at users the fuzz itself wrote, so the store's own users stay for the reads
    if (op.method().equals("DELETE") && r.nextInt(10) != 0) return "fuzz-user-" + r.nextInt(1_000);
    if (r.nextInt(5) == 0) return "fuzz-" + Integer.toString(r.nextInt(1 << 20), 36);
    return items ? pick(r, known.items()) : pick(r, known.users());
  }

  // ------------------------------------------------------------------------------------------------ mutations

  private void mutatePathValue(Draft d, RandomGenerator r) {
    String[] slot = d.pathValues.get(r.nextInt(d.pathValues.size()));
    String value = r.nextInt(6) == 0 ? hugeId : pick(r, HOSTILE_STRINGS);
    boolean raw = r.nextInt(3) == 0;
    slot[1] = raw ? value : encode(value);
    d.mutations.add("path." + slot[0] + (raw ? "=raw:" : "=") + label(value));
  }

  private void mutateQuery(Draft d, RandomGenerator r) {
    Param p = d.op.queryParams().isEmpty() ? null : pick(r, d.op.queryParams());
    String name = p == null || r.nextInt(5) == 0 ? pick(r, new String[] {"unknown", "k", "context", "context[",
        "context[]", "context%5Bx%5D", "%00", "a".repeat(5_000), "diversity"}) : p.name();
    String type = p == null ? "string" : p.schema().path("type").asText("string");
    String value;
    int roll = r.nextInt(10);
    if (name.equals("context") && roll < 5) {
      name = "context%5B" + encode(pick(r, HOSTILE_STRINGS)) + "%5D";
      value = encode(pick(r, HOSTILE_STRINGS));
    } else if ((type.equals("integer") || type.equals("number")) && roll < 7) {
      value = encode(pick(r, HOSTILE_NUMBERS));
    } else if (type.equals("boolean") && roll < 5) {
      value = pick(r, new String[] {"TRUE", "yes", "1", "0", "null", "%00", "true%00", "tru"});
    } else if (roll < 8) {
      value = encode(r.nextInt(8) == 0 ? hugeId : pick(r, HOSTILE_STRINGS));
    } else {
      value = pick(r, HOSTILE_STRINGS); // raw, unencoded: spaces, NUL and CRLF go on the request line as they are
    }
    if (r.nextInt(4) == 0) {
      d.query.add(new String[] {name, value}); // a duplicate or an extra parameter
    } else {
      d.query.removeIf(q -> q[0].equals(p == null ? "" : p.name()));
      d.query.add(new String[] {name, value});
    }
    d.mutations.add("query." + label(name) + "=" + label(value));
  }

  /** Puts a hostile value in a field of the body (a known field, an unknown one, or a duplicated one). */
  private void mutateField(Draft d, RandomGenerator r) {
    if (d.body == null) {
      mutateBodyShape(d, r);
      return;
    }
    ObjectNode target = someObject(d.body, r);
    if (target == null) {
      mutateBodyShape(d, r);
      return;
    }
    JsonNode schema = schemaOf(d.op.body(), d.body, target);
    List<String> fields = new ArrayList<>();
    for (Iterator<String> it = schema.path("properties").fieldNames(); it.hasNext(); ) fields.add(it.next());
    for (Iterator<String> it = target.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!fields.contains(f)) fields.add(f);
    }
    // numbers and timestamps half the time: their ranges are where a value can pass the check and break a read
    List<String> numeric = new ArrayList<>();
    for (String f : fields) {
      String t = resolve(schema.path("properties").path(f)).path("type").asText(f.equals("timestamp") ? "timestamp" : "");
      if (t.equals("number") || t.equals("integer") || t.equals("timestamp")) numeric.add(f);
    }
    String field = fields.isEmpty() || r.nextInt(10) == 0 ? pick(r, new String[] {"unknown", "", "__proto__",
        "\u0000", "a".repeat(1_000)}) : !numeric.isEmpty() && r.nextBoolean() ? pick(r, numeric) : pick(r, fields);
    JsonNode fieldSchema = resolve(schema.path("properties").path(field));
    String type = fieldSchema.path("type").asText(field.equals("timestamp") ? "timestamp" : "string");
    String raw = hostileJson(type, r);
    if (r.nextInt(8) == 0 && target.has(field)) {
      // the same key twice: the parser must refuse it, not keep either value
      String first = target.get(field).toString();
      target.remove(field);
      target.set(field, placeholder(d, first + ",\"" + escapeKey(field) + "\":" + raw));
      d.mutations.add("body.duplicate(" + label(field) + ")=" + label(raw));
    } else {
      target.set(field, placeholder(d, raw));
      d.mutations.add("body." + label(field) + "=" + label(raw));
    }
  }

  private String hostileJson(String type, RandomGenerator r) {
    int roll = r.nextInt(10);
    if (roll == 0) return pick(r, WRONG_TYPES);
    if (roll == 1) return deep(pick(r, new int[] {1_001, 5_000, 20_000}), r);
    return switch (type) {
      case "integer", "number" -> roll < 8 ? pick(r, HOSTILE_NUMBERS) : pick(r, HOSTILE_TIMESTAMPS);
      case "timestamp" -> roll < 8 ? pick(r, HOSTILE_TIMESTAMPS) : pick(r, HOSTILE_NUMBERS);
      case "array" -> roll < 4 ? "[" + jsonString(pick(r, HOSTILE_STRINGS)) + "]" : pick(r, HOSTILE_ARRAYS);
      case "object" -> pick(r, HOSTILE_OBJECTS);
      case "boolean" -> pick(r, new String[] {"\"true\"", "1", "0", "null", "True"});
      default -> roll < 4 ? pick(r, HOSTILE_JSON_STRINGS)
          : jsonString(roll < 5 ? hugeId : pick(r, HOSTILE_STRINGS));
    };
  }

  /** Breaks the body as a whole (adding one where the operation takes none). */
  private void mutateBodyShape(Draft d, RandomGenerator r) {
    if (d.contentType == null && r.nextInt(3) != 0) d.contentType = "application/json";
    String text = d.body == null ? "[]" : serialize(d);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int kind = r.nextInt(14);
    String what;
    switch (kind) {
      case 0 -> {
        int cut = bytes.length <= 1 ? 0 : r.nextInt(bytes.length);
        d.rawBody = java.util.Arrays.copyOf(bytes, cut);
        what = "truncated@" + cut;
      }
      case 1 -> {
        d.rawBody = syntaxError(text, r).getBytes(StandardCharsets.UTF_8);
        what = "syntax";
      }
      case 2 -> {
        int depth = pick(r, new int[] {1_001, 5_000, 20_000, 100_000});
        d.rawBody = deep(depth, r).getBytes(StandardCharsets.UTF_8);
        what = "deep-" + depth;
      }
      case 3 -> {
        d.rawBody = pick(r, new String[] {"", " ", "\n\r\n\t", "\u0000", "\u0000\u0000\u0000\u0000"})
            .getBytes(StandardCharsets.UTF_8);
        what = "empty";
      }
      case 4 -> {
        d.rawBody = pick(r, TOP_LEVEL_BODIES).getBytes(StandardCharsets.UTF_8);
        what = "top-level";
      }
      case 5 -> {
        d.rawBody = overLimit(r);
        what = "over-limit";
      }
      case 6 -> {
        d.rawBody = manyRows(d, r).getBytes(StandardCharsets.UTF_8);
        what = "many-rows";
      }
      case 7 -> {
        d.rawBody = brokenUtf8(bytes, r);
        what = "broken-utf8";
      }
      case 8 -> {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        d.rawBody = concat(bom, bytes);
        what = "bom";
      }
      case 9 -> {
        d.rawBody = text.getBytes(r.nextBoolean() ? StandardCharsets.UTF_16 : StandardCharsets.UTF_16LE);
        what = "utf-16";
      }
      case 10 -> {
        d.rawBody = (text + pick(r, new String[] {"]", "}", ",", "x", " []", "\u0000", "\n{}", "//c", "/*"}))
            .getBytes(StandardCharsets.UTF_8);
        what = "trailing";
      }
      case 11 -> {
        d.rawBody = numberBomb(r).getBytes(StandardCharsets.UTF_8);
        what = "number";
      }
      case 12 -> {
        d.rawBody = ("[" + pick(r, new String[] {jsonString(hugeId), jsonString("\u0000".repeat(1_000)),
            "\"" + "\\ud83d".repeat(1_000) + "\"", "\"" + "\\u0000".repeat(1_000) + "\""}) + "]")
            .getBytes(StandardCharsets.UTF_8);
        what = "huge-string";
      }
      default -> {
        byte[] junk = new byte[1 + r.nextInt(2_000)];
        r.nextBytes(junk);
        d.rawBody = junk;
        what = "random-bytes";
      }
    }
    d.body = null;
    d.mutations.removeIf(m -> m.startsWith("body.")); // the fields set before went with the body they were in
    d.mutations.add("body:" + what);
  }

  private void mutateContentType(Draft d, RandomGenerator r) {
    String type = pick(r, CONTENT_TYPES);
    d.contentType = type;
    d.contentTypeChosen = true;
    d.mutations.add("content-type=" + (type == null ? "missing" : label(type)));
    if (d.body == null && d.rawBody == null && r.nextBoolean()) {
      d.body = NODES.arrayNode();
      d.mutations.add("body:[] on " + d.method);
    }
  }

  private void mutateAuth(Draft d, RandomGenerator r) {
    String[] values = {null, "", "Bearer", "Bearer ", "Bearer wrong-key", "Basic dXNlcjpwYXNz", "bearer " + apiKey,
        "Bearer " + apiKey + " ", "Bearer  " + apiKey, "Bearer " + apiKey + "x", "Bearer "
        + apiKey.substring(0, apiKey.length() - 1), "Token " + apiKey, apiKey, "Bearer " + apiKey + "\u0000",
        "Bearer \u00e9\u00e8", "Bearer " + "k".repeat(100 * 1024), "Bearer " + "k".repeat(6_000),
        "Bearer " + apiKey.toUpperCase(Locale.ROOT), "Bearer\t" + apiKey, "Bearer %s", "Bearer ' OR '1'='1"};
    int i = r.nextInt(values.length + 2);
    if (i == values.length) {
      d.auth = "Bearer wrong";
      d.headers.add(new String[] {"Authorization", "Bearer " + apiKey});
      d.mutations.add("auth=twice(wrong,right)");
    } else if (i == values.length + 1) {
      d.auth = null;
      d.headers.add(new String[] {"authorization", "Bearer " + apiKey});
      d.mutations.add("auth=lower-case header name");
    } else {
      d.auth = values[i];
      d.mutations.add("auth=" + (values[i] == null ? "missing" : label(values[i].replace(apiKey, "<key>"))));
    }
  }

  private void mutateMethod(Draft d, RandomGenerator r) {
    String method = pick(r, HTTP_METHODS);
    d.method = method;
    d.mutations.add("method=" + label(method));
  }

  // ------------------------------------------------------------------------------------------------ the wire

  private Request wire(RandomGenerator r) {
    Operation op = pick(r, operations);
    Draft d = draft(op, r);
    String target = target(d);
    String auth = op.needsKey() ? "Authorization: Bearer " + apiKey + "\r\n" : "";
    String body = d.body == null ? "" : serialize(d);
    String host = "Host: 127.0.0.1\r\n";
    String framing = d.body == null ? "" : "Content-Type: application/json\r\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n";
    String line = d.method + " " + target + " HTTP/1.1\r\n";
    String rest = host + auth + framing + "Connection: close\r\n\r\n" + body;
    String what;
    String text;
    byte[] bytes = null;
    boolean owed = true;
    switch (r.nextInt(22)) {
      case 0 -> {
        text = d.method + " " + target + "\r\n" + rest;
        what = "no-version";
      }
      case 1 -> {
        text = d.method + " " + target + " " + pick(r, new String[] {"HTTP/2.0", "HTTP/9.9", "HTTP/1.1 x", "HTTP/1",
            "http/1.1", "HTTP/1.1.1", "HTTP/01.1", "HTTP/", "FTP/1.0"}) + "\r\n" + rest;
        what = "version";
      }
      case 2 -> {
        text = d.method + "  " + target + "  HTTP/1.1\r\n" + rest;
        what = "double-spaces";
      }
      case 3 -> {
        text = line.replace("\r\n", "\n") + rest.replace("\r\n", "\n");
        what = "bare-lf";
      }
      case 4 -> {
        text = d.method + " " + target + pick(r, new String[] {"\u0000", " \u0000", "\u0007", "\t", "\r"})
            + " HTTP/1.1\r\n" + rest;
        what = "control-in-line";
      }
      case 5 -> {
        String path = "/" + "a".repeat(pick(r, new int[] {9_000, 70_000, 300_000}));
        text = "GET " + path + " HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n";
        what = "long-uri";
      }
      case 6 -> {
        text = line + host + "X-Big: " + "b".repeat(pick(r, new int[] {9_000, 70_000})) + "\r\n" + rest.substring(
            host.length());
        what = "big-header";
      }
      case 7 -> {
        StringBuilder many = new StringBuilder(line);
        int n = pick(r, new int[] {200, 2_000});
        for (int i = 0; i < n; i++) many.append("X-H").append(i).append(": v\r\n");
        text = many + rest;
        what = "many-headers";
      }
      case 8 -> {
        text = line + pick(r, new String[] {"NoColon\r\n", "Bad Name: x\r\n", " folded: x\r\n", "X: a\r\n b\r\n",
            ": empty-name\r\n", "X-\u0000: y\r\n", "X: y\u0000z\r\n", "Host : 127.0.0.1\r\n"}) + rest;
        what = "bad-header";
      }
      case 9 -> {
        text = line + auth + framing + "Connection: close\r\n\r\n" + body;
        what = "no-host";
      }
      case 10 -> {
        text = line + host + "Host: example.com\r\n" + rest.substring(host.length());
        what = "two-hosts";
      }
      case 11 -> {
        String b = body.isEmpty() ? "[]" : body;
        int len = b.getBytes(StandardCharsets.UTF_8).length;
        String cl = pick(r, new String[] {"-1", "abc", "99999999999999999999", "0x10", len + ", " + (len + 1),
            String.valueOf(len / 2), "", " " + len, "+" + len, "1e3"});
        text = line + host + auth + "Content-Type: application/json\r\nContent-Length: " + cl
            + "\r\nConnection: close\r\n\r\n" + b;
        what = "content-length=" + label(cl);
      }
      case 12 -> {
        String b = body.isEmpty() ? "[]" : body;
        text = line + host + auth + "Content-Type: application/json\r\nContent-Length: "
            + b.getBytes(StandardCharsets.UTF_8).length + "\r\nContent-Length: 1\r\nConnection: close\r\n\r\n" + b;
        what = "two-content-lengths";
      }
      case 13 -> {
        String b = body.isEmpty() ? "[]" : body;
        text = line + host + auth + "Content-Type: application/json\r\nContent-Length: 3\r\n"
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + Integer.toHexString(b.length()) + "\r\n" + b
            + "\r\n0\r\n\r\n";
        what = "length-and-chunked";
      }
      case 14 -> {
        String b = body.isEmpty() ? "[]" : body;
        String chunks = pick(r, new String[] {"zz\r\n" + b + "\r\n0\r\n\r\n", "ffffffffffffffffff\r\n" + b,
            Integer.toHexString(b.length() + 100) + "\r\n" + b, "1\r\n" + b + "\r\n0\r\n\r\n",
            Integer.toHexString(b.length()) + ";ext=\u0000\r\n" + b + "\r\n0\r\n\r\n", b});
        owed = !chunks.endsWith(b); // a chunk promised longer than what follows: the request never ends
        text = line + host + auth + "Content-Type: application/json\r\nTransfer-Encoding: "
            + pick(r, new String[] {"chunked", "gzip, chunked", "identity", "chunked, chunked", "x"})
            + "\r\nConnection: close\r\n\r\n" + chunks;
        what = "chunked";
      }
      case 15 -> {
        text = line + host + auth + framing + "Expect: 100-continue\r\nConnection: close\r\n\r\n" + body;
        what = "expect-continue";
      }
      case 16 -> {
        text = pick(r, new String[] {"GET * HTTP/1.1\r\n", "OPTIONS * HTTP/1.1\r\n",
            "GET http://127.0.0.1/health HTTP/1.1\r\n", "GET http://evil.example/../health HTTP/1.1\r\n",
            "CONNECT 127.0.0.1:80 HTTP/1.1\r\n", "GET health HTTP/1.1\r\n", "GET ?x HTTP/1.1\r\n",
            "GET /health?" + "%".repeat(100) + " HTTP/1.1\r\n", "GET /%ZZ HTTP/1.1\r\n",
            "GET /users/%C3%28/profile HTTP/1.1\r\n", "GET /users/%ED%A0%80/export HTTP/1.1\r\n",
            "GET /users/..%2F..%2Fhealth/profile HTTP/1.1\r\n", "GET /users/%2e%2e/profile HTTP/1.1\r\n",
            "GET /users/../health HTTP/1.1\r\n", "GET /./health HTTP/1.1\r\n", "GET //health HTTP/1.1\r\n",
            "GET /users/a%00b/export HTTP/1.1\r\n", "GET /items/%2F/similar HTTP/1.1\r\n",
            "GET /users/a;b/profile HTTP/1.1\r\n", "GET /users/%5C..%5C/profile HTTP/1.1\r\n",
            "GET /health# HTTP/1.1\r\n", "GET /users/\u00e9/profile HTTP/1.1\r\n"})
            + host + "Connection: close\r\n\r\n";
        what = "odd-target";
      }
      case 17 -> {
        text = pick(r, new String[] {"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "\r\n\r\n" + line + rest,
            "GET /health HTTP/1.0\r\n\r\n", "GET /health\r\n\r\n", "GET\r\n\r\n", " \r\n\r\n", "\r\n"});
        owed = !text.equals("\r\n");
        what = "odd-start";
      }
      case 18 -> {
        bytes = new byte[1 + r.nextInt(4_000)];
        r.nextBytes(bytes);
        text = null;
        owed = false;
        what = "random-bytes";
      }
      case 19 -> {
        byte[] head = line.getBytes(StandardCharsets.UTF_8);
        bytes = concat(java.util.Arrays.copyOf(head, 1 + r.nextInt(head.length - 1)), new byte[0]);
        text = null;
        owed = false;
        what = "cut-request-line";
      }
      case 20 -> {
        byte[] all = (line + rest).getBytes(StandardCharsets.UTF_8);
        bytes = java.util.Arrays.copyOf(all, Math.max(1, all.length - 1 - r.nextInt(Math.max(1, body.length() + 4))));
        text = null;
        owed = false;
        what = "cut-request";
      }
      default -> {
        // raw bytes that are not UTF-8 in the target and in a header
        byte[] a = (d.method + " /users/").getBytes(StandardCharsets.UTF_8);
        byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xC0, (byte) 0xAF, (byte) 0x80};
        byte[] b = ("/profile HTTP/1.1\r\n" + host + "X-Name: ").getBytes(StandardCharsets.UTF_8);
        byte[] c = "\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        bytes = concat(concat(concat(a, bad), concat(b, bad)), c);
        text = null;
        what = "raw-non-utf8";
      }
    }
    if (bytes == null) bytes = text.getBytes(StandardCharsets.UTF_8);
    List<String> mutations = new ArrayList<>();
    mutations.add("wire:" + what);
    return new Request(Family.WIRE, op.label(), d.method, target, List.of(), null, bytes, mutations, true, owed);
  }

  // ------------------------------------------------------------------------------------------------ building

  private Request build(Draft d, Family family) {
    String target = target(d);
    List<String[]> headers = new ArrayList<>();
    if (d.auth != null) headers.add(new String[] {"Authorization", d.auth});
    if (d.contentType != null && (d.body != null || d.rawBody != null || d.contentTypeChosen)) {
      headers.add(new String[] {"Content-Type", d.contentType});
    }
    headers.addAll(d.headers);
    byte[] body = d.rawBody != null ? d.rawBody : d.body == null ? null : serialize(d).getBytes(StandardCharsets.UTF_8);
    if (body == null && d.contentType != null && !d.op.method().equals("GET") && !d.op.method().equals("DELETE")) {
      body = new byte[0];
    }
    return new Request(family, d.op.label(), d.method, target, List.copyOf(headers), body, null,
        List.copyOf(d.mutations), false, true);
  }

  private static String target(Draft d) {
    String path = d.op.template();
    for (String[] v : d.pathValues) path = path.replace("{" + v[0] + "}", v[1]);
    if (d.query.isEmpty()) return path;
    StringBuilder s = new StringBuilder(path).append('?');
    for (int i = 0; i < d.query.size(); i++) {
      if (i > 0) s.append('&');
      s.append(d.query.get(i)[0]).append('=').append(d.query.get(i)[1]);
    }
    return s.toString();
  }

  /** The body as JSON text, with the raw pieces spliced in where their placeholders stand. */
  private static String serialize(Draft d) {
    String text;
    try {
      text = JSON.writeValueAsString(d.body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    for (int i = 0; i < d.raws.size(); i++) {
      text = text.replace("\"" + jsonEscape(PLACEHOLDER + i) + "\"", d.raws.get(i));
    }
    return text;
  }

  private static TextNode placeholder(Draft d, String raw) {
    d.raws.add(raw);
    return TextNode.valueOf(PLACEHOLDER + (d.raws.size() - 1));
  }

  // ------------------------------------------------------------------------------------------------ valid values

  /** A value the schema accepts, with ids the store knows where the field names one. */
  private JsonNode valid(JsonNode schema, String name, RandomGenerator r) {
    schema = resolve(schema);
    if (schema.has("enum")) return schema.get("enum").get(r.nextInt(schema.get("enum").size()));
    String type = schema.path("type").asText("");
    if (type.isEmpty() && name.equals("timestamp")) {
      return r.nextBoolean() ? NODES.numberNode(1_600_000_000L + r.nextInt(100_000_000))
          : NODES.textNode("2024-0" + (1 + r.nextInt(9)) + "-1" + r.nextInt(10) + "T12:00:00Z");
    }
    switch (type) {
      case "integer": {
        long min = schema.path("minimum").asLong(0), max = schema.path("maximum").asLong(min + 20);
        return NODES.numberNode(min + r.nextLong(Math.min(max - min + 1, 21)));
      }
      case "number": {
        double min = schema.path("minimum").asDouble(1), max = schema.path("maximum").asDouble(5);
        return NODES.numberNode(name.equals("value") ? 1 + r.nextInt(5) : min + r.nextDouble() * (max - min));
      }
      case "boolean":
        return NODES.booleanNode(r.nextBoolean());
      case "array": {
        ArrayNode a = NODES.arrayNode();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) a.add(valid(schema.path("items"), name, r));
        return a;
      }
      case "object": {
        ObjectNode o = NODES.objectNode();
        List<String> required = new ArrayList<>();
        schema.path("required").forEach(n -> required.add(n.asText()));
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> p = it.next();
          boolean likely = p.getKey().equals("timestamp") || p.getKey().equals("item");
          if (required.contains(p.getKey()) || r.nextInt(10) < (likely ? 9 : 4)) {
            o.set(p.getKey(), valid(p.getValue(), p.getKey(), r));
          }
        }
        if (!schema.has("properties")) {
          int n = r.nextInt(3);
          for (int i = 0; i < n; i++) o.put(pick(r, new String[] {"device", "genre", "age", "place"}), pick(r, WORDS));
        }
        return o;
      }
      default:
        return NODES.textNode(text(name, r));
    }
  }

  private String text(String name, RandomGenerator r) {
    return switch (name) {
      case "user" -> r.nextInt(3) == 0 ? "fuzz-user-" + r.nextInt(1_000) : pick(r, known.users());
      case "item" -> pick(r, known.items());
      case "id" -> r.nextInt(3) == 0 ? pick(r, known.items()) : "fuzz-item-" + r.nextInt(1_000);
      case "domain" -> pick(r, known.domains());
      case "language" -> pick(r, new String[] {"en", "zh", "de"});
      default -> {
        StringBuilder s = new StringBuilder();
        int n = 1 + r.nextInt(6);
        for (int i = 0; i < n; i++) s.append(i > 0 ? " " : "").append(pick(r, WORDS));
        yield s.toString();
      }
    };
  }

  // ------------------------------------------------------------------------------------------------ pieces

  private JsonNode resolve(JsonNode node) {
    for (int i = 0; i < 16 && node.has("$ref"); i++) node = document.at(node.get("$ref").asText().substring(1));
    return node;
  }

  /** An object inside the body (the body itself or an element of it), or null. */
  private static ObjectNode someObject(JsonNode body, RandomGenerator r) {
    if (body instanceof ObjectNode o) return o;
    if (body instanceof ArrayNode a && !a.isEmpty() && a.get(r.nextInt(a.size())) instanceof ObjectNode o) return o;
    return null;
  }

  /** The schema of {@code target}: the body's own, or that of its elements. */
  private JsonNode schemaOf(JsonNode bodySchema, JsonNode body, ObjectNode target) {
    return body == target ? bodySchema : resolve(bodySchema.path("items"));
  }

  private String syntaxError(String text, RandomGenerator r) {
    if (text.isEmpty()) return "{";
    int at = r.nextInt(text.length());
    return switch (r.nextInt(8)) {
      case 0 -> text.substring(0, at) + text.substring(at + 1);
      case 1 -> text.substring(0, at) + pick(r, new String[] {"{", "}", "[", "]", ":", ",", "\"", "\\", "'"})
          + text.substring(at);
      case 2 -> text.replace('"', '\'');
      case 3 -> text.replace("}", ",}").replace("]", ",]");
      case 4 -> text.replaceFirst("\"([a-z_]+)\":", "$1:");
      case 5 -> text.substring(0, at) + "/* c */" + text.substring(at);
      case 6 -> text.replace("\":\"", "\":\"\u0001\n\t"); // raw control characters inside strings
      default -> text + text;
    };
  }

  private static String deep(int depth, RandomGenerator r) {
    StringBuilder s = new StringBuilder(depth * 6);
    switch (r.nextInt(4)) {
      case 0 -> {
        s.append("[".repeat(depth)).append("]".repeat(depth));
      }
      case 1 -> {
        for (int i = 0; i < depth; i++) s.append("{\"a\":");
        s.append('1').append("}".repeat(depth));
      }
      case 2 -> s.append("[".repeat(depth)); // never closed
      default -> {
        for (int i = 0; i < depth; i++) s.append(i % 2 == 0 ? "[" : "{\"a\":");
        s.append("null");
        for (int i = depth - 1; i >= 0; i--) s.append(i % 2 == 0 ? "]" : "}");
      }
    }
    return s.toString();
  }

  private static String numberBomb(RandomGenerator r) {
    String n = pick(r, NUMBER_BOMBS);
    return pick(r, new String[] {"[" + n + "]", n, "{\"text\":\"x\",\"k\":" + n + "}",
        "[{\"user\":\"ann\",\"item\":\"alien\",\"type\":\"rating\",\"value\":" + n + ",\"timestamp\":1000}]",
        "[{\"user\":\"ann\",\"type\":\"view\",\"item\":\"alien\",\"timestamp\":" + n + "}]"});
  }

  private byte[] overLimit(RandomGenerator r) {
    int size = (int) Math.min(Integer.MAX_VALUE - 16, maxBodyBytes + 1 + r.nextInt(4_096));
    byte[] b = new byte[size];
    java.util.Arrays.fill(b, (byte) ' ');
    b[0] = '[';
    b[b.length - 1] = ']';
    return b;
  }

  /** Many rows like the body's first, up to about half the size limit. */
  private String manyRows(Draft d, RandomGenerator r) {
    String row = d.body instanceof ArrayNode a && !a.isEmpty() ? a.get(0).toString() : "{}";
    int n = (int) Math.max(1, Math.min(5_000, maxBodyBytes / 2 / Math.max(1, row.length())));
    n = 1 + r.nextInt(n);
    StringBuilder s = new StringBuilder(n * (row.length() + 1) + 2).append('[');
    for (int i = 0; i < n; i++) s.append(i > 0 ? "," : "").append(row);
    return s.append(']').toString();
  }

  private static byte[] brokenUtf8(byte[] bytes, RandomGenerator r) {
    byte[][] bad = {{(byte) 0xC3, (byte) 0x28}, {(byte) 0xFF}, {(byte) 0xFE, (byte) 0xFF}, {(byte) 0xC0, (byte) 0xAF},
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        {(byte) 0xE2, (byte) 0x82}, {(byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
    byte[] b = bad[r.nextInt(bad.length)];
    // inside a string value when there is one, else anywhere
    int at = -1;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '"' && r.nextInt(3) == 0) {
        at = i + 1;
        break;
      }
    }
    if (at < 0) at = bytes.length == 0 ? 0 : r.nextInt(bytes.length + 1);
    if (r.nextInt(5) == 0) at = bytes.length; // a sequence cut at the very end
    byte[] out = new byte[bytes.length + b.length];
    System.arraycopy(bytes, 0, out, 0, at);
    System.arraycopy(b, 0, out, at, b.length);
    System.arraycopy(bytes, at, out, at + b.length, bytes.length - at);
    return out;
  }

  private static String manyFields(int n) {
    StringBuilder s = new StringBuilder(n * 10);
    for (int i = 0; i < n; i++) s.append(i > 0 ? "," : "").append("\"f").append(i).append("\":").append(i);
    return s.toString();
  }

  /** Percent-encodes everything but the unreserved characters (RFC 3986), as UTF-8. */
  static String encode(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder out = new StringBuilder(bytes.length * 3);
    for (byte b : bytes) {
      int c = b & 0xFF;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return out.toString();
  }

  private static String jsonString(String s) {
    return "\"" + jsonEscape(s) + "\"";
  }

  private static String jsonEscape(String s) {
    try {
      String quoted = JSON.writeValueAsString(s);
      return quoted.substring(1, quoted.length() - 1);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String escapeKey(String key) {
    return jsonEscape(key);
  }

  private static String digits(int n) {
    StringBuilder s = new StringBuilder(n);
    s.append('9');
    for (int i = 1; i < n; i++) s.append((char) ('0' + i % 10));
    return s.toString();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A short, printable name for a value in a mutation label. */
  static String label(String value) {
    String e = excerpt(value.getBytes(StandardCharsets.UTF_8), 24, null);
    return value.length() > 24 ? e + "(" + value.length() + " chars)" : e;
  }

  /**
   * Bytes for a report: printable ASCII as it is, everything else escaped ({@code \n}, {@code \x00}), cut to about
   * {@code max} characters with the number of bytes left out.
   */
  public static String excerpt(byte[] bytes, int max, String apiKey) {
    StringBuilder s = new StringBuilder(Math.min(bytes.length, max) + 16);
    int i = 0;
    for (; i < bytes.length && s.length() < max; i++) {
      int c = bytes[i] & 0xFF;
      if (c == '\n') s.append("\\n");
      else if (c == '\r') s.append("\\r");
      else if (c == '\t') s.append("\\t");
      else if (c < 0x20 || c >= 0x7F) s.append(String.format("\\x%02X", c));
      else s.append((char) c);
    }
    if (i < bytes.length) s.append("…(+").append(bytes.length - i).append(" bytes)");
    String out = s.toString();
    return apiKey == null || apiKey.isEmpty() ? out : out.replace(apiKey, "<key>");
  }

  private static <T> T pick(RandomGenerator r, List<T> list) {
    return list.get(r.nextInt(list.size()));
  }

  private static String pick(RandomGenerator r, String[] values) {
    return values[r.nextInt(values.length)];
  }

  private static int pick(RandomGenerator r, int[] values) {
    return values[r.nextInt(values.length)];
  }
}
