package io.shiftrec.serve;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Store;
import io.shiftrec.core.User;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The dashboard's pages, rendered from the documents the API answers (recommendations, profiles, items, the model
 * registry) through {@link Html}, so every value is escaped. No page holds a script or a style of its own: those are
 * files under {@code /ui/assets/}, as the Content-Security-Policy requires.
 */
final class DashboardPages {
  private DashboardPages() {}

  /**
   * Who is looking: the app, the scope of their key (null: not signed in), the token their forms carry and whether
   * the server opens reads to anyone.
   */
  record Who(String app, String scope, String csrf, boolean readsOpen) {
    boolean signedIn() {
      return scope != null;
    }
  }

  /** htmx: no inline styles or eval, nothing kept in local storage, and answers of 4xx shown as they come. */
  private static final String HTMX_CONFIG = "{\"includeIndicatorStyles\":false,\"allowEval\":false,"
      + "\"allowScriptTags\":false,\"historyCacheSize\":0,\"selfRequestsOnly\":true,"
      + "\"historyRestoreAsHxRequest\":false,\"responseHandling\":[{\"code\":\"204\",\"swap\":false},"
      + "{\"code\":\"[2345]..\",\"swap\":true,\"error\":false}]}";
  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  // ------------------------------------------------------------------------------------------------ the frame

  static Html shell(Who who, String title, String current, Html main, boolean plots) {
    Html.Builder nav = Html.builder();
    for (String[] link : new String[][] {{"/ui", "Overview"}, {"/ui/try", "Try it"}, {"/ui/models", "Models"},
        {"/ui/evaluation", "Evaluation"}}) {
      nav.add(link[1].equals(current) ? "<li><a href=\"{}\" aria-current=\"page\">{}</a></li>"
          : "<li><a href=\"{}\">{}</a></li>", link[0], link[1]);
    }
    Html account = who.signedIn()
        ? Html.of("<p class=\"who\">App <strong>{}</strong> · signed in with a <strong>{}</strong> key</p>"
            + "<form method=\"post\" action=\"/ui/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">"
            + "<button type=\"submit\" class=\"link\">Sign out</button></form>", who.app(), who.scope(), who.csrf())
        : Html.of("<p class=\"who\">App <strong>{}</strong> · {}</p>"
            + "<a class=\"button\" href=\"/ui/login\">Sign in</a>", who.app(), who.readsOpen() ? "open reads, not signed in" : "not signed in");
    Html scripts = plots
        ? Html.of("<link rel=\"stylesheet\" href=\"/ui/assets/uPlot.min.css\">"
            + "<script src=\"/ui/assets/uPlot.iife.min.js\" defer></script>")
        : Html.EMPTY;
    return Html.of("""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="htmx-config" content="{}">
        <title>{} · ShiftRec</title>
        <link rel="icon" href="/ui/assets/favicon.svg" type="image/svg+xml">
        <link rel="stylesheet" href="/ui/assets/dashboard.css">

        {}<script src="/ui/assets/htmx.min.js" defer></script>
        <script src="/ui/assets/dashboard.js" defer></script>
        </head>
        <body>
        <a class="skip" href="#main">Skip to the content</a>
        <header class="top">
        <a class="brand" href="/ui">ShiftRec</a>
        <nav aria-label="Dashboard"><ul>{}</ul></nav>
        <div class="account">{}</div>
        </header>
        <main id="main">
        {}
        </main>
        <footer><p>ShiftRec dashboard · the same answers as the HTTP API (<a href="/openapi.json">its document</a>)</p></footer>
        </body>
        </html>
        """, HTMX_CONFIG, title, scripts, nav.build(), account, main);
  }

  /** A message that says how something went; an error is announced at once to screen readers. */
  static Html message(boolean error, String text) {
    return error ? Html.of("<p class=\"message error\" role=\"alert\"><strong>Problem:</strong> {}</p>", text)
        : Html.of("<p class=\"message ok\" role=\"status\"><strong>Done:</strong> {}</p>", text);
  }

  static Html error(Who who, int status, String detail) {
    String title = switch (status) {
      case 400, 422 -> "That did not work";
      case 401, 403 -> "Not allowed";
      case 404 -> "Not found";
      case 429 -> "Too many requests";
      default -> "Something went wrong";
    };
    Html hint = status == 403 && !who.signedIn() || status == 401
        ? Html.of("<p><a class=\"button\" href=\"/ui/login\">Sign in</a></p>")
        : Html.of("<p><a href=\"/ui\">Back to the overview</a></p>");
    return shell(who, title, "", Html.of("<h1>{}</h1>{}{}<p class=\"status\">HTTP status {}</p>", title,
        message(true, capitalise(detail)), hint, status), false);
  }

  // ------------------------------------------------------------------------------------------------ sign in

