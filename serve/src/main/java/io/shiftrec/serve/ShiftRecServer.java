package io.shiftrec.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Store;
import io.shiftrec.core.StoreException;
import io.shiftrec.core.Stores;
import io.shiftrec.core.User;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.ingest.GenericBatch;
import io.shiftrec.ingest.ImportRejectedException;
import io.shiftrec.ingest.ImportReport;
import io.shiftrec.ingest.RowError;
import io.shiftrec.ranker.Documents;
import io.shiftrec.candidates.NearestItems;
import io.shiftrec.core.Recommendation;
import io.shiftrec.candidates.StatedTasteRanker;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import io.shiftrec.ranker.RankerArtifact;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ShiftRec's HTTP API over one store (routes in openapi.json): JSON in and out, errors as
 * {@code application/problem+json}. Writes and deletes need the API key; reads need it when the configuration says so.
 */
public final class ShiftRecServer implements AutoCloseable {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final Logger LOG = LoggerFactory.getLogger(ShiftRecServer.class);
  /** One line per request answered by a route: method, route template, status, latency. */
  private static final Logger ACCESS = LoggerFactory.getLogger("io.shiftrec.access");
  /** The most items one answer lists: the diversity re-rank costs k² similarities. */
  private static final int MAX_K = 100;
  /** The longest onboarding text: the language model reads its first 512 tokens, and tokenising costs per char. */
  private static final int MAX_ONBOARDING_CHARS = 4096;
  /** The most events one request may carry: a batch is one transaction, and every request's cost is bounded. */
  static final int MAX_BATCH_EVENTS = 10_000;
  /** The most items one request may carry: each is encoded by the language model before the answer. */
  static final int MAX_BATCH_ITEMS = 1_000;
  private static final int DRAIN_SECONDS = 25;
  /** The most of a refused request's body that is read and dropped so that its client can read the answer. */
  private static final long DISCARD_BYTES = 64L << 20;
  /** Set on a request once its body is being read: a client waiting for {@code 100 Continue} has got it then. */
  private static final String BODY_OPENED = "shiftrec.body-opened";
  /** Set once what was left of the body is dropped, so it is done once per request. */
  private static final String BODY_DISCARDED = "shiftrec.body-discarded";
  private static final Set<String> ONBOARDING_FIELDS = Set.of("text", "k", "domain");

  /**
   * Who may call a route. READ routes are open when the configuration says so; PERSONAL ones (a user's profile and
   * data) always need the key, as writes do, and their answers are never cached.
   */
  private enum Access { OPEN, READ, PERSONAL, WRITE }

  /** A route's path as a pattern over request paths, and the methods it answers. */
  private record Methods(Pattern path, Set<String> methods) {}

  @FunctionalInterface
  private interface Route {
    void handle(Context ctx) throws Exception;
  }

  private final ServeConfig config;
  private final Store store;
  private final LiveCatalog catalog;
  private final LiveInterests interests;
  private final StoreFollower follower;
  private final Metrics metrics = new Metrics();
  private final byte[] apiKey;
  private final RateLimits rateLimits;
  private final byte[] openApi;
  private final Javalin app;
  /** Requests being answered, so shutting down can wait for them. */
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Every route path with its methods, in registration order: a known path with another method is a 405. */
  private final Map<String, Methods> methodsByPath = new LinkedHashMap<>();

