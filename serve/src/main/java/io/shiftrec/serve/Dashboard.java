package io.shiftrec.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import io.shiftrec.core.Event;
import io.shiftrec.core.StoreException;
import io.shiftrec.core.User;
import io.shiftrec.ranker.Documents;
import io.shiftrec.ranker.RecommendRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard: server-rendered HTML pages under {@code /ui} over the same objects the API answers from (overview,
 * a user, an item, trying a sentence of taste, the model registry). A person signs in with an API key
 * ({@code /ui/login}); the server keeps the sign-in (app, the key's id and scope, never the key) in memory under a
 * random id that the browser holds in an HttpOnly, SameSite=Strict cookie. Every POST must come from a page of this
 * server (its Origin, else its Sec-Fetch-Site) and carry the session's form token. Pages are sent with a
 * Content-Security-Policy that allows only this server's scripts and styles, none inline. The pages themselves:
 * {@link DashboardPages}.
 */
final class Dashboard {
  private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("io.shiftrec.access");
  static final String COOKIE = "shiftrec_ui";
  static final String LOGIN_COOKIE = "shiftrec_ui_login";
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
      + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  /** Recommendations and similar items shown on a page. */
  static final int K = 10;
  /** A user's latest events shown on their page. */
  static final int RECENT_EVENTS = 20;

  /** What a page needs of who asks. */
  enum Need { NONE, READ, WRITE, ADMIN }

  @FunctionalInterface
  interface Handler {
    void handle(Request r) throws Exception;
  }

  /** One request to a page: who asks (their session, or none) and the app they see. */
  final class Request {
    final Context ctx;
    final DashboardSessions.Session session;
    final App app;

    Request(Context ctx, DashboardSessions.Session session, App app) {
      this.ctx = ctx;
      this.session = session;
      this.app = app;
    }

    /** Whether who asks may do what a key of {@code scope} may. */
    boolean may(ApiKeys.Scope scope) {
      return session != null ? session.scope().compareTo(scope) >= 0
          : scope == ApiKeys.Scope.READ && !config.readsNeedKey();
    }

    /** Whether this came from htmx (a part of a page is asked for, not the whole). */
    boolean htmx() {
      return "true".equals(ctx.header("HX-Request"));
    }

    DashboardPages.Who who() {
      return new DashboardPages.Who(app.name, session == null ? null : session.scope().wireName(),
          session == null ? null : session.csrf(), !config.readsNeedKey());
    }

    void page(int status, Html html) {
      ctx.status(status).contentType("text/html; charset=utf-8").result(html.toString());
    }

    /** A 303 to a path of this server (after a POST, so reloading does not post again). */
    void seeOther(String location) {
      ctx.status(303).header("Location", location);
    }
  }

  private final ShiftRecServer server;
  private final ServeConfig config;
  private final App defaultApp;
  private final Apps apps;
  private final RateLimits rateLimits;
  private final DashboardSessions sessions = new DashboardSessions();
  private final Map<String, byte[]> assets = new ConcurrentHashMap<>();
  private final EvaluationReports reports;

  Dashboard(ShiftRecServer server, ServeConfig config, App defaultApp, Apps apps, RateLimits rateLimits) {
    this.server = server;
    this.config = config;
    this.defaultApp = defaultApp;
    this.apps = apps;
    this.rateLimits = rateLimits;
    this.reports = new EvaluationReports(config.reportsDir());
  }

  void routes(JavalinDefaultRoutingApi r) {
    r.get("/ui/assets/{name}", this::asset);
    page(r, "GET", "/ui", Need.READ, this::overview);
    page(r, "GET", "/ui/activity", Need.READ, rq -> rq.page(200, DashboardPages.activity(eventsPerMinute(rq.app))));
    page(r, "GET", "/ui/login", Need.NONE, this::loginForm);
    page(r, "POST", "/ui/login", Need.NONE, this::login);
    page(r, "POST", "/ui/logout", Need.NONE, this::logout);
    page(r, "GET", "/ui/users", Need.READ, rq -> {
      String id = rq.ctx.queryParam("id");
      if (id == null || id.isBlank()) throw Problem.http(400, "No user id", "enter a user id to look up");
      user(rq, id.trim(), null, 200);
    });
    page(r, "GET", "/ui/users/{id}", Need.READ, rq -> user(rq, rq.ctx.pathParam("id"), null, 200));
    page(r, "POST", "/ui/events", Need.WRITE, this::postEvent);
    page(r, "GET", "/ui/items", Need.READ, rq -> {
      String id = rq.ctx.queryParam("id");
      if (id == null || id.isBlank()) throw Problem.http(400, "No item id", "enter an item id to look up");
      item(rq, id.trim());
    });
    page(r, "GET", "/ui/items/{id}", Need.READ, rq -> item(rq, rq.ctx.pathParam("id")));
    page(r, "GET", "/ui/try", Need.READ, this::tryIt);
    page(r, "GET", "/ui/models", Need.READ, this::models);
    page(r, "POST", "/ui/models/{version}/activate", Need.ADMIN, this::activate);
    page(r, "GET", "/ui/evaluation", Need.READ, rq -> rq.page(200, EvaluationPages.list(rq.who(), reports,
        reports.list())));
    page(r, "GET", "/ui/evaluation/compare", Need.READ, this::compare);
    page(r, "GET", "/ui/evaluation/{report}", Need.READ, rq -> rq.page(200, EvaluationPages.report(rq.who(),
        reports.get(rq.ctx.pathParam("report")), reports.list().reports())));
    page(r, "GET", "/ui/*", Need.NONE, rq -> {
      throw Problem.http(404, "Not found", "there is no page at this address");
    });
    page(r, "POST", "/ui/*", Need.NONE, rq -> {
      throw Problem.http(404, "Not found", "there is no page at this address");
    });
  }

  // ------------------------------------------------------------------------------------------------ every page

  /**
   * Registers a page behind the session, rate limit, form and access checks, with security headers and its errors
   * answered as readable pages (a part of one for htmx), never as JSON.
   */
  private void page(JavalinDefaultRoutingApi r, String method, String path, Need need, Handler handler) {
    io.javalin.http.Handler h = ctx -> {
      long start = System.nanoTime();
      securityHeaders(ctx);
      Request rq = new Request(ctx, null, defaultApp);
      try {
        DashboardSessions.Session session = session(ctx);
        rq = new Request(ctx, session, session == null ? defaultApp : appOf(session));
        String client = rq.session != null ? rq.session.keyId() : ctx.ip();
        long wait = rateLimits.waitNanos(rq.session != null, client);
        if (wait > 0) {
          ctx.header("Retry-After", Long.toString(Math.max(1, (wait + 999_999_999L) / 1_000_000_000L)));
          throw Problem.http(429, "Too many requests", "too many requests from here just now; wait a second and"
              + " reload the page");
        }
        if (method.equals("POST")) checkForm(rq, path.equals("/ui/login"));
        if (!allowed(rq, need, method)) return;
        handler.handle(rq);
      } catch (Problem p) {
        failed(rq, p);
      } catch (StoreException e) {
        LOG.error("{} {} failed in the store", method, path, e);
        failed(rq, e.outOfSpace() ? Problem.storeFull() : Problem.internal());
      } catch (RuntimeException | IOException e) {
        LOG.error("{} {} failed", method, path, e);
        failed(rq, Problem.internal());
      } finally {
        if (ACCESS.isInfoEnabled()) { // the route's template, never its ids, query or form: those may be personal
          ACCESS.info("{} {} {} {} ms", method, path, ctx.status().getCode(),
              String.format(Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e6));
        }
      }
    };
    switch (method) {
      case "GET" -> r.get(path, h);
      case "POST" -> r.post(path, h);
      default -> throw new IllegalArgumentException(method);
    }
  }

  private static void securityHeaders(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("Cache-Control", "no-store"); // pages may hold personal data
  }

  /** Whether the page may go on; if not, it answered (sign in first, or a 403 page) already. */
  private boolean allowed(Request rq, Need need, String method) {
    if (need == Need.NONE) return true;
    ApiKeys.Scope scope = need == Need.READ ? ApiKeys.Scope.READ
        : need == Need.WRITE ? ApiKeys.Scope.WRITE : ApiKeys.Scope.ADMIN;
    if (rq.may(scope)) return true;
    if (rq.session == null && method.equals("GET")) {
      String next = rq.ctx.path() + (rq.ctx.queryString() == null ? "" : "?" + rq.ctx.queryString());
      String login = "/ui/login?next=" + Html.encode(next);
      if (rq.htmx()) rq.ctx.status(200).header("HX-Redirect", login);
      else rq.seeOther(login);
      return false;
    }
    String doing = need == Need.ADMIN ? "activating a model" : need == Need.WRITE ? "this" : "reading this page";
    String detail = rq.session == null
        ? "sign in with a key of scope " + scope.wireName() + " or wider first: " + doing + " needs one"
        : doing + " needs a key of scope " + scope.wireName() + " or wider; you signed in with a "
            + rq.session.scope().wireName() + " key";
    failed(rq, Problem.http(403, "Not allowed", detail));
    return false;
  }

  private void failed(Request rq, Problem p) {
    if (rq.htmx()) {
      rq.page(p.status(), DashboardPages.message(true, p.getMessage()));
    } else {
      rq.page(p.status(), DashboardPages.error(rq.who(), p.status(), p.getMessage()));
    }
  }

  /** The session the cookie names, while its app exists and its key is still accepted; else none. */
  private DashboardSessions.Session session(Context ctx) {
    DashboardSessions.Session s = sessions.get(ctx.cookie(COOKIE));
    if (s == null) return null;
    App app = s.app().equals(App.DEFAULT) ? defaultApp : apps.get(s.app());
    if (app == null || app.keys.scopeOf(s.keyId()) == null) { // the app was deleted or the key revoked
      sessions.end(s.id());
      return null;
    }
    return s;
  }

  private App appOf(DashboardSessions.Session s) {
    App app = s.app().equals(App.DEFAULT) ? defaultApp : apps.get(s.app());
    if (app == null) throw Problem.notFound("app", s.app());
    return app;
  }

  /**
   * Refuses a form that does not come from a page of this server: its Origin (else its Sec-Fetch-Site) must be this
   * server, and it must carry the session's token (the sign-in form: the token of its own cookie).
   */
  private void checkForm(Request rq, boolean signIn) {
    Context ctx = rq.ctx;
    String origin = ctx.header("Origin");
    boolean sameOrigin;
    if (origin != null) {
      // this server as the browser addressed it: the Host, or the one a proxy in front says it forwarded (a page of
      // another site cannot set either header on a form it sends)
      int scheme = origin.indexOf("://");
      String addressed = scheme < 0 ? "" : origin.substring(scheme + 3);
      sameOrigin = addressed.equalsIgnoreCase(String.valueOf(ctx.header("Host")))
          || addressed.equalsIgnoreCase(String.valueOf(ctx.header("X-Forwarded-Host")));

    } else {
      String site = ctx.header("Sec-Fetch-Site");
      sameOrigin = site == null || site.equals("same-origin");
    }
    String expected = signIn ? ctx.cookie(LOGIN_COOKIE) : rq.session == null ? null : rq.session.csrf();
    if (!sameOrigin || (signIn || rq.session != null) && !DashboardSessions.same(expected, ctx.formParam("csrf"))) {
      throw Problem.http(403, "Form refused", "this form is out of date or was sent from another site; reload the"
          + " page and send it again");
    }
  }

  // ------------------------------------------------------------------------------------------------ signing in

  private void loginForm(Request rq) {
    String token = DashboardSessions.token();
    rq.ctx.res().addHeader("Set-Cookie", LOGIN_COOKIE + "=" + token + "; Path=/ui/login; Max-Age=3600; HttpOnly;"
        + " SameSite=Strict" + secure(rq.ctx));
    String message = "out".equals(rq.ctx.queryParam("signed")) ? "You signed out." : null;
    rq.page(200, DashboardPages.login(rq.who(), token, next(rq.ctx.queryParam("next")), App.DEFAULT, message, false));
  }

  private void login(Request rq) {
    Context ctx = rq.ctx;
    String key = Optional.ofNullable(ctx.formParam("key")).orElse("").trim();
    String appName = Optional.ofNullable(ctx.formParam("app")).orElse("").trim();
    if (appName.isEmpty()) appName = App.DEFAULT;
    String next = next(ctx.formParam("next"));
    String token = ctx.cookie(LOGIN_COOKIE);
    // every try spends from the address's rate limit, as a wrong key sent to the API does, also when signed in
    // already (a session's own limit is its key's, far larger): guessing keys stays slow
    if (rq.session != null && rateLimits.waitNanos(false, ctx.ip()) > 0) {
      throw Problem.http(429, "Too many tries", "too many sign-in tries from here; wait a second and try again");
    }
    App app = appName.equals(App.DEFAULT) ? defaultApp : apps.get(appName);
    ApiKeys.Holder holder = key.isEmpty() || app == null ? null : app.keys.holder(key);
    if (holder == null) {
      String message = key.isEmpty() ? "Enter an API key."
          : app == null ? "There is no app named ‘" + appName + "’ on this server."
          : "That key is not a key of app ‘" + appName + "’. Check it and try again.";
      rq.page(key.isEmpty() ? 400 : 401, DashboardPages.login(rq.who(), token, next, appName, message, true));
      return;
    }
    if (rq.session != null) sessions.end(rq.session.id());
    DashboardSessions.Session s = sessions.create(app.name, holder);
    LOG.info("dashboard: signed in to app {} with key {} ({})", app.name, holder.id(), holder.scope().wireName());
    ctx.res().addHeader("Set-Cookie", COOKIE + "=" + s.id() + "; Path=/ui; HttpOnly; SameSite=Strict" + secure(ctx));
    ctx.res().addHeader("Set-Cookie", LOGIN_COOKIE + "=; Path=/ui/login; Max-Age=0; HttpOnly; SameSite=Strict"
        + secure(ctx));
    rq.seeOther(next);
  }

  private void logout(Request rq) {
    if (rq.session != null) sessions.end(rq.session.id());
    rq.ctx.res().addHeader("Set-Cookie", COOKIE + "=; Path=/ui; Max-Age=0; HttpOnly; SameSite=Strict"
        + secure(rq.ctx));
    rq.seeOther("/ui/login?signed=out");
  }

  /** {@code ; Secure} when the page came over HTTPS (directly or through a proxy that says so). */
  private static String secure(Context ctx) {
    return "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"))
        ? "; Secure" : "";
  }

  /** Where to go after signing in: a dashboard path only (never another site), else the overview. */
  static String next(String next) {
    if (next == null || !next.startsWith("/ui") || next.startsWith("//") || next.contains("\\")
        || next.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      return "/ui";
    }
    return next;
  }

  // ------------------------------------------------------------------------------------------------ pages

  private void overview(Request rq) {
    App app = rq.app;
    LiveCatalog.View view = app.catalog.view();
    List<User> users = rq.may(ApiKeys.Scope.WRITE) ? app.store.userPage(null, 10) : null;
    rq.page(200, DashboardPages.overview(rq.who(), view, app.store.counts(), ShiftRecServer.models(app),
        app.store.itemPage(new io.shiftrec.core.Store.ItemPage(null, 12, null, null, 0)), users, eventsPerMinute(app),
        app.interests.migrationsSince(System.currentTimeMillis() - 24 * 3600 * 1000L)));
  }

  private static long[] eventsPerMinute(App app) {
    return app.follower.eventRate.perMinute(System.currentTimeMillis(), DashboardPages.ACTIVITY_MINUTES);
  }

  /** A user's page; {@code message} (when not null) says how posting an event went. */
  private void user(Request rq, String id, Html message, int status) {
    App app = rq.app;
    if (app.store.user(id).isEmpty()) {
      throw Problem.http(404, "Unknown user", "there is no user ‘" + id + "’ in app ‘" + app.name + "’");
    }
    LiveCatalog.View view = app.catalog.view();
    boolean personal = rq.may(ApiKeys.Scope.WRITE);
    Map<String, Object> profile = null;
    List<Event> history = null;
    if (personal) {
      history = app.store.eventsOf(id);
      List<Event> events = history;
      profile = app.interests.withInterests(id, view,
          u -> Documents.profile(id, events, u, view.recommender()));
    }
    rq.page(status, DashboardPages.user(rq.who(), id, app.store.eventCount(id), profile, history, view,
        recommendations(app, id, view), message));
  }

  private Map<String, Object> recommendations(App app, String id, LiveCatalog.View view) {
    RecommendRequest request = RecommendRequest.of(K, null, true, 0.2);
    return server.recommend(app, id, view, request, Map.of(), null, "dashboard:k=" + K + "&explain=true");
  }

  /**
   * Posts one event (the item, the type, a value for ratings) at this moment. From htmx, answers the message and the
   * user's new recommendations, events and interests as out-of-band parts; from a plain form, the whole page.
   */
  private void postEvent(Request rq) {
    App app = rq.app;
    String id = Optional.ofNullable(rq.ctx.formParam("user")).orElse("");
    if (app.store.user(id).isEmpty()) {
      throw Problem.http(404, "Unknown user", "there is no user ‘" + id + "’ in app ‘" + app.name + "’");
    }
    String item
 = Optional.ofNullable(rq.ctx.formParam("item")).orElse("").trim();
    String type = Optional.ofNullable(rq.ctx.formParam("type")).orElse("view").trim();
    String value = Optional.ofNullable(rq.ctx.formParam("value")).orElse("").trim();
    Html message;
    int status = 200;
    try {
      if (item.isEmpty()) throw Problem.http(400, "No item", "enter the id of the item");
      ObjectNode row = JsonNodeFactory.instance.objectNode();
      row.put("user", id);
      row.put("item", item);
      row.put("type", type);
      if (!value.isEmpty()) {
        try {
          row.put("value", Double.parseDouble(value));
        } catch (NumberFormatException e) {
          throw Problem.http(400, "Bad value", "a value is a number, such as 4 for a rating; got ‘" + value + "’");
        }
      }
      row.put("timestamp", System.currentTimeMillis() / 1000);
      server.storeEvents(app, List.<JsonNode>of(row));
      String title = app.catalog.view().catalog().indexOf(item) >= 0
          ? app.catalog.view().catalog().item(app.catalog.view().catalog().indexOf(item)).title() : item;
      message = DashboardPages.message(false, "Stored: " + type + " of ‘" + title + "’. The recommendations below"
          + " take it in.");
    } catch (Problem p) {
      status = p.status();
      // the batch's own words, less the row number of a batch of one
      message = DashboardPages.message(true, "The event was not stored: "
          + p.getMessage().replaceFirst("^events\\[0]: ", ""));
    }
    if (rq.htmx()) {
      LiveCatalog.View view = app.catalog.view();
      Html parts = message;
      if (status == 200) {
        List<Event> history = app.store.eventsOf(id);
        Map<String, Object> profile = app.interests.withInterests(id, view,
            u -> Documents.profile(id, history, u, view.recommender()));
        parts = DashboardPages.afterEvent(id, message, profile, history, view, recommendations(app, id, view));
      }
      rq.page(status, parts);
    } else {
      user(rq, id, message, status);
    }
  }

  private void item(Request rq, String id) {
    App app = rq.app;
    var stored = app.store.storedItem(id).orElseThrow(() -> Problem.http(404, "Unknown item",
        "there is no item ‘" + id + "’ in app ‘" + app.name + "’"));
    LiveCatalog.View view = app.catalog.view();
    rq.page(200, DashboardPages.item(rq.who(), ShiftRecServer.itemDocument(stored), view.catalog().indexOf(id) >= 0
        ? Documents.items(ShiftRecServer.similar(view, id, K, null)) : List.of(),
        rq.may(ApiKeys.Scope.WRITE) ? app.store.usersOf(id, TAKERS_SHOWN) : null));
  }

  /** Users listed on an item's page. */
  private static final int TAKERS_SHOWN = 20;

  private void tryIt(Request rq) {
    App app = rq.app;
    String text = rq.ctx.queryParam("text");
    String domain = rq.ctx.queryParam("domain");
    LiveCatalog.View view = app.catalog.view();
    if (domain != null && (domain.isEmpty() || !view.domains().contains(domain))) domain = null;
    if (text == null) {
      rq.page(200, DashboardPages.tryIt(rq.who(), view.domains(), "", domain, null, null));
      return;
    }
    String problem = null;
    Map<String, Object> answer = null;
    if (text.isBlank()) {
      problem = "Write a sentence about what you like, such as “I love space adventures and robots”.";
    } else {
      try {
        ShiftRecServer.checkText("text", text);
        ShiftRecServer.TextAnswer found = ShiftRecServer.fromText(app, text.trim(), view, K, domain);
        if (found.recs().isEmpty()) {
          problem = found.space() == null ? "Nothing to recommend yet: no item's text has been read."
              : "Nothing to recommend for this sentence" + (domain == null ? "." : " in domain " + domain + ".");
        } else {
          answer = Map.of("model", found.model(), "space", found.space(), "items", Documents.items(found.recs()));
        }
      } catch (Problem p) {
        problem = "That sentence could not be read: " + p.getMessage();
      }
    }
    rq.page(problem == null ? 200 : 400, DashboardPages.tryIt(rq.who(), view.domains(), text, domain, answer,
        problem));
  }

  private void models(Request rq) {
    String activated = rq.ctx.queryParam("activated");
    Html message = activated == null ? null
        : DashboardPages.message(false, "Version " + activated + " is now active and serving.");
    rq.page(200, DashboardPages.models(rq.who(), ShiftRecServer.models(rq.app), rq.may(ApiKeys.Scope.ADMIN),
        message));
  }

  private void activate(Request rq) {
    String version = rq.ctx.pathParam("version");
    try {
      ShiftRecServer.activate(rq.app, version);
    } catch (Problem p) {
      if (p.status() != 404) throw p; // one that cannot be served says why
      throw Problem.http(404, "Unknown model version", "there is no model version ‘" + version + "’ in app ‘"
          + rq.app.name + "’");
    }
    LOG.info("dashboard: model version {} of app {} activated by key {}", version, rq.app.name, rq.session.keyId());
    rq.seeOther("/ui/models?activated=" + Html.encode(version));
  }

  /** Two reports side by side ({@code ?a=NAME&b=NAME}, names of the reports folder's listing). */
  private void compare(Request rq) {
    String a = rq.ctx.queryParam("a");
    String b = rq.ctx.queryParam("b");
    if (!reports.configured()) throw Problem.http(404, "No reports folder", EvaluationReports.noFolder());
    if (a == null || a.isBlank() || b == null || b.isBlank()) {
      throw Problem.http(400, "Two reports needed", "choose two reports to compare, A and B, on the Evaluation"
          + " page");
    }
    rq.page(200, EvaluationPages.compare(rq.who(), reports.get(a), reports.get(b), reports.list().reports()));
  }

  // ------------------------------------------------------------------------------------------------ assets

  /** The dashboard's own script and style, and htmx and uPlot from their WebJars: nothing comes from elsewhere. */
  private void asset(Context ctx) {
    String name = ctx.pathParam("name");
    String resource = switch (name) {
      case "dashboard.css", "dashboard.js", "favicon.svg" -> "io/shiftrec/serve/ui/" + name;
      case "htmx.min.js" -> webjar("htmx.org", "dist/htmx.min.js");
      case "uPlot.iife.min.js", "uPlot.min.css" -> webjar("uplot", "dist/" + name);
      default -> null;
    };
    byte[] bytes = resource == null ? null : assets.computeIfAbsent(resource, Dashboard::read);
    ctx.header("X-Content-Type-Options", "nosniff");
    if (bytes == null || bytes.length == 0) {
      ctx.status(404).contentType("text/plain; charset=utf-8").result("no such asset");
      return;
    }
    ctx.header("Cache-Control", "public, max-age=3600");
    ctx.contentType(name.endsWith(".css") ? "text/css; charset=utf-8" : name.endsWith(".svg") ? "image/svg+xml"
        : "text/javascript; charset=utf-8").result(bytes);

  }

  /** The path of a file in an npm WebJar on the class path, at the version the build put there. */
  private static String webjar(String artifact, String file) {
    String pom = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
    try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(pom)) {
      if (in == null) return null;
      Properties p = new Properties();
      p.load(in);
      return "META-INF/resources/webjars/" + artifact + "/" + p.getProperty("version") + "/" + file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(String resource) {
    try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? new byte[0] : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