  static Html login(Who who, String token, String next, String app, String problem, boolean failed) {
    Html note = who.readsOpen()
        ? Html.of("<p>Reads are open on this server: the overview, items, recommendations and models can be seen"
            + " without a key. Sign in to see users' interests and events, to post events (a write key) or to"
            + " activate models (an admin key).</p>")
        : Html.of("<p>Sign in with one of this server's API keys. A read key shows the overview, items,"
            + " recommendations and models; a write key also users' interests and events, and lets you post"
            + " events; an admin key also activates models.</p>");
    Html already = who.signedIn()
        ? Html.of("<p>You are signed in to app <strong>{}</strong> with a <strong>{}</strong> key. Signing in again"
            + " replaces that.</p>", who.app(), who.scope())
        : Html.EMPTY;
    Html main = Html.of("""
        <h1>Sign in</h1>
        {}{}{}
        <form class="stack narrow" method="post" action="/ui/login">
        <input type="hidden" name="csrf" value="{}">
        <input type="hidden" name="next" value="{}">
        <label for="key">API key</label>
        <input id="key" name="key" type="password" autocomplete="off" spellcheck="false" required{}>
        <label for="app">App</label>
        <input id="app" name="app" value="{}" autocomplete="off" spellcheck="false">
        <p class="hint" id="app-hint">The default app is the store the server was started on; other apps have keys of their own.</p>
        <button type="submit">Sign in</button>
        </form>
        <p class="hint">The key is checked once and not kept: the server remembers only its scope, for this browser
        session, under a random id in a cookie that scripts cannot read.</p>
        """, problem == null ? Html.EMPTY : failed ? message(true, problem) : message(false, problem), already, note,
        token, next, problem == null || !failed ? Html.of(" autofocus") : Html.of(" autofocus aria-invalid=\"true\""),
        app);
    return shell(who, "Sign in", "", main, false);
  }

  // ------------------------------------------------------------------------------------------------ overview

  /** The migrations detected in the last day, the newest ten linked. */
  static Html migrations(List<LiveInterests.DetectedMigration> recent) {
    Html.Builder rows = Html.builder();
    for (int i = 0; i < Math.min(10, recent.size()); i++) {
      LiveInterests.DetectedMigration m = recent.get(i);
      rows.add("<li><a href=\"{}\">{}</a> <span class=\"muted\">{} UTC</span></li>", userHref(m.user()), m.user(),
          java.time.Instant.ofEpochMilli(m.atMillis()).toString().substring(0, 16).replace('T', ' '));
    }
    return Html.of("""
        <section id="migrations-today" aria-labelledby="migrations-h">
        <h2 id="migrations-h">Migrations in the last day</h2>
        <p><strong id="migrations-count">{}</strong> detected as events arrived (among the users this server keeps
        interests of); the newest:</p>
        {}
        </section>
        """, count(recent.size()), rows.isEmpty() ? Html.of("<p>None yet.</p>")
            : Html.of("<ul class=\"links\">{}</ul>", rows.build()));
  }

  /** Minutes the overview's activity chart shows. */
  static final int ACTIVITY_MINUTES = 30;

  /**
   * Events stored per minute over the last half hour, as bars with the figures in words; it asks for itself again
   * every ten seconds (htmx), so the overview stays live.
   */
  static Html activity(long[] perMinute) {
    long total = 0, peak = 0;
    for (long c : perMinute) {
      total += c;
      peak = Math.max(peak, c);
    }
    long last = perMinute.length == 0 ? 0 : perMinute[perMinute.length - 1];
    double top = Math.max(1, peak);
    int width = 600, height = 120, barWidth = width / Math.max(1, perMinute.length);
    Html.Builder bars = Html.builder();
    for (int m = 0; m < perMinute.length; m++) {
      double h = (height - 20) * perMinute[m] / top;
      bars.add("<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{} min ago: {}</title></rect>",
          m * barWidth + 1, String.format(java.util.Locale.ROOT, "%.1f", height - 16 - h), barWidth - 2,
          String.format(java.util.Locale.ROOT, "%.1f", h), perMinute.length - m, count(perMinute[m]));
    }
    return Html.of("""
        <section id="activity" aria-labelledby="activity-h" hx-get="/ui/activity" hx-trigger="every 10s" hx-swap="outerHTML">
        <h2 id="activity-h">Events per minute</h2>
        <p>Last minute: <strong id="events-last-minute">{}</strong> · last {} minutes: <strong id="events-recent">{}</strong> · busiest minute: {}</p>
        <figure class="chart"><svg viewBox="0 0 {} {}" role="img" aria-labelledby="activity-t" xmlns="http://www.w3.org/2000/svg">
        <title id="activity-t">Events stored in each of the last {} minutes, oldest first</title>{}
        <text x="0" y="{}">{} min ago</text><text x="{}" y="{}" text-anchor="end">now</text></svg></figure>
        <p class="hint">Every writer of the store counts (this server, others, the command line), as the server reads the store every follow_seconds.</p>
        </section>
        """, count(last), perMinute.length, count(total), count(peak), width, height, perMinute.length, bars.build(),
        height - 2, perMinute.length, width, height - 2);
  }