  private ShiftRecServer(ServeConfig config, Store store, LiveCatalog catalog, Store.Watermark loaded)
      throws IOException {
    this.config = config;
    this.store = store;
    this.catalog = catalog;
    metrics.inFlight(inFlight::get);
    this.interests = new LiveInterests(store, catalog, LiveInterests.DEFAULT_CAPACITY);
    this.follower = new StoreFollower(store, catalog, interests, loaded, config.followSeconds(), config.trainEvery());
    this.apiKey = config.apiKey().getBytes(StandardCharsets.UTF_8);
    this.rateLimits = new RateLimits(config.rateLimit(), config.openRateLimit());
    try (InputStream in = ShiftRecServer.class.getResourceAsStream("openapi.json")) {
      this.openApi = in.readAllBytes();
    }
    this.app = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      c.jetty.host = config.host();
      c.jetty.port = config.port();
      // On stop, Jetty answers new requests with 503 and waits (up to the timeout) for those in flight to be written;
      // Javalin mounts its routes inside this handler.
      c.jetty.modifyServer(server -> {
        server.setHandler(new GracefulHandler());
        server.setStopTimeout(DRAIN_SECONDS * 1000L);
        server.setErrorHandler(new JettyProblems());
      });
      c.jetty.modifyServletContextHandler(context -> context.setErrorHandler(new JettyProblems()));
      routes(c.routes);
      c.routes.before(ctx -> {
        ctx.header("X-Content-Type-Options", "nosniff");
        String origin = ctx.header("Origin");
        if (origin != null && config.corsOrigins().contains(origin)) {
          ctx.header("Access-Control-Allow-Origin", origin);
          ctx.header("Vary", "Origin");
        }
      });
      c.routes.exception(HttpResponseException.class, (e, ctx) -> problem(ctx, e.getStatus() == 404
          ? noRoute(ctx) : Problem.http(e.getStatus(), e.getMessage())));
    });
  }

  /** Opens the store, loads the catalogue (encoding items not encoded yet) and starts listening. */
  public static ShiftRecServer start(ServeConfig config) throws IOException {
    Store store = Stores.openExisting(config.db());
    try {
      Store.Watermark loaded = store.watermark(); // before the catalogue: what is written after it is followed
      ShiftRecServer server = new ShiftRecServer(config, store, new LiveCatalog(store, config.itemQueue()), loaded);
      server.app.start();
      LiveCatalog.View view = server.catalog.view();
      Store.Counts counts = store.counts();
      LOG.info("serving {} on {}:{}: {} items, {} users, {} events, ranked by {}; following the store every {} s{}",
          config.db(), config.host(), server.port(), view.catalog().size(), counts.users(), counts.events(),
          view.recommender().model(), config.followSeconds(),
          config.trainEvery() > 0 ? ", retraining every " + config.trainEvery() + " events" : "");
      if (!config.readsNeedKey() && !isLoopback(config.host())) {
        LOG.warn("listening on {} with open reads: anyone who reaches this address reads recommendations without a "
            + "key (set reads_need_key=true to close them)", config.host());
      }
      return server;
    } catch (RuntimeException | IOException e) {
      store.close();
      throw e;
    }
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Requests being answered now. */
  int inFlight() {
    return inFlight.get();
  }

  /** The port listened on (the one chosen when the configuration asked for port 0). */
  public int port() {
    return app.port();
  }

  /**
   * Stops taking requests, lets those in flight finish (up to {@value #DRAIN_SECONDS} s), then closes the encoder
   * and the store.
   */
  @Override
  public void close() {
    follower.close();
    app.stop();
    catalog.close();
    store.close();
  }

  private void routes(JavalinDefaultRoutingApi r) {
    route(r, "GET", "/health", Access.OPEN, ctx -> {
      LiveCatalog.View view = catalog.view();
      json(ctx, 200, Map.of("status", "ok", "items", view.catalog().size(), "model", view.recommender().model(),
          "retrieval", view.recommender().isIndexed() ? "ann" : "scan"));
    });
    route(r, "GET", "/openapi.json", Access.OPEN, ctx -> ctx.contentType("application/json").result(openApi));
    route(r, "GET", "/metrics", Access.READ, ctx -> ctx.contentType(Metrics.CONTENT_TYPE).result(metrics.scrape()));
    route(r, "POST", "/items", Access.WRITE, this::upsertItems);
    route(r, "POST", "/events", Access.WRITE, this::insertEvents);
    route(r, "GET", "/users/{id}/recommendations", Access.READ, this::recommendations);
    route(r, "GET", "/users/{id}/profile", Access.PERSONAL, this::profile);
    route(r, "GET", "/users/{id}/export", Access.PERSONAL, this::export);
    route(r, "DELETE", "/users/{id}", Access.WRITE, this::deleteUser);
    route(r, "GET", "/items/{id}/similar", Access.READ, this::similar);
    route(r, "POST", "/onboarding", Access.READ, this::onboarding);
    route(r, "GET", "/models", Access.READ, ctx -> json(ctx, 200, models()));
    route(r, "POST", "/models/{version}/activate", Access.WRITE, this::activate);
  }

  /** The model registry: every version of the learned ranker, newest first, and which one is active and serving. */
  private Map<String, Object> models() {
    List<Store.ArtifactInfo> versions = store.artifactVersions(RankerArtifact.NAME);
    long active = store.servingVersion(RankerArtifact.NAME);
    long serving = catalog.servingVersion();
    List<Map<String, Object>> list = new ArrayList<>();
    for (int v = versions.size() - 1; v >= 0; v--) {
      Store.ArtifactInfo info = versions.get(v);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("version", Long.toString(info.version()));
      m.put("model", info.metadata().getOrDefault("model", info.name()));
      m.put("created_at", Instant.ofEpochMilli(info.createdAtMillis()).toString());
      m.put("active", info.version() == active);
      m.put("serving", info.version() == serving);
      for (String key : List.of("data", "settings", "validation", "train_seconds")) {
        if (info.metadata().containsKey(key)) m.put(key, info.metadata().get(key));
      }
      list.add(m);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("active", active == 0 ? null : Long.toString(active));
    doc.put("serving", serving == 0 ? null : Long.toString(serving));
    doc.put("versions", list);
    return doc;
  }

  /** Switches to a stored version (a rollback when older); one that cannot be served is refused, the active stays. */
  private void activate(Context ctx) {
    String text = ctx.pathParam("version");
    long version;
    try {
      version = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw Problem.unknownModelVersion(text);
    }
    if (store.artifact(RankerArtifact.NAME, version).isEmpty()) throw Problem.unknownModelVersion(text);
    try {
      catalog.activate(version);
    } catch (IllegalArgumentException e) {
      LOG.error("model version {} refused: {}", version, e.getMessage());
      throw Problem.unservableModel(text, e.getMessage());
    }
    json(ctx, 200, models());
  }

  /** Registers a route behind the access check, with its errors answered as problems and its latency measured. */
  private void route(JavalinDefaultRoutingApi r, String method, String path, Access access, Route route) {
    io.javalin.http.Handler handler = ctx -> {
      long start = System.nanoTime();
      inFlight.incrementAndGet();
      try {
        if (access == Access.PERSONAL || path.startsWith("/users/")) ctx.header("Cache-Control", "no-store");
        authorize(ctx, access);
        route.handle(ctx);
      } catch (Problem p) {
        problem(ctx, p);
      } catch (IOException | UncheckedIOException e) { // the client's body: cut short, or broken framing
        problem(ctx, Problem.badRequest("the request body ended early or its chunked framing is broken"));
      } catch (StoreException e) {
        LOG.error("{} {} failed in the store", method, path, e);
        problem(ctx, e.outOfSpace() ? Problem.storeFull() : Problem.internal());
      } catch (RuntimeException e) {
        LOG.error("{} {} failed", method, path, e);
        problem(ctx, Problem.internal());
      } finally {
        discardBody(ctx); // a GET may carry a body no route reads
        inFlight.decrementAndGet();
        long nanos = System.nanoTime() - start;
        metrics.request(method, path, ctx.status().getCode(), nanos);
        // the route's template, never its ids, query or body: those may be personal
        if (ACCESS.isInfoEnabled()) {
          ACCESS.info("{} {} {} {} ms", method, path, ctx.status().getCode(),
              String.format(Locale.ROOT, "%.1f", nanos / 1e6));
        }
      }
    };
    Methods methods = methodsByPath.get(path);
    if (methods == null) {
      methods = new Methods(Pattern.compile(path.replaceAll("\\{[^}]+}", "[^/]+")),
          new LinkedHashSet<>());
      methodsByPath.put(path, methods);
      Set<String> allowed = methods.methods();
      r.options(path, ctx -> preflight(ctx, allowed));
    }
    methods.methods().add(method);
    switch (method) {
      case "GET" -> r.get(path, handler);
      case "POST" -> r.post(path, handler);
      case "DELETE" -> r.delete(path, handler);
      default -> throw new IllegalArgumentException(method);
    }
  }

  /**
   * OPTIONS: the methods the path answers, and for an allowed origin's preflight what its page may send. Nothing
   * else: a browser page of any other origin cannot call the API.
   */
  private void preflight(Context ctx, Set<String> methods) {
    String allow = String.join(", ", methods) + ", OPTIONS";
    ctx.header("Allow", allow);
    String origin = ctx.header("Origin");
    if (origin != null && config.corsOrigins().contains(origin)) {
      ctx.header("Access-Control-Allow-Methods", allow);
      ctx.header("Access-Control-Allow-Headers", "Authorization, Content-Type");
      ctx.header("Access-Control-Max-Age", "600");
    }
    ctx.status(204);
  }

  /** 405 with the methods the path answers, when it is a route's path; else 404. */
  private Problem noRoute(Context ctx) {
    for (Methods m : methodsByPath.values()) {
      if (m.path().matcher(ctx.path()).matches()) {
        String allow = String.join(", ", m.methods()) + ", OPTIONS";
        ctx.header("Allow", allow);
        return Problem.methodNotAllowed(ctx.method().name(), allow);
      }
    }
    return Problem.noRoute(ctx.method().name(), ctx.path());
  }

  /**
   * Checks the key where the route needs one, and spends one request from the client's rate limit: the key's when the
   * request carries the right one, else its address's (also for wrong keys, so guessing is slow).
   */
  private void authorize(Context ctx, Access access) {
    boolean keyed = hasKey(ctx);
    long wait = rateLimits.waitNanos(keyed, keyed ? "" : ctx.ip());
    if (wait > 0) {
      ctx.header("Retry-After", Long.toString(Math.max(1, (wait + 999_999_999L) / 1_000_000_000L)));
      throw Problem.tooManyRequests(keyed ? config.rateLimit() : config.openRateLimit());
    }
    if (keyed || access == Access.OPEN || access == Access.READ && !config.readsNeedKey()) return;
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"shiftrec\"");
      throw Problem.unauthorized();
    }
    throw Problem.forbidden();
  }

  private boolean hasKey(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
    byte[] sent = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(sent, apiKey); // constant time: no timing oracle
  }

  // ------------------------------------------------------------------------------------------------ writes

  private void upsertItems(Context ctx) throws IOException {
    List<JsonNode> rows = arrayBody(ctx, GenericBatch.ITEMS, MAX_BATCH_ITEMS);
    boolean queued = config.itemQueue() > 0;
    List<Item> items;
    try {
      items = queued ? catalog.enqueue(rows) : catalog.upsert(rows);
    } catch (ImportRejectedException e) {
      throw rejected(e.report());
    }
    metrics.itemsUpserted(items.size());
    if (queued) {
      json(ctx, 202, Map.of("upserted", items.size(), "queued_items", catalog.queuedItems()));
    } else {
      json(ctx, 200, Map.of("upserted", items.size(), "catalog_items", catalog.view().catalog().size()));
    }
  }

  /** Answers only after the transaction committed (the store syncs each commit to disk). */
  private void insertEvents(Context ctx) throws IOException {
    List<JsonNode> rows = arrayBody(ctx, GenericBatch.EVENTS, MAX_BATCH_EVENTS);
    GenericBatch.Inserted inserted;
    try {
      inserted = GenericBatch.insertEvents(store, rows);
    } catch (ImportRejectedException e) {
      throw rejected(e.report());
    }
    ImportReport report = inserted.report();
    interests.stored(inserted.events(), report.events().stored() == inserted.events().size());
    metrics.eventsStored(report.events().stored());
    json(ctx, 200, Map.of("received", rows.size(), "stored", report.events().stored()));
  }

  /** 422 when every bad row is only implausible (it names the first one's field), else 400. */
  private static Problem rejected(ImportReport report) {
    List<Map<String, Object>> errors = new ArrayList<>();
    boolean implausible = report.errorCount() == report.errors().size();
    for (RowError e : report.errors()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("index", e.line() - 1);
      m.put("reason", e.reason());
      errors.add(m);
      implausible &= e.implausibleField() != null;
    }
    RowError first = report.errors().get(0);
    String more = report.errorCount() > 1 ? " (and " + (report.errorCount() - 1) + " more bad rows)" : "";
    String detail = first.file() + "[" + (first.line() - 1) + "]: " + first.reason() + more;
    if (!implausible) return Problem.badRows(detail, errors);
    return Problem.implausibleRows(first.implausibleField(), detail, errors);
  }

  /** Deletes the user, their events and the cached vectors of their texts in one transaction. */
  private void deleteUser(Context ctx) {
    String id = ctx.pathParam("id");
    List<Event> history = store.eventsOf(id);
    boolean deleted;
    try (Store.Transaction tx = store.begin()) {
      deleted = tx.deleteUser(id);
      StoreEncoding.forgetBehaviourText(tx, StoreEncoding.settings(store), history);
      tx.commit();
    }
    interests.forget(List.of(id));
    if (!deleted) throw Problem.notFound("user", id);
    ctx.status(204);
  }

  // ------------------------------------------------------------------------------------------------ reads

  private void recommendations(Context ctx) {
    String user = knownUser(ctx);
    int k = intParam(ctx, "k", 10);
    LiveCatalog.View view = catalog.view();
    String domain = domainParam(ctx.queryParam("domain"), view);
    boolean explain = boolParam(ctx, "explain");
    double diversity = doubleParam(ctx, "diversity", 0.2);
    List<Recommendation> recs = interests.recommend(user, view, k, domain, explain, diversity, contextParam(ctx));
    json(ctx, 200, Documents.recommendations(user, view.recommender().model(), recs));
  }

  /** The scenario of a request: every {@code context[key]=value} query parameter. */
  private static Map<String, String> contextParam(Context ctx) {
    Map<String, String> context = new java.util.TreeMap<>();
    for (Map.Entry<String, List<String>> p : ctx.queryParamMap().entrySet()) {
      String name = p.getKey();
      if (!name.startsWith("context")) continue;
      if (!name.startsWith("context[") || !name.endsWith("]") || name.length() < 10) {
        throw Problem.badParameter(name, "expected context[key]=value");
      }
      if (p.getValue().size() != 1) throw Problem.badParameter(name, "given more than once");
      context.put(name.substring(8, name.length() - 1), p.getValue().get(0));
    }
    return context;
  }

  private void profile(Context ctx) {
    String user = knownUser(ctx);
    LiveCatalog.View view = catalog.view();
    List<Event> history = store.eventsOf(user);
    json(ctx, 200, interests.withInterests(user, view, u -> Documents.profile(user, history, u, view.recommender())));
  }

  private void export(Context ctx) {
    String id = ctx.pathParam("id");
    User user = store.user(id).orElseThrow(() -> Problem.notFound("user", id));
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("id", user.id());
    if (user.split() != null) u.put("split", user.split());
    u.put("attributes", user.attributes());
    List<Map<String, Object>> events = new ArrayList<>();
    for (Event e : store.eventsOf(id)) events.add(genericEvent(e));
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("user", u);
    doc.put("events", events);
    json(ctx, 200, doc);
  }

  /** An event in the generic import format, so an export can be posted back to /events as it is. */
  private static Map<String, Object> genericEvent(Event e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("user", e.user());
    if (e.item() != null) m.put("item", e.item());
    m.put("type", e.type().wireName());
    if (e.hasValue()) m.put("value", e.value());
    if (e.timestamp() != null) m.put("timestamp", e.timestamp());
    if (e.position() != null) m.put("position", e.position());
    if (e.domain() != null) m.put("domain", e.domain());
    if (e.text() != null) m.put("text", e.text());
    if (!e.context().isEmpty()) m.put("context", e.context());
    return m;
  }

  private void similar(Context ctx) {
    String id = ctx.pathParam("id");
    int k = intParam(ctx, "k", 10);
    LiveCatalog.View view = catalog.view();
    String domain = domainParam(ctx.queryParam("domain"), view);
    Catalog centred = view.centred();
    int index = centred.indexOf(id);
    if (index < 0) throw Problem.notFound("item", id);
    Catalog.Space space = centred.spaceOf(index);
    List<Recommendation> similar = space == null ? List.of()
        : NearestItems.of(centred, space, centred.vector(index), k, domain, index);
    json(ctx, 200, Map.of("item", id, "items", Documents.items(similar)));
  }

  /** Recommendations for someone with no history, from a text saying what they like. */
  private void onboarding(Context ctx) throws IOException {
    JsonNode body = jsonBody(ctx);
    if (!body.isObject()) throw Problem.badRequest("expected a JSON object {\"text\": …, \"k\": …}, got " + type(body));
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!ONBOARDING_FIELDS.contains(name)) {
        throw Problem.badParameter(name, "unknown field (accepted: text, k, domain)");
      }
    }
    JsonNode text = body.get("text");
    if (text == null || !text.isTextual() || text.asText().isBlank()) {
      throw Problem.badParameter("text", "expected a non-empty string, got " + type(text));
    }
    if (text.asText().length() > MAX_ONBOARDING_CHARS) {
      throw Problem.tooLong("text", text.asText().length(), MAX_ONBOARDING_CHARS);
    }
    JsonNode kNode = body.get("k");
    if (kNode != null && !kNode.isIntegralNumber()) {
      throw Problem.badParameter("k", "expected an integer, got " + type(kNode));
    }
    int k = checkK(kNode == null ? 10 : kNode.asLong());
    JsonNode domainNode = body.get("domain");
    if (domainNode != null && !domainNode.isTextual()) {
      throw Problem.badParameter("domain", "expected a string, got " + type(domainNode));
    }
    LiveCatalog.View view = catalog.view();
    String domain = domainParam(domainNode == null ? null : domainNode.asText(), view);
    LiveCatalog.Query query = catalog.encode(text.asText());
    Catalog.Space space = view.centred().spaces().get(query.model());
    float[] placed = space == null ? null : space.place(query.vector());
    LiveCatalog.Onboarding built = placed == null ? null : catalog.onboarding(view);
    StatedTasteRanker taste = built == null ? null : built.rankers().get(query.model());
    // a ranker ranks the catalogue it was built over, which may be a few writes older than the newest
    List<Recommendation> recs = placed == null ? List.of()
        : taste != null ? taste.recommend(query.vector(), StatedTasteRanker.Settings.defaults(),
            built.view().centred(), k, domain)
        : NearestItems.of(view.centred(), space, placed, k, domain, -1);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("model", query.model());
    doc.put("items", Documents.items(recs));
    json(ctx, 200, doc);
  }

  // ------------------------------------------------------------------------------------------------ parameters

  private String knownUser(Context ctx) {
    String id = ctx.pathParam("id");
    if (store.user(id).isEmpty()) throw Problem.notFound("user", id);
    return id;
  }

  private static int intParam(Context ctx, String name, int fallback) {
    String v = ctx.queryParam(name);
    if (v == null) return fallback;
    try {
      return checkK(Long.parseLong(v.trim()));
    } catch (NumberFormatException e) {
      throw Problem.badParameter(name, "expected an integer, got '" + v + "'");
    }
  }

  private static int checkK(long k) {
    if (k < 1 || k > MAX_K) throw Problem.badParameter("k", "must be between 1 and " + MAX_K + ", got " + k);
    return (int) k;
  }

  private static double doubleParam(Context ctx, String name, double fallback) {
    String v = ctx.queryParam(name);
    if (v == null) return fallback;
    double d;
    try {
      d = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw Problem.badParameter(name, "expected a number between 0 and 1, got '" + v + "'");
    }
    if (!(d >= 0 && d <= 1)) throw Problem.badParameter(name, "must be between 0 and 1, got " + v);
    return d;
  }

  private static boolean boolParam(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.equals("false")) return false;
    if (v.equals("true") || v.isEmpty()) return true;
    throw Problem.badParameter(name, "expected true or false, got '" + v + "'");
  }

  private static String domainParam(String domain, LiveCatalog.View view) {
    if (domain == null) return null;
    if (!view.domains().contains(domain)) {
      throw Problem.badParameter("domain", "unknown domain '" + domain + "' (known: "
          + String.join(", ", view.domains().stream().sorted().toList()) + ")");
    }
    return domain;
  }

  // ------------------------------------------------------------------------------------------------ bodies

  private List<JsonNode> arrayBody(Context ctx, String name, int limit) throws IOException {
    JsonNode body = jsonBody(ctx);
    if (!body.isArray()) throw Problem.badRequest("expected a JSON array of " + name + ", got " + type(body));
    if (body.size() > limit) throw Problem.batchTooLong(name, body.size(), limit);
    List<JsonNode> rows = new ArrayList<>(body.size());
    body.forEach(rows::add);
    return rows;
  }

  /**
   * The body as JSON: at most the configured size (413 beyond, also when no length was announced), strict UTF-8,
   * no duplicate keys and nothing after the value.
   */
  private JsonNode jsonBody(Context ctx) throws IOException {
    String contentType = ctx.header("Content-Type"); // raw: Jetty's parse throws on a malformed charset
    if (!isJson(contentType)) throw Problem.unsupportedMediaType(contentType);
    long limit = config.maxRequestBytes();
    if (ctx.req().getContentLengthLong() > limit) throw Problem.tooLarge(limit);
    ctx.req().setAttribute(BODY_OPENED, Boolean.TRUE);
    byte[] bytes = ctx.req().getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
    if (bytes.length > limit) throw Problem.tooLarge(limit);
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw Problem.badRequest("the request body is not valid UTF-8");
    }
    if (text.isBlank()) throw Problem.badRequest("the request body is empty; expected JSON");
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      // A broken limit (nesting, number length) carries no location.
      String where = e.getLocation() == null ? ""
          : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
      throw Problem.badRequest("malformed JSON: " + e.getOriginalMessage() + where);
    }
  }

  /** {@code application/json}, with parameters or none. */
  private static boolean isJson(String contentType) {
    if (contentType == null) return false;
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim()
        .equalsIgnoreCase("application/json");
  }

  private static String type(JsonNode node) {
    return node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  // ------------------------------------------------------------------------------------------------ answers

  private static void json(Context ctx, int status, Object body) {
    ctx.status(status).contentType("application/json").result(bytes(body));
  }

  private static void problem(Context ctx, Problem p) {
    discardBody(ctx);
    ctx.status(p.status()).contentType("application/problem+json").result(bytes(p.body(ctx.path())));
  }

  /**
   * Reads and drops what is left of a refused request's body before the answer goes out. A server that stops reading
   * while its client still sends makes the client's upload fail with a broken pipe or a reset, and most clients then
   * report that failure instead of the answer waiting for them. A client that sent {@code Expect: 100-continue} and
   * got no {@code 100 Continue} has sent nothing, and a body over {@value #DISCARD_BYTES} bytes is not worth reading:
   * both are answered at once and the connection closes after the answer.
   */
  private static void discardBody(Context ctx) {
    HttpServletRequest req = ctx.req();
    if (req.getAttribute(BODY_DISCARDED) != null) return;
    req.setAttribute(BODY_DISCARDED, Boolean.TRUE);
    boolean waitingToSend = "100-continue".equalsIgnoreCase(req.getHeader("Expect"))
        && req.getAttribute(BODY_OPENED) == null;
    if (waitingToSend || req.getContentLengthLong() > DISCARD_BYTES) {
      ctx.header("Connection", "close");
      return;
    }
    try {
      InputStream in = req.getInputStream();
      byte[] buffer = new byte[8192];
      long left = DISCARD_BYTES;
      int n;
      while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0) left -= n;
      if (left <= 0) ctx.header("Connection", "close");
    } catch (IOException | IllegalStateException e) {
      ctx.header("Connection", "close"); // the client stopped sending or the body is already gone: nothing to drain
    }
  }

  static byte[] bytes(Object body) {
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response cannot be written as JSON", e);
    }
  }
}
