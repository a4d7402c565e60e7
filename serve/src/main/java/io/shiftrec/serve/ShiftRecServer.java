package io.shiftrec.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.shiftrec.ranker.ItemFilter;
import io.shiftrec.ranker.RecommendRequest;
import io.shiftrec.core.Recommendation;
import io.shiftrec.core.RequestContext;
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
import java.util.function.Function;
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
   * Who may call a route. READ routes take any key, and no key when the configuration says reads are open; PERSONAL
   * ones (a user's data) need a write key, as writes do, and their answers are never cached; ADMIN ones an admin key.
   */
  private enum Access {
    OPEN(null), READ(ApiKeys.Scope.READ), PERSONAL(ApiKeys.Scope.WRITE), WRITE(ApiKeys.Scope.WRITE),
    ADMIN(ApiKeys.Scope.ADMIN);

    final ApiKeys.Scope needs;

    Access(ApiKeys.Scope needs) {
      this.needs = needs;
    }
  }

  /** A route's path as a pattern over request paths, and the methods it answers. */
  private record Methods(Pattern path, Set<String> methods) {}

  @FunctionalInterface
  private interface Route {
    void handle(Context ctx, App app) throws Exception;
  }

  /** Where a route is: in every app (also under {@code /apps/{app}}), or once for the deployment. */
  private enum Reach { APP, DEPLOYMENT }

  /** The prefix of an app's routes; the routes without it are the default app's. */
  private static final String APP_PREFIX = "/apps/{app}";

  private final ServeConfig config;
  /** The app of the routes without {@code /apps/{app}}, over the store the server was started on. */
  private final App defaultApp;
  private final Apps apps;
  private final SharedEncoders encoders;
  /** Rewrites reasons with a language model; null when none is configured (the templates answer). */
  private final GeneratedReasons generatedReasons;
  private final Metrics metrics = new Metrics();
  private final RateLimits rateLimits;
  private final byte[] openApi;
  private final Javalin http;
  /** Requests being answered, so shutting down can wait for them. */
  private final AtomicInteger inFlight = new AtomicInteger();
  /** Every route path with its methods, in registration order: a known path with another method is a 405. */
  private final Map<String, Methods> methodsByPath = new LinkedHashMap<>();

  private ShiftRecServer(ServeConfig config, App defaultApp, Apps apps, SharedEncoders encoders) throws IOException {
    this.config = config;
    this.defaultApp = defaultApp;
    this.apps = apps;
    this.encoders = encoders;
    this.generatedReasons = config.reasons() == null ? null : new GeneratedReasons(config.reasons());
    metrics.inFlight(inFlight::get);
    this.rateLimits = new RateLimits(config.rateLimit(), config.openRateLimit());
    try (InputStream in = ShiftRecServer.class.getResourceAsStream("openapi.json")) {
      this.openApi = in.readAllBytes();
    }
    this.http = Javalin.create(c -> {
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
      // the dashboard's HTML pages under /ui, with their own sign-in and sessions (Dashboard)
      new Dashboard(this, config, defaultApp, apps, rateLimits).routes(c.routes);
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

  /**
   * Opens the store and the other apps' stores, loads their catalogues (encoding items not encoded yet) and starts
   * listening.
   */
  public static ShiftRecServer start(ServeConfig config) throws IOException {
    Map<String, ApiKeys.Scope> configured = new LinkedHashMap<>();
    config.scopedKeys().forEach((key, scope) -> configured.put(key, ApiKeys.Scope.parse(scope)));
    configured.put(config.apiKey(), ApiKeys.Scope.ADMIN);
    SharedEncoders encoders = new SharedEncoders();
    UserMemory memory = new UserMemory(config.userCache().bytes()); // one budget for every app's users
    App defaultApp;
    try {
      defaultApp = App.open(App.DEFAULT, config.db(), config, configured, encoders, memory);
    } catch (RuntimeException e) {
      encoders.close();
      throw e;
    }
    Apps apps = null;
    try {
      apps = Apps.open(config, encoders, memory);
      ShiftRecServer server = new ShiftRecServer(config, defaultApp, apps, encoders);
      server.http.start();
      LiveCatalog.View view = defaultApp.catalog.view();
      Store.Counts counts = defaultApp.store.counts();
      LOG.info("serving {} on {}:{}: {} items, {} users, {} events, ranked by {}; {} more apps; following the store"
          + " every {} s{}", Stores.describe(config.db()), config.host(), server.port(), view.catalog().size(),
          counts.users(), counts.events(), view.recommender().model(), apps.names().size(), config.followSeconds(),
          config.trainEvery() > 0 ? ", retraining every " + config.trainEvery() + " events" : "");
      if (!config.readsNeedKey() && !isLoopback(config.host())) {
        LOG.warn("listening on {} with open reads: anyone who reaches this address reads recommendations without a "
            + "key (set reads_need_key=true to close them)", config.host());
      }
      return server;
    } catch (RuntimeException | IOException e) {
      if (apps != null) apps.close();
      defaultApp.close();
      encoders.close();
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
    return http.port();
  }

  /**
   * Stops taking requests, lets those in flight finish (up to {@value #DRAIN_SECONDS} s), then closes the encoder
   * and the store.
   */
  @Override
  public void close() {
    http.stop();
    apps.close();
    defaultApp.close();
    encoders.close();
  }

  private void routes(JavalinDefaultRoutingApi r) {
    route(r, "GET", "/health", Access.OPEN, (ctx, app) -> {
      LiveCatalog.View view = app.catalog.view();
      json(ctx, 200, Map.of("status", "ok", "items", view.catalog().size(), "model", view.recommender().model(),
          "retrieval", view.recommender().isIndexed() ? "ann" : "scan", "ranked_users",
          app.interests.precomputed()));
    });
    route(r, Reach.DEPLOYMENT, "GET", "/openapi.json", Access.OPEN,
        (ctx, app) -> ctx.contentType("application/json").result(openApi));
    route(r, Reach.DEPLOYMENT, "GET", "/metrics", Access.READ,
        (ctx, app) -> ctx.contentType(Metrics.CONTENT_TYPE).result(metrics.scrape()));
    route(r, Reach.DEPLOYMENT, "GET", "/apps", Access.ADMIN,
        (ctx, app) -> json(ctx, 200, Map.of("apps", apps.names())));
    route(r, Reach.DEPLOYMENT, "POST", "/apps", Access.ADMIN, this::createApp);
    route(r, Reach.DEPLOYMENT, "DELETE", "/apps/{name}", Access.ADMIN, this::deleteApp);
    route(r, "POST", "/items", Access.WRITE, this::upsertItems);
    route(r, "POST", "/events", Access.WRITE, this::insertEvents);
    route(r, "GET", "/items", Access.READ, this::listItems);
    route(r, "GET", "/items/{id}", Access.READ, this::getItem);
    route(r, "PUT", "/items/{id}", Access.WRITE, this::putItem);
    route(r, "PATCH", "/items/{id}", Access.WRITE, this::patchItem);
    route(r, "DELETE", "/items/{id}", Access.WRITE, this::deleteItem);
    route(r, "GET", "/users", Access.PERSONAL, this::listUsers);
    route(r, "GET", "/users/{id}", Access.PERSONAL, this::getUser);
    route(r, "PUT", "/users/{id}", Access.WRITE, this::putUser);
    route(r, "GET", "/users/{id}/recommendations", Access.READ, this::recommendations);
    route(r, "GET", "/users/{id}/profile", Access.PERSONAL, this::profile);
    route(r, "GET", "/users/{id}/export", Access.PERSONAL, this::export);
    route(r, "DELETE", "/users/{id}", Access.WRITE, this::deleteUser);
    route(r, "GET", "/items/{id}/similar", Access.READ, this::similar);
    route(r, "POST", "/onboarding", Access.READ, this::onboarding);
    route(r, "GET", "/models", Access.READ, (ctx, app) -> json(ctx, 200, models(app)));
    route(r, "POST", "/models/{version}/activate", Access.ADMIN, this::activate);
    route(r, "GET", "/keys", Access.ADMIN, (ctx, app) -> json(ctx, 200, Map.of("keys", app.keys.list())));
    route(r, "POST", "/keys", Access.ADMIN, this::createKey);
    route(r, "DELETE", "/keys/{id}", Access.ADMIN, this::revokeKey);
  }

  /** The model registry: every version of the learned ranker, newest first, and which one is active and serving. */
  static Map<String, Object> models(App app) {
    List<Store.ArtifactInfo> versions = app.store.artifactVersions(RankerArtifact.NAME);
    long active = app.store.servingVersion(RankerArtifact.NAME);
    long serving = app.catalog.servingVersion();
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
  private void activate(Context ctx, App app) {
    activate(app, ctx.pathParam("version"));
    json(ctx, 200, models(app));
  }

  /** Activates the version {@code text} names, or throws the problem that refuses it. */
  static void activate(App app, String text) {
    long version;
    try {
      version = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw Problem.unknownModelVersion(text);
    }
    if (app.store.artifact(RankerArtifact.NAME, version).isEmpty()) throw Problem.unknownModelVersion(text);
    try {
      app.catalog.activate(version);
    } catch (IllegalArgumentException e) {
      LOG.error("model version {} refused: {}", version, e.getMessage());
      throw Problem.unservableModel(text, e.getMessage());
    }
  }

  /** {@link #route(JavalinDefaultRoutingApi, Reach, String, String, Access, Route)} in every app. */
  private void route(JavalinDefaultRoutingApi r, String method, String path, Access access, Route route) {
    route(r, Reach.APP, method, path, access, route);
  }

  /**
   * Registers a route behind the access check, with its errors answered as problems and its latency measured; an
   * app's route twice, for the default app and under {@code /apps/{app}}. Deployment routes are checked against the
   * default app's keys.
   */
  private void route(JavalinDefaultRoutingApi r, Reach reach, String method, String path, Access access,
                     Route route) {
    register(r, method, path, access, route, false);
    if (reach == Reach.APP) register(r, method, APP_PREFIX + path, access, route, true);
  }

  private void register(JavalinDefaultRoutingApi r, String method, String path, Access access, Route route,
                        boolean named) {
    boolean personal = access == Access.PERSONAL || path.startsWith("/users/") || path.startsWith(APP_PREFIX + "/users/");
    io.javalin.http.Handler handler = ctx -> {
      long start = System.nanoTime();
      inFlight.incrementAndGet();
      try {
        if (personal) ctx.header("Cache-Control", "no-store");
        App app = named ? app(ctx.pathParam("app")) : defaultApp;
        authorize(ctx, access, app);
        route.handle(ctx, app);
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
      case "PUT" -> r.put(path, handler);
      case "PATCH" -> r.patch(path, handler);
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
   * Checks the key where the route needs one, and spends one request from the client's rate limit: its key's when
   * the request carries one of this server's, else its address's (also for wrong keys, so guessing is slow).
   */
  private void authorize(Context ctx, Access access, App app) {
    ApiKeys.Holder holder = keyHolder(ctx, app);
    long wait = rateLimits.waitNanos(holder != null, holder != null ? holder.id() : ctx.ip());
    if (wait > 0) {
      ctx.header("Retry-After", Long.toString(Math.max(1, (wait + 999_999_999L) / 1_000_000_000L)));
      throw Problem.tooManyRequests(holder != null ? config.rateLimit() : config.openRateLimit());
    }
    if (access == Access.OPEN || access == Access.READ && (holder != null || !config.readsNeedKey())) return;
    if (holder == null) {
      String header = ctx.header("Authorization");
      if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
        ctx.header("WWW-Authenticate", "Bearer realm=\"shiftrec\"");
        throw Problem.unauthorized();
      }
      throw Problem.forbidden();
    }
    if (holder.scope().compareTo(access.needs) < 0) {
      throw Problem.insufficientScope(holder.scope().wireName(), access.needs.wireName());
    }
  }

  /** The holder of the key the request carries; null without one of this server's app.keys. */
  private ApiKeys.Holder keyHolder(Context ctx, App app) {
    String header = ctx.header("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    return app.keys.holder(header.substring(7).trim()); // compared by digest: the time taken tells nothing of the key
  }

  /** The app a request's path names ({@code default} is the default app). */
  private App app(String name) {
    if (name.equals(App.DEFAULT)) return defaultApp;
    App app = apps.get(name);
    if (app == null) throw Problem.notFound("app", name);
    return app;
  }

  // ------------------------------------------------------------------------------------------------ apps

  private static final Set<String> APP_FIELDS = Set.of("name");

  /** {@code POST /apps}: an empty app and its first admin key, in this answer only. */
  private void createApp(Context ctx, App app) throws IOException {
    JsonNode name = objectBody(ctx, APP_FIELDS, "an app").get("name");
    if (name == null || !name.isTextual() || !App.NAME.matcher(name.asText()).matches()) {
      throw Problem.badParameter("name", "expected a name of 1 to 63 lower-case letters, digits and '-', starting"
          + " with a letter or digit, got " + (name == null ? "nothing" : name));
    }
    json(ctx, 201, apps.create(name.asText()));
  }

  /** {@code DELETE /apps/{name}}: the app and everything it keeps. */
  private void deleteApp(Context ctx, App app) {
    String name = ctx.pathParam("name");
    if (name.equals(App.DEFAULT)) throw Problem.badParameter("name", "the default app is the server's own store");
    if (!apps.delete(name)) throw Problem.notFound("app", name);
    ctx.status(204);
  }

  // ------------------------------------------------------------------------------------------------ keys

  private static final Set<String> KEY_FIELDS = Set.of("scope", "label");
  private static final int MAX_LABEL_CHARS = 200;

  /** {@code POST /keys}: a new key of a scope, kept in the store; the key is in this answer only. */
  private void createKey(Context ctx, App app) throws IOException {
    ObjectNode body = objectBody(ctx, KEY_FIELDS, "a key request");
    JsonNode scope = body.get("scope");
    if (scope == null || !scope.isTextual() || !Set.of("read", "write", "admin").contains(scope.asText())) {
      throw Problem.badParameter("scope", "expected read, write or admin, got " + (scope == null ? "nothing" : scope));
    }
    JsonNode label = body.get("label");
    if (label != null && !label.isTextual()) throw Problem.badParameter("label", "expected a string, got " + type(label));
    if (label != null && label.asText().length() > MAX_LABEL_CHARS) {
      throw Problem.tooLong("label", label.asText().length(), MAX_LABEL_CHARS);
    }
    json(ctx, 201, app.keys.create(ApiKeys.Scope.parse(scope.asText()), label == null ? null : label.asText()));
  }

  private void revokeKey(Context ctx, App app) {
    String id = ctx.pathParam("id");
    if (app.keys.isConfigured(id)) throw Problem.configuredKey(id);
    if (!app.keys.revoke(id)) throw Problem.notFound("key", id);
    ctx.status(204);
  }

  // ------------------------------------------------------------------------------------------------ writes

  private void upsertItems(Context ctx, App app) throws IOException {
    List<JsonNode> rows = arrayBody(ctx, GenericBatch.ITEMS, MAX_BATCH_ITEMS);
    boolean queued = config.itemQueue() > 0;
    Catalog before = app.catalog.view().catalog();
    List<Item> items;
    try {
      items = queued ? app.catalog.enqueue(rows) : app.catalog.upsert(rows);
    } catch (ImportRejectedException e) {
      throw rejected(e.report());
    }
    app.fallback.added(newIds(before, items));
    app.times.refresh(items.stream().map(Item::id).toList());
    metrics.itemsUpserted(items.size());
    if (queued) {
      json(ctx, 202, Map.of("upserted", items.size(), "queued_items", app.catalog.queuedItems()));
    } else {
      json(ctx, 200, Map.of("upserted", items.size(), "catalog_items", app.catalog.view().catalog().size()));
    }
  }

  /** The ids of the items that {@code before} did not hold: those stored for the first time. */
  private static List<String> newIds(Catalog before, List<Item> items) {
    List<String> ids = new ArrayList<>();
    for (Item item : items) if (before.indexOf(item.id()) < 0) ids.add(item.id());
    return ids;
  }

  /** Answers only after the transaction committed (the store syncs each commit to disk). */
  private void insertEvents(Context ctx, App app) throws IOException {
    List<JsonNode> rows = arrayBody(ctx, GenericBatch.EVENTS, MAX_BATCH_EVENTS);
    json(ctx, 200, Map.of("received", rows.size(), "stored", storeEvents(app, rows)));
  }

  /**
   * Stores a batch of events whole (or throws the problem naming its bad rows) and takes them in; returns how many
   * were new.
   */
  long storeEvents(App app, List<JsonNode> rows) {
    GenericBatch.Inserted inserted;
    try {
      inserted = GenericBatch.insertEvents(app.store, rows);
    } catch (ImportRejectedException e) {
      throw rejected(e.report());
    }
    ImportReport report = inserted.report();
    boolean allNew = report.events().stored() == inserted.events().size();
    app.interests.stored(inserted.events(), allNew);
    if (allNew) app.fallback.counted(inserted.events()); // else the next count from the store sets it right
    metrics.eventsStored(report.events().stored());
    return report.events().stored();
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
  private void deleteUser(Context ctx, App app) {
    String id = ctx.pathParam("id");
    List<Event> history = app.store.eventsOf(id);
    boolean deleted;
    try (Store.Transaction tx = app.store.begin()) {
      deleted = tx.deleteUser(id);
      StoreEncoding.forgetBehaviourText(tx, StoreEncoding.settings(app.store), history);
      tx.commit();
    }
    app.interests.forget(List.of(id), deleted ? 1 : 0);
    if (!deleted) throw Problem.notFound("user", id);
    app.fallback.usersChanged();
    ctx.status(204);
  }

  // ------------------------------------------------------------------------------------------------ items and users

  /** The most items or users one page lists. */
  private static final int MAX_PAGE = 1_000;
  private static final Set<String> ITEM_FIELDS =
      Set.of("id", "domain", "title", "text", "categories", "language", "attributes", "hidden");
  private static final Set<String> USER_FIELDS = Set.of("id", "split", "attributes");

  private void getItem(Context ctx, App app) {
    String id = ctx.pathParam("id");
    json(ctx, 200, itemDocument(app.store.storedItem(id).orElseThrow(() -> Problem.notFound("item", id))));
  }

  /** An item in the generic import format (so it can be posted back as it is), with what the service keeps beside. */
  static Map<String, Object> itemDocument(Store.StoredItem stored) {
    Item item = stored.item();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", item.id());
    m.put("domain", item.domain());
    m.put("title", item.title());
    if (item.text() != null) m.put("text", item.text());
    m.put("categories", item.categories());
    if (item.language() != null) m.put("language", item.language());
    m.put("attributes", item.attributes());
    m.put("hidden", stored.hidden());
    if (stored.createdAtMillis() > 0) m.put("created_at", Instant.ofEpochMilli(stored.createdAtMillis()).toString());
    if (stored.updatedAtMillis() > 0) m.put("updated_at", Instant.ofEpochMilli(stored.updatedAtMillis()).toString());
    return m;
  }

  /** {@code GET /items}: a page in id order, filtered by domain, category and last change. */
  private void listItems(Context ctx, App app) {
    String after = cursorParam(ctx);
    int limit = rangeParam(ctx, "limit", 100, 1, MAX_PAGE);
    String domain = ctx.queryParam("domain");
    String category = ctx.queryParam("category");
    long since = instantParam(ctx, "updated_since");
    List<Store.StoredItem> page = app.store.itemPage(new Store.ItemPage(after, limit, domain, category, since));
    List<Map<String, Object>> items = new ArrayList<>(page.size());
    for (Store.StoredItem stored : page) items.add(itemDocument(stored));
    json(ctx, 200, page(items, page.size() == limit ? page.get(page.size() - 1).item().id() : null));
  }

  /** {@code PUT /items/{id}}: the whole item, stored, encoded and recommendable before the answer. */
  private void putItem(Context ctx, App app) throws IOException {
    String id = ctx.pathParam("id");
    ObjectNode body = objectBody(ctx, ITEM_FIELDS, "an item");
    Boolean hidden = hiddenField(body);
    body.put("id", pathId(body, id));
    writeItem(ctx, app, id, body, hidden);
  }

  /**
   * {@code PATCH /items/{id}}: a JSON merge patch (RFC 7396) over the stored item: given fields replace theirs,
   * {@code null} removes an optional one, {@code attributes} merge key by key. {@code hidden} alone re-encodes nothing.
   */
  private void patchItem(Context ctx, App app) throws IOException {
    String id = ctx.pathParam("id");
    ObjectNode patch = objectBody(ctx, ITEM_FIELDS, "an item patch");
    Boolean hidden = hiddenField(patch);
    pathId(patch, id);
    patch.remove("id");
    Store.StoredItem stored = app.store.storedItem(id).orElseThrow(() -> Problem.notFound("item", id));
    if (patch.isEmpty()) {
      writeItem(ctx, app, id, null, hidden);
      return;
    }
    ObjectNode merged = JSON.valueToTree(itemDocument(stored));
    for (String service : List.of("hidden", "created_at", "updated_at")) merged.remove(service);
    for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (f.getValue().isNull()) {
        merged.remove(f.getKey());
      } else if (f.getKey().equals("attributes") && f.getValue().isObject()) {
        ObjectNode attributes = (ObjectNode) merged.get("attributes");
        for (Iterator<Map.Entry<String, JsonNode>> a = f.getValue().fields(); a.hasNext(); ) {
          Map.Entry<String, JsonNode> attribute = a.next();
          if (attribute.getValue().isNull()) attributes.remove(attribute.getKey());
          else attributes.set(attribute.getKey(), attribute.getValue());
        }
      } else {
        merged.set(f.getKey(), f.getValue());
      }
    }
    writeItem(ctx, app, id, merged, hidden);
  }

  /** Stores the item row (null: none) and then its hidden state (null: unchanged), and answers with the item. */
  private void writeItem(Context ctx, App app, String id, ObjectNode row, Boolean hidden) {
    if (row != null) {
      Catalog before = app.catalog.view().catalog();
      try {
        app.fallback.added(newIds(before, app.catalog.upsert(List.of(row))));
      } catch (ImportRejectedException e) {
        throw rejected(e.report());
      }
      metrics.itemsUpserted(1);
    }
    if (hidden != null && !app.catalog.setHidden(id, hidden)) throw Problem.notFound("item", id);
    app.times.refresh(List.of(id));
    json(ctx, 200, itemDocument(app.store.storedItem(id).orElseThrow(() -> Problem.notFound("item", id))));
  }

  /** The path's id, refusing a body that names another (an id is never changed by a write). */
  private static String pathId(ObjectNode body, String id) {
    JsonNode given = body.get("id");
    if (given != null && !(given.isTextual() && given.asText().equals(id))) {
      throw Problem.badParameter("id", "the body's id " + given + " is not the path's '" + id + "'");
    }
    return id;
  }

  private static Boolean hiddenField(ObjectNode body) {
    JsonNode hidden = body.remove("hidden");
    if (hidden == null) return null;
    if (!hidden.isBoolean()) throw Problem.badParameter("hidden", "expected true or false, got " + type(hidden));
    return hidden.asBoolean();
  }

  /** Deletes the item and every event naming it; it leaves recommendations, similar items and the index at once. */
  private void deleteItem(Context ctx, App app) {
    String id = ctx.pathParam("id");
    if (!app.catalog.delete(id)) throw Problem.notFound("item", id);
    app.times.refresh(List.of(id));
    ctx.status(204);
  }

  private void getUser(Context ctx, App app) {
    String id = ctx.pathParam("id");
    User user = app.store.user(id).orElseThrow(() -> Problem.notFound("user", id));
    Map<String, Object> doc = userDocument(user);
    doc.put("events", app.store.eventCount(id));
    json(ctx, 200, doc);
  }

  private static Map<String, Object> userDocument(User user) {
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("id", user.id());
    if (user.split() != null) u.put("split", user.split());
    u.put("attributes", user.attributes());
    return u;
  }

  /** {@code GET /users}: a page in id order. */
  private void listUsers(Context ctx, App app) {
    String after = cursorParam(ctx);
    int limit = rangeParam(ctx, "limit", 100, 1, MAX_PAGE);
    List<User> page = app.store.userPage(after, limit);
    List<Map<String, Object>> users = new ArrayList<>(page.size());
    for (User u : page) users.add(userDocument(u));
    json(ctx, 200, page(users, page.size() == limit ? page.get(page.size() - 1).id() : null));
  }

  /** {@code PUT /users/{id}}: the user's split and attributes (their events stay). */
  private void putUser(Context ctx, App app) throws IOException {
    String id = ctx.pathParam("id");
    ObjectNode body = objectBody(ctx, USER_FIELDS, "a user");
    body.put("id", pathId(body, id));
    try {
      GenericBatch.upsertUsers(app.store, List.of(body));
    } catch (ImportRejectedException e) {
      throw rejected(e.report());
    }
    app.fallback.usersChanged();
    app.interests.forget(List.of(id), 0); // a ranker that reads the user's group ranks them again
    Map<String, Object> doc = userDocument(app.store.user(id).orElseThrow(() -> Problem.notFound("user", id)));
    doc.put("events", app.store.eventCount(id));
    json(ctx, 200, doc);
  }

  /** A page of a list: its rows under {@code name}, and the cursor of the next page (null: this is the last). */
  private static Map<String, Object> page(List<Map<String, Object>> rows, String lastId) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("data", rows);
    doc.put("next_cursor", lastId == null ? null
        : java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(lastId.getBytes(StandardCharsets.UTF_8)));
    return doc;
  }

  /** The id a page starts after, from the opaque {@code cursor} an earlier page gave; null for the first page. */
  private static String cursorParam(Context ctx) {
    String cursor = ctx.queryParam("cursor");
    if (cursor == null || cursor.isEmpty()) return null;
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(java.util.Base64.getUrlDecoder().decode(cursor))).toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      throw Problem.badParameter("cursor", "not a cursor this server gave (pass next_cursor as it came)");
    }
  }

  /** An instant as ISO-8601 ({@code 2026-12-01T00:00:00Z}) or Unix seconds, in milliseconds; 0 when absent. */
  private static long instantParam(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null || v.isBlank()) return 0;
    try {
      return Long.parseLong(v.trim()) * 1000;
    } catch (NumberFormatException notSeconds) {
      try {
        return Instant.parse(v.trim()).toEpochMilli();
      } catch (java.time.format.DateTimeParseException e) {
        throw Problem.badParameter(name, "expected an ISO-8601 instant such as 2026-12-01T00:00:00Z or Unix seconds,"
            + " got '" + v + "'");
      }
    }
  }

  /** A JSON object body holding only {@code fields}. */
  private ObjectNode objectBody(Context ctx, Set<String> fields, String what) throws IOException {
    JsonNode body = jsonBody(ctx);
    if (!body.isObject()) throw Problem.badRequest("expected a JSON object (" + what + "), got " + type(body));
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!fields.contains(name)) {
        throw Problem.badParameter(name, "unknown field (accepted: "
            + String.join(", ", fields.stream().sorted().toList()) + ")");
      }
    }
    return (ObjectNode) body;
  }

  // ------------------------------------------------------------------------------------------------ reads

  /**
   * A user's page of recommendations. A user with no events (or one the store does not know, unless configured to
   * answer 404) is answered by the {@link Fallback} chain.
   */
  private void recommendations(Context ctx, App app) {
    String user = ctx.pathParam("id");
    LiveCatalog.View view = app.catalog.view();
    RecommendRequest request = recommendRequest(ctx, view, app.times.fields());
    Map<String, String> context = contextParam(ctx);
    String text = ctx.queryParam("text");
    if (text != null) checkText("text", text);
    json(ctx, 200, recommend(app, user, view, request, context, text,
        ctx.queryString() == null ? "" : ctx.queryString()));
  }

  /**
   * A user's recommendations as {@code GET /users/{id}/recommendations} answers them: from their interests, or from
   * the fallback chain (with {@code text}, what they wrote, when not null) while they have no events.
   *
   * @param key says everything of the request and context: an answer kept for the same key may be given again
   */
  Map<String, Object> recommend(App app, String user, LiveCatalog.View view, RecommendRequest request,
                                Map<String, String> context, String text, String key) {
    if (!app.interests.hasEvents(user, view) && app.store.eventCount(user) == 0) {
      User known = app.store.user(user).orElse(null);
      if (!config.answerUnknownUsers() && known == null) throw Problem.notFound("user", user);
      List<Recommendation> fromText = text == null || text.isBlank() ? List.of()
          : fromText(app, text, view, request.offset() + request.k(), request.domain()).recs();
      List<Recommendation> recs = app.fallback.recommend(view.centred(), view.shown(view.centred(), null), request,
          fromText, known == null ? Map.of() : known.attributes());
      return Documents.recommendations(user, Fallback.MODEL, worded(recs, request));
    }
    List<Recommendation> recs = app.interests.recommend(user, view, request, context, key);
    return Documents.recommendations(user, view.recommender().model(), worded(recs, request));
  }

  /** The reasons as the language model rewrites them, when one is configured and reasons were asked for. */
  private List<Recommendation> worded(List<Recommendation> recs, RecommendRequest request) {
    return generatedReasons == null || !request.explain() ? recs : generatedReasons.rewrite(recs, request.language());
  }

  /** The most exclusions one request may carry. */
  private static final int MAX_EXCLUDE = 1_000;
  /** The deepest place in a user's list a page may reach: the diversity re-rank costs (offset + k)² similarities. */
  private static final int MAX_PAGE_END = 500;
  private static final int MAX_BOOSTS = 10;

  /** k, offset, domain, filter, exclude, boost, explain and diversity of a recommendation request, validated. */
  private static RecommendRequest recommendRequest(Context ctx, LiveCatalog.View view,
                                                   Map<String, Function<Item, Object>> moreFields) {
    int k = rangeParam(ctx, "k", 10, 1, MAX_K);
    int offset = rangeParam(ctx, "offset", 0, 0, MAX_PAGE_END - k);
    String domain = domainParam(ctx.queryParam("domain"), view);
    ItemFilter filter = ctx.queryParam("filter") == null ? null
        : filterParam("filter", ctx.queryParam("filter"), moreFields);
    Set<String> exclude = new LinkedHashSet<>();
    for (String list : ctx.queryParams("exclude")) {
      for (String id : list.split(",")) if (!id.isBlank()) exclude.add(id.trim());
    }
    if (exclude.size() > MAX_EXCLUDE) {
      throw Problem.badParameter("exclude", exclude.size() + " ids, more than the " + MAX_EXCLUDE + " accepted");
    }
    List<String> boostTexts = ctx.queryParams("boost");
    if (boostTexts.size() > MAX_BOOSTS) {
      throw Problem.badParameter("boost", boostTexts.size() + " boosts, more than the " + MAX_BOOSTS + " accepted");
    }
    List<RecommendRequest.Boost> boosts = new ArrayList<>();
    for (String b : boostTexts) boosts.add(boostParam(b, moreFields));
    String language = ctx.queryParam("lang");
    if (language != null && !RecommendRequest.LANGUAGES.contains(language)) {
      throw Problem.badParameter("lang", "reasons are written in en or zh, got '" + language + "'");
    }
    return new RecommendRequest(k, offset, domain, filter, exclude, boosts, boolParam(ctx, "explain"),
        doubleParam(ctx, "diversity", 0.2), language);
  }

  private static ItemFilter filterParam(String name, String text, Map<String, Function<Item, Object>> moreFields) {
    try {
      return ItemFilter.parse(text, moreFields);
    } catch (ItemFilter.BadFilter e) {
      throw Problem.badParameter(name, e.getMessage());
    }
  }

  /** {@code LIFT:FILTER}, e.g. {@code 1.5:"Comedy" in categories}. */
  private static RecommendRequest.Boost boostParam(String text, Map<String, Function<Item, Object>> moreFields) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw Problem.badParameter("boost", "expected LIFT:FILTER such as 1.5:\"Comedy\" in categories, got '"
          + text + "'");
    }
    double lift;
    try {
      lift = Double.parseDouble(text.substring(0, colon).trim());
    } catch (NumberFormatException e) {
      throw Problem.badParameter("boost", "the lift before ':' must be a number, got '" + text.substring(0, colon)
          + "'");
    }
    if (!(Math.abs(lift) <= 10)) throw Problem.badParameter("boost", "the lift must be between -10 and 10");
    return new RecommendRequest.Boost(filterParam("boost", text.substring(colon + 1), moreFields), lift);
  }

  /** The scenario of a request: every {@code context[key]=value} query parameter, checked ({@link RequestContext}). */
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
    try {
      return RequestContext.checked(context);
    } catch (IllegalArgumentException e) {
      throw Problem.badParameter("context", e.getMessage());
    }
  }

  private void profile(Context ctx, App app) {
    String user = knownUser(ctx, app);
    LiveCatalog.View view = app.catalog.view();
    List<Event> history = app.store.eventsOf(user);
    json(ctx, 200, app.interests.withInterests(user, view, u -> Documents.profile(user, history, u, view.recommender())));
  }

  private void export(Context ctx, App app) {
    String id = ctx.pathParam("id");
    User user = app.store.user(id).orElseThrow(() -> Problem.notFound("user", id));
    Map<String, Object> u = new LinkedHashMap<>();
    u.put("id", user.id());
    if (user.split() != null) u.put("split", user.split());
    u.put("attributes", user.attributes());
    List<Map<String, Object>> events = new ArrayList<>();
    for (Event e : app.store.eventsOf(id)) events.add(genericEvent(e));
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

  private void similar(Context ctx, App app) {
    String id = ctx.pathParam("id");
    int k = rangeParam(ctx, "k", 10, 1, MAX_K);
    LiveCatalog.View view = app.catalog.view();
    String domain = domainParam(ctx.queryParam("domain"), view);
    json(ctx, 200, Map.of("item", id, "items", Documents.items(similar(view, id, k, domain))));
  }

  /**
   * The {@code k} shown items nearest to item {@code id} (of {@code domain} when not null); a 404 problem for an
   * unknown item.
   */
  static List<Recommendation> similar(LiveCatalog.View view, String id, int k, String domain) {
    Catalog centred = view.centred();
    int index = centred.indexOf(id);
    if (index < 0) throw Problem.notFound("item", id);
    return view.similar().of(centred, index, k, domain, view.shown(centred, domain), view.shown(centred, null));
  }

  /** Recommendations for someone with no history, from a text saying what they like. */
  private void onboarding(Context ctx, App app) throws IOException {
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
    checkText("text", text.asText());
    JsonNode kNode = body.get("k");
    if (kNode != null && !kNode.isIntegralNumber()) {
      throw Problem.badParameter("k", "expected an integer, got " + type(kNode));
    }
    int k = checkK(kNode == null ? 10 : kNode.asLong());
    JsonNode domainNode = body.get("domain");
    if (domainNode != null && !domainNode.isTextual()) {
      throw Problem.badParameter("domain", "expected a string, got " + type(domainNode));
    }
    LiveCatalog.View view = app.catalog.view();
    String domain = domainParam(domainNode == null ? null : domainNode.asText(), view);
    TextAnswer answer = fromText(app, text.asText(), view, k, domain);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("model", answer.model());
    if (answer.space() != null) doc.put("space", answer.space());
    doc.put("items", Documents.items(answer.recs()));
    json(ctx, 200, doc);
  }

  /** Recommendations for a text of taste, the model that read it and the space it was placed in (null: none). */
  record TextAnswer(String model, String space, List<Recommendation> recs) {}

  static TextAnswer fromText(App app, String text, LiveCatalog.View view, int k, String domain) {
    LiveCatalog.Query query = app.catalog.encode(text, view.centred().spaces().keySet());
    LiveCatalog.Onboarding built = query.space() == null ? null : app.catalog.onboarding(view);
    StatedTasteRanker taste = built == null ? null : built.rankers().get(query.space());
    // a ranker ranks the catalogue it was built over, which may be a few writes older than the newest
    Catalog tasteCentred = taste == null ? view.centred() : built.view().centred();
    List<Recommendation> recs = Newcomers.rank(taste, tasteCentred, view.shown(tasteCentred, domain),
        view.centred(), query.space(), query.vector(), k, view.shown(view.centred(), domain));
    return new TextAnswer(query.reader(), query.space(), recs);
  }

  /** A stated taste the server can read: not too long, in English or Chinese (Japanese and Korean are refused). */
  static void checkText(String name, String text) {
    if (text.length() > MAX_ONBOARDING_CHARS) throw Problem.tooLong(name, text.length(), MAX_ONBOARDING_CHARS);
    String unreadable = Newcomers.unreadableLanguage(text);
    if (unreadable != null) throw Problem.unsupportedLanguage(name, unreadable);
  }

  // ------------------------------------------------------------------------------------------------ parameters

  private static String knownUser(Context ctx, App app) {
    String id = ctx.pathParam("id");
    if (app.store.user(id).isEmpty()) throw Problem.notFound("user", id);
    return id;
  }

  private static int rangeParam(Context ctx, String name, int fallback, int min, int max) {
    String v = ctx.queryParam(name);
    if (v == null) return fallback;
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw Problem.badParameter(name, "expected an integer, got '" + v + "'");
    }
    if (n < min || n > max) throw Problem.badParameter(name, "must be between " + min + " and " + max + ", got " + n);
    return (int) n;
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

  /** {@code application/json} (or a JSON merge patch's {@code application/merge-patch+json}), with parameters or none. */
  private static boolean isJson(String contentType) {
    if (contentType == null) return false;
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    return type.equalsIgnoreCase("application/json") || type.equalsIgnoreCase("application/merge-patch+json");
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