  static Html overview(Who who, LiveCatalog.View view, Store.Counts counts, Map<String, Object> models,
                       List<Store.StoredItem> someItems, List<User> someUsers, long[] eventsPerMinute,
                       List<LiveInterests.DetectedMigration> migrationsToday) {
    Catalog catalog = view.catalog();
    Map<String, Map<String, Integer>> byDomain = new TreeMap<>();
    for (int i = 0; i < catalog.size(); i++) {
      Item item = catalog.item(i);
      String language = item.language() == null ? "not given" : item.language();
      byDomain.computeIfAbsent(item.domain(), d -> new TreeMap<>()).merge(language, 1, Integer::sum);
    }
    Html.Builder rows = Html.builder();
    for (Map.Entry<String, Map<String, Integer>> d : byDomain.entrySet()) {
      for (Map.Entry<String, Integer> l : d.getValue().entrySet()) {
        rows.add("<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"num\">{}</td>"
            + "<td><meter min=\"0\" max=\"{}\" value=\"{}\" aria-hidden=\"true\"></meter> {}</td></tr>", d.getKey(),
            l.getKey(), count(l.getValue()), catalog.size(), l.getValue(), percent(l.getValue(), catalog.size()));
      }
    }
    Map<String, Object> active = activeVersion(models);
    Html model = active == null
        ? Html.of("<p class=\"big\">interests</p><p>No trained model yet: the users' interests alone rank.</p>")
        : Html.of("<p class=\"big\">v{}</p><p>{}</p><p>{}</p>", active.get("version"), active.get("model"),
            validation(active));
    Html.Builder items = Html.builder();
    for (Store.StoredItem s : someItems) {
      items.add("<li><a href=\"{}\">{}</a> <span class=\"muted\">{} · {}</span>{}</li>", itemHref(s.item().id()),
          s.item().title(), s.item().domain(), s.item().id(),
          s.hidden() ? Html.of(" <span class=\"badge warn\">hidden</span>") : Html.EMPTY);
    }
    Html users;
    if (someUsers == null) {
      users = Html.of("<p class=\"hint\">Signing in with a write key lists users here.</p>");
    } else {
      Html.Builder u = Html.builder();
      for (User user : someUsers) u.add("<li><a href=\"{}\">{}</a></li>", userHref(user.id()), user.id());
      users = u.isEmpty() ? Html.of("<p>No users yet.</p>") : Html.of("<ul class=\"links\">{}</ul>", u.build());
    }
    Html main = Html.of("""
        <h1>Overview</h1>
        <p class="lead">What app <strong>{}</strong> holds and what serves it.</p>
        <section class="cards" aria-label="Totals">
        <div class="card"><h2>Items</h2><p class="big" id="count-items">{}</p><p>{} hidden, never recommended</p></div>
        <div class="card"><h2>Users</h2><p class="big" id="count-users">{}</p></div>
        <div class="card"><h2>Events</h2><p class="big" id="count-events">{}</p></div>
        <div class="card"><h2>Active model</h2>{}<p><a href="/ui/models">All versions</a></p></div>
        <div class="card"><h2>Health</h2><p class="big ok-text" id="health">OK</p><p>Ranked by {}; retrieval: {}</p></div>
        </section>
        {}
        <div class="columns">
        <section aria-labelledby="by-domain">
        <h2 id="by-domain">Items by domain and language</h2>
        <table id="domains"><thead><tr><th scope="col">Domain</th><th scope="col">Language</th><th scope="col" class="num">Items</th><th scope="col">Share</th></tr></thead>
        <tbody>{}</tbody></table>
        </section>
        <section aria-labelledby="find">
        <h2 id="find">Look up</h2>
        <form class="inline" method="get" action="/ui/users"><label for="user-id">User id</label><input id="user-id" name="id" autocomplete="off" spellcheck="false"><button type="submit">Open user</button></form>
        <form class="inline" method="get" action="/ui/items"><label for="item-id">Item id</label><input id="item-id" name="id" autocomplete="off" spellcheck="false"><button type="submit">Open item</button></form>
        <h3>Some items</h3>
        <ul class="links">{}</ul>
        <h3>Some users</h3>
        {}
        </section>
        </div>
        """, who.app(), count(catalog.size()), count(view.hidden().size()), count(counts.users()),
        count(counts.events()), model, view.recommender().model(),
        view.recommender().isIndexed() ? "approximate (ANN index)" : "exact scan",
        Html.of("{}{}", activity(eventsPerMinute), migrations(migrationsToday)),
        rows.build(),
        items.isEmpty() ? Html.of("<li>No items yet.</li>") : items.build(), users);

    return shell(who, "Overview", "Overview", main, false);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> activeVersion(Map<String, Object> models) {
    for (Object v : (List<Object>) models.get("versions")) {
      Map<String, Object> m = (Map<String, Object>) v;
      if (Boolean.TRUE.equals(m.get("active"))) return m;
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static String validation(Map<String, Object> version) {
    if (!(version.get("validation") instanceof Map<?, ?> v)) return "not validated";
    Object value = v.get("value");
    return "validation " + v.get("metric") + " " + (value instanceof Number n
        ? String.format(Locale.ROOT, "%.4f", n.doubleValue()) : String.valueOf(value));
  }

  // ------------------------------------------------------------------------------------------------ a user

  static Html user(Who who, String id, long events, Map<String, Object> profile, List<Event> history,
                   LiveCatalog.View view, Map<String, Object> recommendations, Html message) {
    boolean personal = profile != null;
    boolean mayPost = personal; // a write key both reads personal data and posts events
    Html form = mayPost ? eventForm(who, id, message) : Html.of("""
        <section aria-labelledby="post-h"><h2 id="post-h">Add an event</h2>
        <p class="hint">Posting events needs a write key. <a href="/ui/login">Sign in</a></p></section>
        """);
    Html side = personal ? Html.of("<div class=\"stack-sections\">{}{}</div>", form,
        events(history, view.catalog(), false)) : form;
    Html personalParts = personal
        ? interests(profile, false)
        : Html.of("<section aria-labelledby=\"interests-h\"><h2 id=\"interests-h\">Interests and events</h2>"
            + "<p class=\"hint\">A user's interests, migrations and events are personal data: sign in with a write"
            + " key to see them. <a href=\"/ui/login\">Sign in</a></p></section>");
    Html main = Html.of("""
        <h1>User <span class="id">{}</span></h1>
        <p class="lead">{} events in app {}.</p>
        <div class="columns">
        {}
        {}
        </div>
        {}
        """, id, count(events), who.app(), recommendationsSection(recommendations, false), side, personalParts);
    return shell(who, "User " + id, "", main, personal);
  }

  /** What htmx swaps in after an event was stored: the message, and out of band the parts the event changed. */
  static Html afterEvent(String id, Html message, Map<String, Object> profile, List<Event> history,
                         LiveCatalog.View view, Map<String, Object> recommendations) {
    return Html.of("{}{}{}{}", message, recommendationsSection(recommendations, true),
        interests(profile, true), events(history, view.catalog(), true));
  }

  /** Marks a section to replace its namesake on the page when htmx swaps it in (out of band), or nothing. */
  private static Html outOfBand(boolean outOfBand) {
    return outOfBand ? Html.of(" hx-swap-oob=\"true\"") : Html.EMPTY;
  }

  private static Html eventForm(Who who, String id, Html message) {
    Html.Builder types = Html.builder();
    for (String t : List.of("view", "click", "cart", "purchase", "rating")) {
      types.add("<option value=\"{}\">{}</option>", t, t);
    }
    return Html.of("""
        <section id="post-event" aria-labelledby="post-h">
        <h2 id="post-h">Add an event</h2>
        <p class="hint">Stored now, as <code>POST /events</code> would; the recommendations take it in at once.</p>
        <form class="stack" method="post" action="/ui/events" data-reset hx-post="/ui/events"
 hx-target="#event-status" hx-swap="innerHTML">
        <input type="hidden" name="csrf" value="{}">
        <input type="hidden" name="user" value="{}">
        <label for="event-item">Item id</label>
        <input id="event-item" name="item" autocomplete="off" spellcheck="false">
        <label for="event-type">Type</label>
        <select id="event-type" name="type">{}</select>
        <label for="event-value">Value <span class="hint">(a rating from 0 to 5; optional otherwise)</span></label>
        <input id="event-value" name="value" inputmode="decimal" autocomplete="off">
        <button type="submit">Post event</button>
        </form>
        <div id="event-status" aria-live="polite">{}</div>
        </section>
        """, who.csrf(), id, types.build(), message == null ? Html.EMPTY : message);
  }

  @SuppressWarnings("unchecked")
  private static Html recommendationsSection(Map<String, Object> doc, boolean outOfBand) {
    List<Map<String, Object>> items = (List<Map<String, Object>>) doc.get("items");
    Html table = items.isEmpty() ? Html.of("<p>Nothing to recommend.</p>") : itemTable(items, true, "Score");
    return Html.of("""
        <section id="recommendations" aria-labelledby="recs-h"{}>
        <h2 id="recs-h">Recommendations</h2>
        <p class="hint">Ranked by <strong>{}</strong>, as <code>GET /users/{id}/recommendations?explain=true</code> answers.</p>
        {}
        </section>
        """, outOfBand(outOfBand), doc.get("model"), table);
  }

  /** A table of answered items: rank, title (a link), domain, score and, where given, the reason. */
  private static Html itemTable(List<Map<String, Object>> items, boolean withReasons, String scoreName) {
    boolean reasons = withReasons && items.stream().anyMatch(m -> m.get("reason") != null);
    Html.Builder rows = Html.builder();
    int rank = 0;
    for (Map<String, Object> m : items) {
      String id = String.valueOf(m.get("item"));
      rows.add("<tr data-item=\"{}\"><td class=\"num\">{}</td><td><a href=\"{}\">{}</a></td><td>{}</td>"
          + "<td class=\"num\">{}</td>{}</tr>", id, ++rank, itemHref(id), m.get("title"), m.get("domain"),
          String.format(Locale.ROOT, "%.3f", ((Number) m.get("score")).doubleValue()),
          reasons ? Html.of("<td>{}</td>", m.get("reason")) : Html.EMPTY);
    }
    return Html.of("<table class=\"items\"><thead><tr><th scope=\"col\" class=\"num\">#</th><th scope=\"col\">Item"
        + "</th><th scope=\"col\">Domain</th><th scope=\"col\" class=\"num\">{}</th>{}</tr></thead><tbody>{}</tbody>"
        + "</table>", scoreName, reasons ? Html.of("<th scope=\"col\">Why</th>") : Html.EMPTY, rows.build());
  }

  @SuppressWarnings("unchecked")
  private static Html interests(Map<String, Object> profile, boolean outOfBand) {
    Html.Builder spaces = Html.builder();
    for (Object o : (List<Object>) profile.get("spaces")) {
      Map<String, Object> space = (Map<String, Object>) o;
      Html.Builder rows = Html.builder();
      for (Object io : (List<Object>) space.get("interests")) {
        Map<String, Object> i = (Map<String, Object>) io;
        double share = ((Number) i.get("share")).doubleValue();
        rows.add("<tr><th scope=\"row\">{}</th>"
            + "<td><meter min=\"0\" max=\"1\" value=\"{}\" aria-hidden=\"true\"></meter> {}</td>"
            + "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{} – {}</td>"
            + "<td>{}</td></tr>", named(i.get("label"), i.get("id")), share, percent(share), i.get("long_term_weight"),
            i.get("short_term_weight"), i.get("events"), i.get("first"), i.get("last"),
            String.join(", ", (List<String>) i.get("recent_items")));
      }
      Html.Builder migrations = Html.builder();
      int mark = 0;
      for (Object mo : (List<Object>) space.get("migrations")) {
        Map<String, Object> m = (Map<String, Object>) mo;
        Map<String, Object> from = (Map<String, Object>) m.get("from");
        Map<String, Object> to = (Map<String, Object>) m.get("to");
        migrations.add("<li><strong>M{}, {}</strong>: from {} to <strong>{}</strong> (at event {}, strength {};"
            + " e.g. {})</li>", ++mark, m.get("at"), named(from.get("label"), from.get("interest")),
            named(to.get("label"), to.get("interest")), m.get("event"), m.get("strength"),
            to.get("example"));
      }
      spaces.add("""
          <h3>In {} <span class="muted">(short-term share {})</span></h3>
          <table class="interests"><thead><tr><th scope="col">Interest</th><th scope="col">Share</th>
          <th scope="col" class="num">Long-term weight</th><th scope="col" class="num">Short-term weight</th>
          <th scope="col" class="num">Events</th><th scope="col">Active</th><th scope="col">Recent items</th></tr></thead>
          <tbody>{}</tbody></table>
          <h3>How interests moved</h3>
          <figure class="timeline-figure">
          <div class="timeline" data-timeline="{}" role="img" aria-label="Timeline of interests: each row is an interest, from its first to its last event; dashed lines mark the migrations listed below"></div>
          <figcaption>Each row is an interest, drawn from its first to its last event (thicker: larger share);
          dashed lines mark the migrations M1, M2, … listed below.</figcaption>
          </figure>
          {}
          """, space.get("model"), space.get("short_term_share"), rows.build(), timelineJson(space),
          migrations.isEmpty() ? Html.of("<p>No migration detected.</p>")
              : Html.of("<ul class=\"migrations\">{}</ul>", migrations.build()));
    }
    if (spaces.isEmpty()) spaces.add("<p>No interests yet.</p>");
    return Html.of("<section id=\"interests\" aria-labelledby=\"interests-h\"{}><h2 id=\"interests-h\">Interests"
        + "</h2>{}{}</section>", outOfBand(outOfBand), spaces.build(), byDomain(profile));
  }

  /** A user active in several domains: each domain's own interests (the profile's {@code domains}). */
  @SuppressWarnings("unchecked")
  private static Html byDomain(Map<String, Object> profile) {
    Object domains = profile.get("domains");
    if (!(domains instanceof Map<?, ?> byDomain) || byDomain.isEmpty()) return Html.EMPTY;
    Html.Builder rows = Html.builder();
    for (Map.Entry<?, ?> d : byDomain.entrySet()) {
      for (Object io : (List<Object>) d.getValue()) {
        Map<String, Object> i = (Map<String, Object>) io;
        double share = ((Number) i.get("share")).doubleValue();
        rows.add("<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            d.getKey(), named(i.get("label"), i.get("id")), percent(share), i.get("events"),
            String.join(", ", (List<String>) i.get("recent_items")));
      }
    }
    return Html.of("""
        <h3 id="by-domain-h">Interests per domain</h3>
        <table class="interests" aria-labelledby="by-domain-h"><thead><tr><th scope="col">Domain</th>
        <th scope="col">Interest</th><th scope="col">Share in the domain</th><th scope="col" class="num">Events</th>
        <th scope="col">Recent items</th></tr></thead><tbody>{}</tbody></table>
        <p class="hint">Interests built from each domain's events alone. Carrying interests from one domain to another
        in what is served is not built yet.</p>
        """, rows.build());
  }

  /**
   * The timeline's data, from the profile document: one lane per interest (its label, first and last clock, share)
   * and the migrations between lanes. Clocks are days as Unix seconds when the history is timed, else positions.
   */
  @SuppressWarnings("unchecked")
  static String timelineJson(Map<String, Object> space) {
    List<Object> lanes = new ArrayList<>();
    Map<Object, Integer> laneOf = new LinkedHashMap<>();
    boolean timed = true;
    for (Object io : (List<Object>) space.get("interests")) {
      Map<String, Object> i = (Map<String, Object>) io;
      laneOf.put(i.get("id"), lanes.size());
      timed &= !String.valueOf(i.get("first")).startsWith("position");
      lanes.add(Map.of("label", named(i.get("label"), i.get("id")), "from", clock(i.get("first")),
          "to", clock(i.get("last")), "share", i.get("share")));
    }
    List<Object> migrations = new ArrayList<>();
    for (Object mo : (List<Object>) space.get("migrations")) {
      Map<String, Object> m = (Map<String, Object>) mo;
      Map<String, Object> from = (Map<String, Object>) m.get("from");
      Map<String, Object> to = (Map<String, Object>) m.get("to");
      long at = clock(m.get("at"));
      migrations.add(Map.of("at", at, "from", lane(from, lanes, laneOf, at), "to", lane(to, lanes, laneOf, at),
          "label", named(to.get("label"), to.get("interest"))));
    }
    return new String(ShiftRecServer.bytes(Map.of("timed", timed, "lanes", lanes, "migrations", migrations)),
        StandardCharsets.UTF_8);
  }

  /** The lane of a migration's side; an interest that faded since gets a lane of its own, at the migration. */
  private static int lane(Map<String, Object> side, List<Object> lanes, Map<Object, Integer> laneOf, long at) {
    Integer lane = laneOf.get(side.get("interest"));
    if (lane != null) return lane;
    laneOf.put(side.get("interest"), lanes.size());
    lanes.add(Map.of("label", named(side.get("label"), side.get("interest")) + " (faded)", "from", at, "to", at,
        "share", 0));
    return lanes.size() - 1;
  }

  /** An interest's label with its number, which tells apart interests of one label in the table, plot and list. */
  private static String named(Object label, Object id) {
    return label + " #" + id;
  }

  /** A profile clock ({@code 2024-05-01}, or {@code position 12}) as a number: Unix seconds, or the position. */
  private static long clock(Object text) {
    String s = String.valueOf(text);
    if (s.startsWith("position ")) return Long.parseLong(s.substring(9).trim());
    return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
  }

  private static Html events(List<Event> history, Catalog catalog, boolean outOfBand) {
    Html.Builder rows = Html.builder();
    for (int e = history.size() - 1; e >= Math.max(0, history.size() - Dashboard.RECENT_EVENTS); e--) {
      Event event = history.get(e);
      int index = event.item() == null ? -1 : catalog.indexOf(event.item());
      Html what = event.item() == null ? Html.of("{}", event.text() == null ? "" : "“" + event.text() + "”")
          : Html.of("<a href=\"{}\">{}</a>", itemHref(event.item()),
              index >= 0 ? catalog.item(index).title() : event.item());
      rows.add("<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
          event.timestamp() != null ? MINUTE.format(Instant.ofEpochSecond(event.timestamp()))
              : event.position() != null ? "position " + event.position() : "",
          event.type().wireName(), what, event.hasValue() ? trim(event.value()) : "");
    }
    return Html.of("""
        <section id="events" aria-labelledby="events-h"{}>
        <h2 id="events-h">Recent events</h2>
        <p class="hint">The latest {} of {}, newest first; times in UTC.</p>
        <table><thead><tr><th scope="col">When</th><th scope="col">Type</th><th scope="col">Item</th>
        <th scope="col" class="num">Value</th></tr></thead><tbody>{}</tbody></table>
        </section>
        """, outOfBand(outOfBand), Math.min(Dashboard.RECENT_EVENTS, history.size()), history.size(), rows.build());
  }

  // ------------------------------------------------------------------------------------------------ an item

  @SuppressWarnings("unchecked")
  static Html item(Who who, Map<String, Object> doc, List<Map<String, Object>> similar, Store.Takers takers) {
    String id = String.valueOf(doc.get("id"));
    boolean hidden = Boolean.TRUE.equals(doc.get("hidden"));
    List<String> categories = (List<String>) doc.get("categories");
    Map<String, Object> attributes = (Map<String, Object>) doc.get("attributes");
    Html.Builder attrs = Html.builder();
    attributes.forEach((k, v) -> attrs.add("<li><strong>{}</strong>: {}</li>", k, v));
    Object language = doc.get("language");
    Html main = Html.of("""
        <h1{}>{}</h1>
        <p class="lead">{}</p>
        <dl class="facts">
        <dt>Id</dt><dd class="id">{}</dd>
        <dt>Domain</dt><dd>{}</dd>
        <dt>Language</dt><dd>{}</dd>
        <dt>Categories</dt><dd>{}</dd>
        <dt>Hidden</dt><dd id="hidden">{}</dd>
        <dt>Created</dt><dd>{}</dd>
        <dt>Updated</dt><dd>{}</dd>
        <dt>Attributes</dt><dd>{}</dd>
        </dl>
        <section aria-labelledby="text-h"><h2 id="text-h">Text</h2><p class="text"{}>{}</p></section>
        <section id="similar" aria-labelledby="similar-h"><h2 id="similar-h">Similar items</h2>
        <p class="hint">Nearest by text, as <code>GET /items/{id}/similar</code> answers (hidden items are never offered).</p>
        {}</section>
        <section id="takers" aria-labelledby="takers-h"><h2 id="takers-h">Who took it</h2>{}</section>
        """, language == null ? Html.EMPTY : Html.of(" lang=\"{}\"", language), doc.get("title"),
        hidden ? Html.of("<span class=\"badge warn\">Hidden</span> never recommended; its history still counts.")
            : Html.of("<span class=\"badge ok\">Shown</span> recommended where it fits."),
        id, doc.get("domain"), language == null ? "not given (read from the text)" : language,
        categories.isEmpty() ? "none" : String.join(", ", categories),
        hidden ? "Yes: never recommended" : "No", when(doc.get("created_at")), when(doc.get("updated_at")),
        attrs.isEmpty() ? Html.of("none") : Html.of("<ul class=\"plain\">{}</ul>", attrs.build()),
        language == null ? Html.EMPTY : Html.of(" lang=\"{}\"", language),
        doc.get("text") == null ? "No text: the title alone places it." : doc.get("text"),
        similar.isEmpty() ? Html.of("<p>No similar items.</p>") : itemTable(similar, false, "Similarity"),
        takers(takers));
    return shell(who, String.valueOf(doc.get("title")), "", main, false);
  }

  /** The users with an event naming the item, linked; null when the key may not read users (personal data). */
  private static Html takers(Store.Takers takers) {
    if (takers == null) return Html.of("<p class=\"hint\">Signing in with a write key lists them here.</p>");
    if (takers.total() == 0) return Html.of("<p>No one yet.</p>");
    Html.Builder users = Html.builder();
    for (String u : takers.users()) users.add("<li><a href=\"{}\">{}</a></li>", userHref(u), u);
    return Html.of("<p><strong id=\"takers-count\">{}</strong> {}{}</p><ul class=\"links\">{}</ul>",
        count(takers.total()), takers.total() == 1 ? "user" : "users",
        takers.total() > takers.users().size() ? ", the first " + takers.users().size() + " by id:" : ":", users.build());
  }

  // ------------------------------------------------------------------------------------------------ try it

  @SuppressWarnings("unchecked")
  static Html tryIt(Who who, Collection<String> domains, String text, String domain, Map<String, Object> answer,
                    String problem) {
    Html.Builder options = Html.builder().add("<option value=\"\">All domains</option>");
    for (String d : new java.util.TreeSet<>(domains)) {
      options.add(d.equals(domain) ? "<option value=\"{}\" selected>{}</option>" : "<option value=\"{}\">{}</option>",
          d, d);
    }
    Html result = problem != null ? message(true, problem)
        : answer == null ? Html.EMPTY
        : Html.of("<section id=\"onboarding\" aria-labelledby=\"result-h\"><h2 id=\"result-h\">What a newcomer who"
            + " said this is offered</h2><p class=\"hint\">Read by <strong>{}</strong>{}, as <code>POST /onboarding"
            + "</code> answers.</p>{}</section>", answer.get("model"),
            answer.get("model").equals(answer.get("space")) ? "" : Html.of(", matched in the space of {}",
                answer.get("space")),
            itemTable((List<Map<String, Object>>) answer.get("items"), true, "Score"));
    Html main = Html.of("""
        <h1>Try it</h1>
        <p class="lead">Say what someone likes, in English or Chinese, and see what a newcomer who said it would be offered.</p>
        <form class="stack narrow" method="get" action="/ui/try">
        <label for="taste">What do you like?</label>
        <textarea id="taste" name="text" rows="3" placeholder="I love space adventures with rebels and robots">{}</textarea>
        <label for="domain">Domain</label>
        <select id="domain" name="domain">{}</select>
        <button type="submit">Recommend</button>
        </form>
        {}
        """, text, options.build(), result);
    return shell(who, "Try it", "Try it", main, false);
  }

  // ------------------------------------------------------------------------------------------------ models

  @SuppressWarnings("unchecked")
  static Html models(Who who, Map<String, Object> doc, boolean admin, Html message) {
    List<Map<String, Object>> versions = (List<Map<String, Object>>) doc.get("versions");
    long active = doc.get("active") == null ? 0 : Long.parseLong(String.valueOf(doc.get("active")));
    Html.Builder rows = Html.builder();
    for (Map<String, Object> v : versions) {
      long version = Long.parseLong(String.valueOf(v.get("version")));
      boolean isActive = Boolean.TRUE.equals(v.get("active"));
      boolean serving = Boolean.TRUE.equals(v.get("serving"));
      Html status = Html.of("{}{}", isActive ? Html.of("<span class=\"badge ok\">active</span> ") : Html.EMPTY,
          serving ? Html.of("<span class=\"badge\">serving</span>") : isActive ? Html.EMPTY : Html.of("—"));
      Html action;
      if (isActive) {
        action = Html.EMPTY;
      } else if (who.signedIn()) {
        action = Html.of("<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">"
            + "<button type=\"submit\">{}</button>{}</form>", path("/ui/models/", String.valueOf(version))
            + "/activate", who.csrf(), version < active ? "Roll back to v" + version : "Activate v" + version,
            admin ? Html.EMPTY : Html.of(" <span class=\"hint\">needs an admin key</span>"));
      } else {
        action = Html.of("<span class=\"hint\">an admin key activates</span>");
      }
      rows.add("<tr data-version=\"{}\"><th scope=\"row\">v{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
          + "<td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>", version, version, v.get("model"),
          when(v.get("created_at")), validation(v),
          watermark(v.get("data")), v.get("train_seconds") == null ? "" : v.get("train_seconds") + " s", status,
          action);
    }
    Html table = versions.isEmpty()
        ? Html.of("<p>No model trained yet: the users' interests alone rank. <code>shiftrec train</code> or the"
            + " server's <code>train_every</code> saves versions here.</p>")
        : Html.of("""
            <table id="versions"><thead><tr><th scope="col">Version</th><th scope="col">Model</th>
            <th scope="col">Trained</th><th scope="col">Validation</th><th scope="col">Data seen (watermark)</th>
            <th scope="col" class="num">Training time</th><th scope="col">Status</th><th scope="col">Action</th></tr></thead>
            <tbody>{}</tbody></table>
            """, rows.build());
    Html main = Html.of("""
        <h1>Models</h1>
        {}
        <p class="lead">Versions of the learned ranker in app {}, newest first. Active: <strong>{}</strong>; serving: <strong>{}</strong>.
        Activating an older version rolls back at once; a version that cannot be served is refused and the active one stays.</p>
        {}
        """, message == null ? Html.EMPTY : message, who.app(), doc.get("active") == null ? "none" : "v" + active,
        doc.get("serving") == null ? "none" : "v" + doc.get("serving"), table);
    return shell(who, "Models", "Models", main, false);
  }

  @SuppressWarnings("unchecked")
  private static String watermark(Object data) {
    if (!(data instanceof Map<?, ?> raw)) return "not recorded";
    Map<String, Object> d = (Map<String, Object>) raw;
    List<String> parts = new ArrayList<>();
    for (String k : List.of("events", "users", "items")) {
      if (d.get(k) instanceof Number n) parts.add(count(n.longValue()) + " " + k);
    }
    if (d.get("last_event_time") != null) parts.add("last event " + d.get("last_event_time"));
    if (d.get("event_seq") != null) parts.add("event seq " + d.get("event_seq"));
    return String.join(" · ", parts);
  }

  // ------------------------------------------------------------------------------------------------ small things

  /** The page of a user: {@code /ui/users/ID}, or {@code /ui/users?id=ID} for an id no path segment can carry. */
  static String userHref(String id) {
    return pathSafe(id) ? path("/ui/users/", id) : "/ui/users?id=" + Html.encode(id);
  }

  static String itemHref(String id) {
    return pathSafe(id) ? path("/ui/items/", id) : "/ui/items?id=" + Html.encode(id);
  }

  /** Whether an id can be a path segment: not a dot segment, no slash or backslash (ambiguous once encoded). */
  private static boolean pathSafe(String id) {
    return !id.equals(".") && !id.equals("..") && id.indexOf('/') < 0 && id.indexOf('\\') < 0
        && id.indexOf('%') < 0 && id.indexOf(';') < 0;
  }

  private static String path(String prefix, String segment) {
    return Html.path(prefix, segment);
  }

  /** An ISO-8601 instant of a document as a minute in UTC; absent for items stored before the service kept times. */
  private static String when(Object instant) {
    return instant == null ? "before the service kept times"
        : MINUTE.format(Instant.parse(instant.toString())) + " UTC";
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  private static String percent(long part, long whole) {
    return whole == 0 ? "0%" : percent((double) part / whole);
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.0f%%", share * 100);
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  static String capitalise(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1) + (s.endsWith(".") ? "" : ".");
  }
}
