package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.shiftrec.candidates.ItemGraph;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.ranker.RankerArtifact;
import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard ({@code /ui}): its sign-in, sessions, form checks and headers over plain HTTP, and every page in a
 * real headless Chromium (Debian's, driven through its ChromeDriver; skipped with a reason where they are missing,
 * installed by CI): real data on each page, no console error, an event posted through htmx changing the
 * recommendations in place, readable messages for bad input, and user data that cannot become markup. Screenshots
 * of each page go to {@code target/screenshots/}.
 */
class DashboardTest {
  private static final String ADMIN = "admin-key-0123456789";
  private static final String WRITE = "write-key-0123456789";
  private static final String READ = "read-key-01234567890";
  /** A user id and an item title that would run a script if they reached a page as markup. */
  private static final String HOSTILE_USER = "\"><svg/onload=document.title='pwned'>";
  private static final String HOSTILE_TITLE = "<img src=x onerror=\"document.title='pwned'\"> Evil \"film\" & co";
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final Path CHROMIUM = Path.of(System.getProperty("shiftrec.chromium", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER =
      Path.of(System.getProperty("shiftrec.chromedriver", "/usr/bin/chromedriver"));
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  /** Selenium looks for DevTools support matching the browser and warns when its version has none: none is used. */
  private static final java.util.logging.Logger CDP_WARNINGS =
      java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  static {
    CDP_WARNINGS.setLevel(Level.OFF);
  }

  @TempDir static Path dir;
  @TempDir static Path openDir;
  @TempDir static Path profileDir;
  /** The server's reports folder: three real reports of {@code shiftrec evaluate}, a hostile one, two non-reports. */
  @TempDir static Path reportsDir;
  /** A report outside the folder, linked from inside it: never listed or read. */
  @TempDir static Path outsideDir;
  static ShiftRecServer server;
  /** A second server whose reads are open: pages without signing in. */
  static ShiftRecServer open;
  static long older;
  static long newer;
  static WebDriver browser;
  static ChromeDriverService driverService;

  @BeforeAll
  static void start() throws Exception {
    Path db = TestStore.create(dir);
    try (Store store = Stores.openExisting(db.toString())) {
      addDashboardData(store);
    }
    addReports();
    server = ShiftRecServer.start(config(db, true).withReportsDir(reportsDir));
    open = ShiftRecServer.start(config(TestStore.create(openDir), false));
  }

  private static ServeConfig config(Path db, boolean readsNeedKey) {
    return new ServeConfig(db.toString(), "127.0.0.1", 0, ADMIN, readsNeedKey, 1 << 20, 0, 0, 0, Set.of(), 10, 0,
        true, Map.of(WRITE, "write", READ, "read"), null);
  }

  /** A model name that would run a script if it reached a page as markup. */
  private static final String HOSTILE_MODEL = "<img src=x onerror=\"document.title='pwned'\">&model";

  private static void addReports() throws Exception {
    long hour = 3_600_000L;
    long t = 1_765_000_000_000L;
    int n = 0;
    for (String name : List.of("fk-cdsr-full.json", "ml1m-loo.json", "mls-loo.json")) {
      try (var in = DashboardTest.class.getResourceAsStream("reports/" + name)) {
        Path file = reportsDir.resolve(name);
        Files.write(file, in.readAllBytes());
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(t + n++ * hour));
      }
    }
    Path hostile = Files.writeString(reportsDir.resolve("hostile.json"), "{\"dataset\": \"<script>document.title="
        + "'pwned'</script>\", \"protocol\": \"loo\", \"models\": {\"" + HOSTILE_MODEL.replace("\"", "\\\"")
        + "\": {\"overall\": {\"NDCG@10\": 0.1234, \"HR@10\": 0.2, \"users\": 7}, \"ci95\": {\"NDCG@10\": [0.1, 0.15]},"
        + " \"segments\": {\"<b>seg</b>\": {\"users\": 3, \"NDCG@10\": 0.3}}}}}");
    Files.setLastModifiedTime(hostile, java.nio.file.attribute.FileTime.fromMillis(t - hour));
    Files.writeString(reportsDir.resolve("broken.json"), "{\"models\": ");
    Files.writeString(reportsDir.resolve("settings.json"), "{\"port\": 8080}");
    Files.writeString(reportsDir.resolve("notes.txt"), "not JSON, not listed");
    Path secret = Files.writeString(outsideDir.resolve("secret.json"), "{\"dataset\": \"secret-outside\","
        + " \"models\": {\"m\": {\"overall\": {\"NDCG@10\": 0.5}}}}");
    try {
      Files.createSymbolicLink(reportsDir.resolve("linked.json"), secret);
    } catch (UnsupportedOperationException | java.io.IOException e) {
      // no links on this file system: nothing to refuse
    }
  }

  /** Films of two tastes, their text telling them apart: a user's attention can move from one to the other. */
  private static final String[][] SPACE = {
      {"solaris", "Solaris (1972)", "A psychologist aboard a space station orbiting an ocean planet meets ghosts of his past."},
      {"blade", "Blade Runner (1982)", "A detective hunts rogue replicant androids in a rainy future city."},
      {"terminator", "The Terminator (1984)", "A cyborg assassin is sent back in time to kill a woman."},
      {"contact", "Contact (1997)", "A scientist finds a radio signal from an alien civilisation."},
      {"matrix", "The Matrix (1999)", "A hacker learns the world is a simulation run by machines."},
      {"gattaca", "Gattaca (1997)", "In a future of genetic engineering a man dreams of space flight."},
      {"moon", "Moon (2009)", "An astronaut alone on a lunar mining base nears the end of his contract."},
      {"district", "District 9 (2009)", "Stranded alien refugees are forced into a camp near Johannesburg."},
      {"martian", "The Martian (2015)", "An astronaut stranded on Mars grows potatoes to survive."},
      {"arrival", "Arrival (2016)", "A linguist learns the language of aliens whose ships landed on Earth."},
      {"dune", "Dune (2021)", "A noble family fights for control of a desert planet and its spice."},
      {"gravity", "Gravity (2013)", "Two astronauts are stranded in orbit after debris destroys their shuttle."}};
  private static final String[][] ROMANCE = {
      {"sunrise", "Before Sunrise (1995)", "Two strangers meet on a train and fall in love walking through Vienna."},
      {"seattle", "Sleepless in Seattle (1993)", "A widower's son calls a radio show and a woman falls for his father."},
      {"harry", "When Harry Met Sally (1989)", "Two friends wonder for years whether men and women can just be friends."},
      {"roman", "Roman Holiday (1953)", "A princess escapes her duties and falls in love with a reporter in Rome."},
      {"amelie", "Amélie (2001)", "A shy waitress in Paris arranges small joys for others and finds love."},
      {"notebook", "The Notebook (2004)", "A summer romance between a poor young man and a rich young woman."},
      {"lalaland", "La La Land (2016)", "A jazz pianist and an actress fall in love in Los Angeles."},
      {"casablanca", "Casablanca (1942)", "A nightclub owner meets the woman he loved, years later, in wartime."},
      {"weddings", "Four Weddings and a Funeral (1994)", "A shy Englishman keeps meeting the same American woman at weddings."},
      {"encounter", "Brief Encounter (1945)", "Two married strangers fall in love at a railway station."},
      {"sense", "Sense and Sensibility (1995)", "Two sisters look for love and security in Regency England."},
      {"abouttime", "About Time (2013)", "A young man who can travel in time tries to win the woman he loves."}};

  /** Phrases that more films of each taste are written from, two each. */
  private static final String[] SPACE_PHRASES = {"a starship crew", "astronauts far from Earth", "an android that"
      + " dreams", "alien invaders", "a space station in orbit", "a distant planet", "a robot uprising",
      "a journey through a wormhole"};
  private static final String[] ROMANCE_PHRASES = {"two strangers who fall in love", "a wedding in the country",
      "a love letter never sent", "a summer romance", "a first date in Paris", "old flames who meet again",
      "a marriage proposal", "lovers parted by war"};

  static final Set<String> SPACE_IDS = new java.util.HashSet<>(Set.of("alien", "aliens", "predator"));

  private static List<String[]> films(String[][] named, String[] phrases, String prefix, String title) {
    List<String[]> films = new ArrayList<>(List.of(named));
    for (int i = 0; films.size() < 30; i++) {
      String a = phrases[i % phrases.length];
      String b = phrases[(i * 3 + 1) % phrases.length];
      films.add(new String[] {prefix + i, title + " " + (i + 2) + " (" + (1990 + i) + ")",
          "A film about " + a + " and " + b + "."});
    }
    return films;
  }

  /**
   * What the pages show beyond the test store: more films, Chinese ones, a user whose taste moved from space films
   * to love stories (a migration), a hostile item (hidden) and user, and two saved versions of the ranker.
   */
  private static void addDashboardData(Store store) {
    List<Item> items = new ArrayList<>();
    List<String[]> space = films(SPACE, SPACE_PHRASES, "space", "Star Voyage");
    List<String[]> romance = films(ROMANCE, ROMANCE_PHRASES, "love", "Paris Letters");
    for (String[] f : space) SPACE_IDS.add(f[0]);
    for (String[] f : space) items.add(new Item(f[0], "movies", f[1], f[2], List.of("Sci-Fi"), "en", Map.of()));
    for (String[] f : romance) items.add(new Item(f[0], "movies", f[1], f[2], List.of("Romance"), "en", Map.of()));
    items.add(new Item("xing", "movies", "星际穿越", "宇航员穿越虫洞，为人类寻找新的家园。", List.of("科幻"), "zh", Map.of()));
    items.add(new Item("tai", "movies", "泰坦尼克号", "一对恋人在沉没的邮轮上相爱。", List.of("爱情"), "zh", Map.of()));
    items.add(new Item("liu", "movies", "流浪地球", "人类推着地球逃离太阳系。", List.of("科幻"), "zh", Map.of()));
    items.add(new Item("xss", "movies", HOSTILE_TITLE, "</p><script>document.title='pwned'</script>",
        List.of("<i>Horror</i>"), "en", Map.of("note", "<b>bold</b>")));
    List<Event> events = new ArrayList<>();
    long day = 86_400;
    long t = 1_700_000_000L;
    // mia watched space films for a month, then love stories for three weeks
    for (int i = 0; i < 30; i++) events.add(event("mia", space.get(i)[0], t + i * day));
    for (int i = 0; i < 20; i++) events.add(event("mia", romance.get(i)[0], t + (30 + i) * day));
    for (int u = 0; u < 6; u++) { // others who keep to one taste
      List<String[]> taste = u % 2 == 0 ? space : romance;
      for (int i = 0; i < 6; i++) events.add(event("fan" + u, taste.get((u * 5 + i) % 30)[0], t + i * day));
    }
    events.add(event(HOSTILE_USER, "xss", t));
    events.add(event(HOSTILE_USER, "alien", t + day));
    events.add(event("zoe", "alien", t));
    events.add(event("zoe", "aliens", t + day));
    events.add(event("lin", "xing", t));
    try (Store.Transaction tx = store.begin()) {
      tx.upsertItems(items);
      tx.insertEvents(events);
      tx.setHidden("xss", true);
      tx.commit();
    }
    StoreEncoding.encodeCatalog(store, StoreEncoding.settings(store), Progress.NONE);
    String[] ids = store.items().stream().map(Item::id).toArray(String[]::new);
    int n = ids.length;
    byte[] interestsAlone = new RankerArtifact(new String[] {"shiftrec"}, new double[] {1}, 5, 0, false, ids, 1, 1f,
        1f, new float[n], ItemGraph.empty(n), ItemGraph.empty(n), new int[n], "", null).toBytes();
    older = store.putArtifact(RankerArtifact.NAME, metadata(0.2113, 60), interestsAlone);
    newer = store.putArtifact(RankerArtifact.NAME, metadata(0.2478, 66), interestsAlone);
    store.activate(RankerArtifact.NAME, newer);
  }

  private static Map<String, Object> metadata(double ndcg, int events) {
    return Map.of("model", RankerArtifact.NAME, "validation", Map.of("metric", "NDCG@10", "value", ndcg),
        "data", Map.of("events", events, "users", 6, "items", 12, "last_event_time", "2023-12-14T22:13:20Z"),
        "train_seconds", 1.5);
  }

  private static Event event(String user, String item, long timestamp) {
    return new Event(user, item, EventType.RATING, 5, timestamp, null, null, null, Map.of());
  }

  @AfterAll
  static void stop() throws Exception {
    if (reportsDir != null) Files.deleteIfExists(reportsDir.resolve("linked.json")); // the link, not its target
    if (browser != null) browser.quit();
    if (driverService != null) driverService.stop();
    if (server != null) server.close();
    if (open != null) open.close();
  }

  // ------------------------------------------------------------------------------------------------ over HTTP

  record Page(int status, String body, HttpResponse<String> response) {
    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    List<String> cookies() {
      return response.headers().allValues("Set-Cookie");
    }
  }

  static URI uri(ShiftRecServer s, String path) {
    return URI.create("http://127.0.0.1:" + s.port() + path);
  }

  static Page get(ShiftRecServer s, String path, String cookie) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(s, path)).timeout(Duration.ofSeconds(60));
    if (cookie != null) b.header("Cookie", cookie);
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Page(r.statusCode(), r.body(), r);
  }

  static Page post(ShiftRecServer s, String path, String cookie, Map<String, String> form, String origin)
      throws Exception {
    StringBuilder body = new StringBuilder();
    form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(k).append('=')
        .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(s, path)).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (cookie != null) b.header("Cookie", cookie);
    if (origin != null) b.header("Origin", origin);
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Page(r.statusCode(), r.body(), r);
  }

  static String origin(ShiftRecServer s) {
    return "http://127.0.0.1:" + s.port();
  }

  static String cookieValue(List<String> setCookies, String name) {
    for (String c : setCookies) if (c.startsWith(name + "=")) return c.substring(name.length() + 1, c.indexOf(';'));
    return null;
  }

  static String formToken(String html) {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
    assertTrue(m.find(), "a form token on the page");
    return m.group(1);
  }

  /** Signs in over HTTP; the session cookie ({@code shiftrec_ui=…}) and the page's form token. */
  static String[] signIn(ShiftRecServer s, String key) throws Exception {
    Page form = get(s, "/ui/login", null);
    String loginCookie = cookieValue(form.cookies(), Dashboard.LOGIN_COOKIE);
    Page done = post(s, "/ui/login", Dashboard.LOGIN_COOKIE + "=" + loginCookie,
        Map.of("csrf", formToken(form.body()), "key", key, "app", "default", "next", "/ui"), origin(s));
    assertEquals(303, done.status(), done.body());
    String session = cookieValue(done.cookies(), Dashboard.COOKIE);
    assertNotNull(session);
    String cookie = Dashboard.COOKIE + "=" + session;
    return new String[] {cookie, formToken(get(s, "/ui", cookie).body())};
  }

  @Test
  void pagesAreHtmlUnderAStrictContentSecurityPolicyWithNoInlineScriptOrStyle() throws Exception {
    String cookie = signIn(server, WRITE)[0];
    for (String path : List.of("/ui", "/ui/login", "/ui/users/mia", "/ui/items/alien", "/ui/try?text=space",
        "/ui/models", "/ui/users/nobody", "/ui/nowhere")) {
      Page p = get(server, path, cookie);
      assertTrue(p.header("Content-Type").startsWith("text/html"), path + ": " + p.header("Content-Type"));
      assertEquals(Dashboard.CSP, p.header("Content-Security-Policy"), path);
      assertEquals("no-store", p.header("Cache-Control"), path);
      assertEquals("DENY", p.header("X-Frame-Options"), path);
      assertTrue(p.body().startsWith("<!DOCTYPE html>\n<html lang=\"en\">"), path);
      assertFalse(Pattern.compile("<script(?![^>]*\\ssrc=\"/ui/assets/)").matcher(p.body()).find(),
          path + ": a script not from /ui/assets");
      assertFalse(Pattern.compile("<[^>]*\\s(style|on[a-z]+)=|<style", Pattern.CASE_INSENSITIVE).matcher(p.body())
          .find(), path + ": an inline style or handler");
    }
    assertEquals(Dashboard.CSP.contains("script-src 'self';"), true);
    assertFalse(Dashboard.CSP.contains("unsafe"));
  }

  @Test
  void theOverviewShowsEventsPerMinuteAndAsksForThemAgain() throws Exception {
    String cookie = signIn(server, WRITE)[0];
    Page overview = get(server, "/ui", cookie);
    assertTrue(overview.body().contains("id=\"activity\"") && overview.body().contains("hx-get=\"/ui/activity\""),
        overview.body());
    Page activity = get(server, "/ui/activity", cookie);
    assertEquals(200, activity.status());
    Matcher lastMinute = Pattern.compile("id=\"events-last-minute\">([0-9,]+)<").matcher(activity.body());
    assertTrue(lastMinute.find(), activity.body());
    assertEquals(DashboardPages.ACTIVITY_MINUTES, activity.body().split("<rect ").length - 1, "one bar a minute");
    assertEquals(303, get(server, "/ui/activity", null).status(), "a read, behind the sign-in");
  }

  @Test
  void aUserActiveInSeveralDomainsSeesEachDomainsInterests() throws Exception {
    HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(uri(server, "/events"))
        .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("[{\"user\":\"kai\",\"item\":\"alien\",\"type\":\"rating\","
            + "\"value\":5,\"timestamp\":1000},{\"user\":\"kai\",\"item\":\"knife\",\"type\":\"purchase\","
            + "\"timestamp\":2000}]")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, posted.statusCode(), posted.body());
    Page kai = get(server, "/ui/users/kai", signIn(server, WRITE)[0]);
    assertEquals(200, kai.status());
    assertTrue(kai.body().contains("Interests per domain"), kai.body());
    String table = kai.body().substring(kai.body().indexOf("Interests per domain"));
    assertTrue(table.contains(">kitchen<") && table.contains(">movies<"), table);
    Page knife = get(server, "/ui/items/knife", signIn(server, WRITE)[0]);
    assertTrue(knife.body().contains("id=\"takers\"") && knife.body().contains("href=\"/ui/users/kai\""),
        "who took it, linked");
  }

  @Test
  void aMigrationDetectedAsEventsArriveIsOnTheOverview() throws Exception {
    List<String[]> space = films(SPACE, SPACE_PHRASES, "space", "Star Voyage");
    List<String[]> romance = films(ROMANCE, ROMANCE_PHRASES, "love", "Paris Letters");
    long t = 1_700_000_000L, day = 86_400;
    StringBuilder first = new StringBuilder("[");
    for (int i = 0; i < 30; i++) {
      first.append(i == 0 ? "" : ",").append("{\"user\":\"lea\",\"item\":\"").append(space.get(i)[0])
          .append("\",\"type\":\"rating\",\"value\":5,\"timestamp\":").append(t + i * day).append('}');
    }
    apiPost("/events", first.append(']').toString());
    HttpResponse<String> recs = HTTP.send(HttpRequest.newBuilder(uri(server, "/users/lea/recommendations"))
        .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, recs.statusCode(), "the server now keeps lea's interests"); // and updates them event by event
    StringBuilder then = new StringBuilder("[");
    for (int i = 0; i < 20; i++) {
      then.append(i == 0 ? "" : ",").append("{\"user\":\"lea\",\"item\":\"").append(romance.get(i)[0])
          .append("\",\"type\":\"rating\",\"value\":5,\"timestamp\":").append(t + (30 + i) * day).append('}');
    }
    apiPost("/events", then.append(']').toString());
    Page overview = get(server, "/ui", signIn(server, WRITE)[0]);
    Matcher count = Pattern.compile("id=\"migrations-count\">([0-9,]+)<").matcher(overview.body());
    assertTrue(count.find(), overview.body());
    assertTrue(Integer.parseInt(count.group(1).replace(",", "")) >= 1, count.group(1));
    assertTrue(overview.body().contains("href=\"/ui/users/lea\""), "the user is linked");
  }

  private static void apiPost(String path, String body) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri(server, path)).header("Authorization", "Bearer " + ADMIN)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
  }

  @Test
  void theScriptsComeFromTheServersOwnJars() throws Exception {
    for (String name : List.of("htmx.min.js", "uPlot.iife.min.js", "uPlot.min.css", "dashboard.js",
        "dashboard.css", "favicon.svg")) {
      Page p = get(server, "/ui/assets/" + name, null);
      assertEquals(200, p.status(), name);
      assertTrue(p.body().length() > 200, name);
    }
    assertTrue(get(server, "/ui/assets/htmx.min.js", null).body().contains("htmx"));
    assertNotEquals(200, get(server, "/ui/assets/..%2Fopenapi.json", null).status());
    assertEquals(404, get(server, "/ui/assets/other.js", null).status());
  }

  @Test
  void signingInKeepsOnlyARandomSessionIdInAnHttpOnlyStrictCookie() throws Exception {
    Page form = get(server, "/ui/login", null);
    String loginCookie = cookieValue(form.cookies(), Dashboard.LOGIN_COOKIE);
    Page done = post(server, "/ui/login", Dashboard.LOGIN_COOKIE + "=" + loginCookie,
        Map.of("csrf", formToken(form.body()), "key", WRITE, "next", "/ui/models"), origin(server));
    assertEquals(303, done.status());
    assertEquals("/ui/models", done.header("Location"));
    String set = done.cookies().stream().filter(c -> c.startsWith(Dashboard.COOKIE + "=")).findFirst().orElseThrow();
    assertTrue(set.contains("HttpOnly"), set);
    assertTrue(set.contains("SameSite=Strict"), set);
    assertTrue(set.contains("Path=/ui"), set);
    for (String c : done.cookies()) assertFalse(c.contains(WRITE), "the key is in no cookie: " + c);
    String cookie = Dashboard.COOKIE + "=" + cookieValue(done.cookies(), Dashboard.COOKIE);
    Page overview = get(server, "/ui", cookie);
    assertEquals(200, overview.status());
    assertTrue(overview.body().contains("signed in with a <strong>write</strong> key"), overview.body());
    assertFalse(overview.body().contains(WRITE), "the key is on no page");

    // a redirect after sign-in goes to a dashboard page only, never to another site
    assertEquals("/ui", Dashboard.next("https://evil.example/ui"));
    assertEquals("/ui", Dashboard.next("//evil.example"));
    assertEquals("/ui", Dashboard.next("/ui\\@evil"));
    assertEquals("/ui/users/mia", Dashboard.next("/ui/users/mia"));

    // signing out ends the session on the server, whatever the browser keeps
    String token = formToken(overview.body());
    assertEquals(303, post(server, "/ui/logout", cookie, Map.of("csrf", token), origin(server)).status());
    assertEquals(303, get(server, "/ui", cookie).status(), "signed out: back to the sign-in page");
  }

  @Test
  void aKeyOfAnotherAppShowsThatApp() throws Exception {
    HttpResponse<String> made = HTTP.send(HttpRequest.newBuilder(uri(server, "/apps"))
        .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"shop\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(201, made.statusCode(), made.body());
    Matcher key = Pattern.compile("\"key\":\"([^\"]+)\"").matcher(made.body());
    assertTrue(key.find());
    Page form = get(server, "/ui/login", null);
    String loginCookie = Dashboard.LOGIN_COOKIE + "=" + cookieValue(form.cookies(), Dashboard.LOGIN_COOKIE);
    Page wrongApp = post(server, "/ui/login", loginCookie,
        Map.of("csrf", formToken(form.body()), "key", key.group(1)), origin(server));
    assertEquals(401, wrongApp.status(), "the shop's key is no key of the default app");
    Page signedIn = post(server, "/ui/login", loginCookie,
        Map.of("csrf", formToken(form.body()), "key", key.group(1), "app", "shop"), origin(server));
    assertEquals(303, signedIn.status(), signedIn.body());
    String cookie = Dashboard.COOKIE + "=" + cookieValue(signedIn.cookies(), Dashboard.COOKIE);
    Page overview = get(server, "/ui", cookie);
    assertTrue(overview.body().contains("What app <strong>shop</strong> holds"), overview.body());
    assertTrue(overview.body().contains("id=\"count-items\">0<"), "the shop's catalogue, empty");
    assertEquals(404, get(server, "/ui/users/mia", cookie).status(), "the default app's users are not the shop's");
    assertEquals(204, HTTP.send(HttpRequest.newBuilder(uri(server, "/apps/shop"))
        .header("Authorization", "Bearer " + ADMIN).DELETE().build(), HttpResponse.BodyHandlers.ofString())
        .statusCode());
    assertEquals(303, get(server, "/ui", cookie).status(), "a deleted app's sessions end");
  }

  @Test
  void aWrongKeyGetsTheSignInPageWithAMessage() throws Exception {
    Page form = get(server, "/ui/login", null);
    String loginCookie = Dashboard.LOGIN_COOKIE + "=" + cookieValue(form.cookies(), Dashboard.LOGIN_COOKIE);
    Page wrong = post(server, "/ui/login", loginCookie,
        Map.of("csrf", formToken(form.body()), "key", "not-a-key-of-this-server"), origin(server));
    assertEquals(401, wrong.status());
    assertTrue(wrong.body().contains("That key is not a key of app ‘default’"), wrong.body());
    assertTrue(wrong.body().contains("<form"), "the form again");
    assertTrue(wrong.cookies().stream().noneMatch(c -> c.startsWith(Dashboard.COOKIE + "=")), "no session");
    Page noApp = post(server, "/ui/login", loginCookie,
        Map.of("csrf", formToken(form.body()), "key", ADMIN, "app", "shop"), origin(server));
    assertEquals(401, noApp.status());
    assertTrue(noApp.body().contains("There is no app named ‘shop’"), noApp.body());
  }

  @Test
  void formsFromAnotherSiteOrWithoutTheirTokenAreRefused() throws Exception {
    Page form = get(server, "/ui/login", null);
    String loginCookie = Dashboard.LOGIN_COOKIE + "=" + cookieValue(form.cookies(), Dashboard.LOGIN_COOKIE);
    String token = formToken(form.body());
    Page noToken = post(server, "/ui/login", loginCookie, Map.of("key", ADMIN), origin(server));
    assertEquals(403, noToken.status());
    assertTrue(noToken.body().contains("out of date or was sent from another site"), noToken.body());
    Page otherSite = post(server, "/ui/login", loginCookie, Map.of("csrf", token, "key", ADMIN),
        "https://evil.example");
    assertEquals(403, otherSite.status());

    String[] session = signIn(server, WRITE);
    long before = events("zoe");
    Map<String, String> event = Map.of("user", "zoe", "item", "predator", "type", "view");
    assertEquals(403, post(server, "/ui/events", session[0], event, origin(server)).status(), "no token");
    Map<String, String> withToken = new java.util.HashMap<>(event);
    withToken.put("csrf", session[1]);
    assertEquals(403, post(server, "/ui/events", session[0], withToken, "https://evil.example").status());
    assertEquals(before, events("zoe"), "nothing stored");
    assertEquals(200, post(server, "/ui/events", session[0], withToken, origin(server)).status());
    assertEquals(before + 1, events("zoe"));
  }

  private static long events(String user) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri(server, "/users/" + user))
        .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString());
    Matcher m = Pattern.compile("\"events\":(\\d+)").matcher(r.body());
    assertTrue(m.find(), r.body());
    return Long.parseLong(m.group(1));
  }

  @Test
  void pagesNeedASignInUnlessReadsAreOpenAndPersonalDataAlwaysNeedsAWriteKey() throws Exception {
    Page redirected = get(server, "/ui/users/mia", null);
    assertEquals(303, redirected.status());
    assertEquals("/ui/login?next=%2Fui%2Fusers%2Fmia", redirected.header("Location"));

    Page openOverview = get(open, "/ui", null);
    assertEquals(200, openOverview.status());
    assertTrue(openOverview.body().contains("open reads, not signed in"), openOverview.body());
    Page openUser = get(open, "/ui/users/ann", null);
    assertEquals(200, openUser.status());
    assertTrue(openUser.body().contains("id=\"recommendations\""), "recommendations are a read");
    assertFalse(openUser.body().contains("id=\"events\""), "events are personal");
    assertTrue(openUser.body().contains("sign in with a write key to see them"), openUser.body());

    String readSession = signIn(server, READ)[0];
    Page readUser = get(server, "/ui/users/mia", readSession);
    assertFalse(readUser.body().contains("id=\"interests\""), "a read key sees no interests");
    String writeSession = signIn(server, WRITE)[0];
    assertTrue(get(server, "/ui/users/mia", writeSession).body().contains("id=\"interests\""));
  }

  @Test
  void adminActionsNeedAnAdminKeyAndSayWhy() throws Exception {
    String[] read = signIn(server, READ);
    Page refused = post(server, "/ui/models/" + older + "/activate", read[0], Map.of("csrf", read[1]),
        origin(server));
    assertEquals(403, refused.status());
    assertTrue(refused.body().contains("needs a key of scope admin or wider; you signed in with a read key"),
        refused.body());
    Page anonymous = post(open, "/ui/models/1/activate", null, Map.of(), origin(open));
    assertEquals(403, anonymous.status());
    assertTrue(anonymous.body().contains("Sign in with a key of scope admin"), anonymous.body());
    String[] admin = signIn(server, ADMIN);
    Page unknown = post(server, "/ui/models/999/activate", admin[0], Map.of("csrf", admin[1]), origin(server));
    assertEquals(404, unknown.status());
    assertTrue(unknown.body().contains("There is no model version ‘999’"), unknown.body());
  }

  @Test
  void unknownThingsAreReadablePagesNotJson() throws Exception {
    String cookie = signIn(server, READ)[0];
    Page user = get(server, "/ui/users/nobody", cookie);
    assertEquals(404, user.status());
    assertTrue(user.body().contains("There is no user ‘nobody’ in app ‘default’"), user.body());
    Page item = get(server, "/ui/items?id=nothing", cookie);
    assertEquals(404, item.status());
    assertTrue(item.body().contains("There is no item ‘nothing’"), item.body());
    Page page = get(server, "/ui/no/such/page", cookie);
    assertEquals(404, page.status());
    assertTrue(page.header("Content-Type").startsWith("text/html"));
    Page emptyLookup = get(server, "/ui/users?id=", cookie);
    assertEquals(400, emptyLookup.status());
    assertTrue(emptyLookup.body().contains("Enter a user id to look up"), emptyLookup.body());
  }

  @Test
  void userDataIsEscapedEverywhere() throws Exception {
    assertEquals("&lt;img src=x onerror=&quot;a&#39;b&quot;&gt; &amp;", Html.escape("<img src=x onerror=\"a'b\"> &"));
    assertEquals("<td>&lt;b&gt;</td>", Html.of("<td>{}</td>", "<b>").toString());
    assertEquals("<p><b>kept</b></p>", Html.of("<p>{}</p>", Html.of("<b>{}</b>", "kept")).toString());
    assertEquals("/ui/users/%22%3E%3Csvg%2Fonload%3D", Html.path("/ui/users/", "\"><svg/onload="));
    String cookie = signIn(server, WRITE)[0];
    for (String path : List.of("/ui/items/xss", "/ui/users?id=" + URLEncoder.encode(HOSTILE_USER,
        StandardCharsets.UTF_8), "/ui/users/mia", "/ui/try?text=" + URLEncoder.encode("<script>x</script>",
        StandardCharsets.UTF_8))) {
      Page p = get(server, path, cookie);
      assertEquals(200, p.status(), path + ": " + p.body());
      assertFalse(p.body().contains("<img src=x"), path);
      assertFalse(p.body().contains("<svg/onload"), path);
      assertFalse(p.body().contains("<script>document"), path);
      assertFalse(p.body().contains("<script>x"), path);
    }
  }

  // ------------------------------------------------------------------------------------------------ evaluation

  @Test
  void theEvaluationPagesListDrawAndCompareReportsUnderThePolicy() throws Exception {
    String cookie = signIn(server, READ)[0];
    Page list = get(server, "/ui/evaluation", cookie);
    assertEquals(200, list.status());
    assertTrue(list.body().contains("href=\"/ui/evaluation/mls-loo.json\"") && list.body().contains("movielens-1m")
        && list.body().contains("amazon-food-kitchen"), list.body());
    assertTrue(list.body().contains("broken.json") && list.body().contains("settings.json"), "non-reports named");
    assertFalse(list.body().contains("notes.txt"), "only JSON files");
    assertFalse(list.body().contains("linked.json") || list.body().contains("secret-outside"),
        "a link out of the folder is not listed");
    assertTrue(list.body().indexOf("mls-loo.json") < list.body().indexOf("fk-cdsr-full.json"), "newest first");
    assertTrue(list.body().contains("href=\"/ui/evaluation\" aria-current=\"page\""), "in the navigation");
    for (String path : List.of("/ui/evaluation", "/ui/evaluation/mls-loo.json", "/ui/evaluation/hostile.json",
        "/ui/evaluation/compare?a=ml1m-loo.json&b=mls-loo.json", "/ui/evaluation/nothing.json",
        "/ui/evaluation/broken.json")) {
      Page p = get(server, path, cookie);
      assertEquals(Dashboard.CSP, p.header("Content-Security-Policy"), path);
      assertTrue(p.body().startsWith("<!DOCTYPE html>"), path);
      assertFalse(Pattern.compile("<[^>]*\\s(style|on[a-z]+)=|<style|<script(?![^>]*\\ssrc=\"/ui/assets/)",
          Pattern.CASE_INSENSITIVE).matcher(p.body()).find(), path + ": an inline style, handler or script");
    }
    Page report = get(server, "/ui/evaluation/mls-loo.json", cookie);
    assertEquals(200, report.status());
    String body = report.body();
    assertTrue(body.contains("<figcaption>NDCG@10</figcaption>"), "a chart per headline metric");
    assertTrue(body.indexOf("<figcaption>NDCG@10") < body.indexOf("<figcaption>HR@10")
        && body.indexOf("<figcaption>HR@10") < body.indexOf("<figcaption>MRR")
        && body.indexOf("<figcaption>MRR") < body.indexOf("<figcaption>Recall@10"), "NDCG@10 first, then HR@10, MRR");
    assertTrue(body.contains("0.0751 <span class=\"ci\">["), "shiftrec-learned's NDCG@10 with its interval");
    assertTrue(body.contains("id=\"segments\"") && body.contains("drifting") && body.contains("no users in this"
        + " segment"), "segments, the empty cold one said in words");
    assertTrue(body.contains("id=\"paired\"") && body.contains("0.1021"), "the paired test and its p-value");
    Page compare = get(server, "/ui/evaluation/compare?a=ml1m-loo.json&b=mls-loo.json", cookie);
    assertEquals(200, compare.status());
    assertTrue(compare.body().contains("different datasets"), "reports of two datasets are flagged");
    assertTrue(compare.body().contains("id=\"compare\"") && compare.body().contains("0.0751"), "B's numbers");

    Page hostile = get(server, "/ui/evaluation/hostile.json", cookie);
    assertEquals(200, hostile.status());
    assertFalse(hostile.body().contains("<img src=x") || hostile.body().contains("<script>document")
        || hostile.body().contains("<b>seg"), "report data is text");
    assertTrue(hostile.body().contains("&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;&amp;model"),
        "the model name escaped");
  }

  @Test
  void badReportsAndPathTricksGetReadableMessagesAndNoFileOutsideTheFolder() throws Exception {
    String cookie = signIn(server, READ)[0];
    Page unknown = get(server, "/ui/evaluation/nothing.json", cookie);
    assertEquals(404, unknown.status());
    assertTrue(unknown.body().contains("There is no report ‘nothing.json’"), unknown.body());
    Page broken = get(server, "/ui/evaluation/broken.json", cookie);
    assertEquals(422, broken.status());
    assertTrue(broken.body().contains("not an evaluation report: not valid JSON"), broken.body());
    Page settings = get(server, "/ui/evaluation/settings.json", cookie);
    assertEquals(422, settings.status());
    assertTrue(settings.body().contains("no &quot;models&quot; object"), settings.body());
    Page noPair = get(server, "/ui/evaluation/compare?a=mls-loo.json", cookie);
    assertEquals(400, noPair.status());
    assertTrue(noPair.body().contains("Choose two reports"), noPair.body());
    String secretPath = outsideDir.resolve("secret.json").toString();
    for (String path : List.of("/ui/evaluation/linked.json", "/ui/evaluation/..%2F..%2Fpom.xml",
        "/ui/evaluation/%2E%2E", "/ui/evaluation/..%5Csecret.json", "/ui/evaluation/notes.txt",
        "/ui/evaluation/compare?a=mls-loo.json&b=" + URLEncoder.encode("../secret.json", StandardCharsets.UTF_8),
        "/ui/evaluation/compare?a=mls-loo.json&b=" + URLEncoder.encode(secretPath, StandardCharsets.UTF_8),
        "/ui/evaluation/compare?a=mls-loo.json&b=linked.json")) {
      Page p = get(server, path, cookie);
      assertTrue(p.status() >= 400 && p.status() < 500, path + ": " + p.status());
      assertFalse(p.body().contains("secret-outside") || p.body().contains("<artifactId>"), path);
    }
    // reads need a key like the other read pages; a server without a folder says how to set one
    assertEquals(303, get(server, "/ui/evaluation/mls-loo.json", null).status());
    Page none = get(open, "/ui/evaluation", null);
    assertEquals(200, none.status());
    assertTrue(none.body().contains("reports_dir") && none.body().contains("SHIFTREC_REPORTS_DIR"), none.body());
    assertEquals(404, get(open, "/ui/evaluation/mls-loo.json", null).status());
  }

  // ------------------------------------------------------------------------------------------------ in Chromium

  /** The browser, started once; skipped with the reason when Debian's Chromium or its driver is missing. */
  private static WebDriver browser() throws Exception {
    boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    String missing = "browser tests need Chromium and ChromeDriver at " + CHROMIUM + " and " + CHROMEDRIVER
        + " (Debian: apt-get install chromium chromium-driver; or set -Dshiftrec.chromium and"
        + " -Dshiftrec.chromedriver)";
    // CI must run them (.ci/run installs both): there a missing browser fails, elsewhere the tests are skipped
    if ("true".equals(System.getenv("CI"))) assertTrue(present, missing);
    assumeTrue(present, missing + "; CI installs them");

    if (browser == null) {
      Files.createDirectories(SCREENSHOTS);
      // the driver's path is given, so Selenium Manager never looks for (or downloads) one
      driverService = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
          .usingAnyFreePort().build();
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--disable-dev-shm-usage", "--window-size=1280,800", "--lang=en-US",
          "--user-data-dir=" + Files.createTempDirectory(profileDir, "chromium"));
      LoggingPreferences logs = new LoggingPreferences();
      logs.enable(LogType.BROWSER, Level.ALL);
      options.setCapability("goog:loggingPrefs", logs);
      browser = new ChromeDriver(driverService, options);
      browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
      // the page itself 1280 × 800 (the window's frame, if any, around it)
      Object inner = ((JavascriptExecutor) browser).executeScript("return [window.innerWidth, window.innerHeight]");
      List<?> size = (List<?>) inner;
      org.openqa.selenium.Dimension outer = browser.manage().window().getSize();
      browser.manage().window().setSize(new org.openqa.selenium.Dimension(
          outer.getWidth() + 1280 - ((Number) size.get(0)).intValue(),
          outer.getHeight() + 800 - ((Number) size.get(1)).intValue()));
    }
    return browser;
  }

  @BeforeEach
  void freshBrowserSession() {
    if (browser != null) {
      browser.manage().deleteAllCookies();
      browser.manage().logs().get(LogType.BROWSER); // drops what earlier tests left
    }
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + server.port() + path;
  }

  /** Signs in through the form, as a person would, and lands on {@code next}. */
  private static void signInInBrowser(WebDriver b, String key, String next) {
    b.get(url("/ui/login?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)));
    b.findElement(By.id("key")).sendKeys(key);
    b.findElement(By.cssSelector("form[action='/ui/login'] button[type=submit]")).click();
    waitFor(b, () -> !b.getCurrentUrl().contains("/ui/login"));
  }

  private static void waitFor(WebDriver b, java.util.function.BooleanSupplier condition) {
    new WebDriverWait(b, Duration.ofSeconds(30)).until(d -> condition.getAsBoolean());
  }

  /** The console's errors since the last look; a page answered 4xx on purpose may list its own status. */
  private static List<String> consoleErrors(WebDriver b, boolean expectErrorStatus) {
    List<String> errors = new ArrayList<>();
    for (LogEntry e : b.manage().logs().get(LogType.BROWSER)) {
      if (e.getLevel().intValue() < Level.WARNING.intValue()) continue;
      if (expectErrorStatus && e.getMessage().contains("the server responded with a status of 4")) continue;
      errors.add(e.getLevel() + " " + e.getMessage());
    }
    return errors;
  }

  private static void assertNoConsoleErrors(WebDriver b, String page) {
    List<String> errors = consoleErrors(b, false);
    assertTrue(errors.isEmpty(), page + ": console errors " + errors);
  }

  private static void screenshot(WebDriver b, String name) throws Exception {
    Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) b).getScreenshotAs(OutputType.BYTES));
  }

  private static String text(WebDriver b, String css) {
    return b.findElement(By.cssSelector(css)).getText();
  }

  @Test
  void everyPageShowsRealDataWithoutConsoleErrors() throws Exception {
    WebDriver b = browser();
    b.get(url("/ui/login"));
    assertNoConsoleErrors(b, "sign-in");
    screenshot(b, "login");
    signInInBrowser(b, WRITE, "/ui");
    assertEquals("Overview · ShiftRec", b.getTitle());
    assertEquals("72", text(b, "#count-items"));
    assertEquals("OK", text(b, "#health"));
    String domains = text(b, "#domains");
    assertTrue(domains.contains("movies") && domains.contains("kitchen") && domains.contains("zh"), domains);
    assertTrue(b.getPageSource().contains("validation NDCG@10 0.2478"), "the active model's metric");
    assertNoConsoleErrors(b, "overview");
    screenshot(b, "overview");

    b.findElement(By.id("user-id")).sendKeys("mia", Keys.ENTER); // the look-up form, by keyboard
    waitFor(b, () -> b.getTitle().startsWith("User mia"));
    assertTrue(text(b, "#interests").contains("Interests"));
    assertTrue(b.findElements(By.cssSelector("#interests tbody tr")).size() >= 2, "mia has several interests");
    assertFalse(b.findElements(By.cssSelector("ul.migrations li")).isEmpty(),
        "mia's move from space films to love stories is a migration: " + text(b, "#interests"));
    waitFor(b, () -> !b.findElements(By.cssSelector(".timeline canvas")).isEmpty()); // uPlot drew the timeline
    assertEquals(20, b.findElements(By.cssSelector("#events tbody tr")).size());
    assertFalse(b.findElements(By.cssSelector("#recommendations tbody tr")).isEmpty());
    assertTrue(text(b, "#recommendations").contains("shiftrec-learned v" + newer), text(b, "#recommendations"));
    assertNoConsoleErrors(b, "user");
    ((JavascriptExecutor) b).executeScript("document.querySelector('#interests').scrollIntoView()");
    screenshot(b, "user-interests");
    ((JavascriptExecutor) b).executeScript("window.scrollTo(0, 0)");
    screenshot(b, "user");

    b.findElement(By.cssSelector("#recommendations tbody tr a")).click();
    waitFor(b, () -> b.getCurrentUrl().contains("/ui/items/"));
    assertFalse(text(b, "dl.facts").isEmpty());
    assertEquals("No", text(b, "#hidden"));
    assertFalse(b.findElements(By.cssSelector("#similar tbody tr")).isEmpty(), "similar items");
    assertNoConsoleErrors(b, "item");
    b.get(url("/ui/items/alien"));
    assertTrue(b.findElement(By.tagName("h1")).getText().equals("Alien (1979)"));
    screenshot(b, "item");

    b.findElement(By.linkText("Try it")).click();
    b.findElement(By.id("taste")).sendKeys("I love films about aliens and space ships");
    b.findElement(By.cssSelector("form[action='/ui/try'] button")).click();
    waitFor(b, () -> !b.findElements(By.cssSelector("#onboarding tbody tr")).isEmpty());
    for (WebElement row : b.findElements(By.cssSelector("#onboarding tbody tr")).subList(0, 3)) {
      assertTrue(SPACE_IDS.contains(row.getAttribute("data-item")), "a space film first: " + text(b, "#onboarding"));
    }
    assertNoConsoleErrors(b, "try it");
    screenshot(b, "try");
    b.get(url("/ui/try?text=" + URLEncoder.encode("我喜欢科幻电影，太空和外星人", StandardCharsets.UTF_8)));
    assertTrue(text(b, "#onboarding").contains("bge-small-zh"), text(b, "#onboarding"));
    // one space for both languages: a space film first, Chinese or English
    String firstFilm = b.findElement(By.cssSelector("#onboarding tbody tr")).getAttribute("data-item");
    assertTrue(SPACE_IDS.contains(firstFilm) || Set.of("xing", "liu").contains(firstFilm), text(b, "#onboarding"));
    assertNoConsoleErrors(b, "try it in Chinese");

    b.findElement(By.linkText("Models")).click();
    assertEquals(2, b.findElements(By.cssSelector("#versions tbody tr")).size());
    assertTrue(text(b, "#versions").contains("NDCG@10 0.2113"), text(b, "#versions"));
    assertTrue(text(b, "#versions").contains("66 events"), "the data watermark");
    assertNoConsoleErrors(b, "models");
    screenshot(b, "models");
  }

  @Test
  void anEventPostedOnTheUserPageChangesTheRecommendationsInPlace() throws Exception {
    WebDriver b = browser();
    signInInBrowser(b, WRITE, "/ui/users/ann");
    List<String> before = recommended(b);
    assertTrue(before.contains("aliens"), "ann, who liked Alien, is offered Aliens: " + before);
    ((JavascriptExecutor) b).executeScript("window.samePage = true");
    b.findElement(By.id("event-item")).sendKeys("aliens");
    new Select(b.findElement(By.id("event-type"))).selectByValue("purchase");
    b.findElement(By.cssSelector("#post-event button[type=submit]")).click();
    waitFor(b, () -> text(b, "#event-status").contains("Stored"));
    waitFor(b, () -> !recommended(b).contains("aliens")); // taken: no longer offered
    assertNotEquals(before, recommended(b));
    assertEquals(Boolean.TRUE, ((JavascriptExecutor) b).executeScript("return window.samePage"),
        "htmx swapped parts of the page; it was not loaded again");
    assertTrue(text(b, "#events tbody tr:first-child").contains("purchase"), "the new event, newest first");
    assertEquals("", b.findElement(By.id("event-item")).getAttribute("value"), "the form is emptied");
    assertNoConsoleErrors(b, "posting an event");

    // bad input: an unknown item is a message beside the form, and the recommendations stay
    List<String> kept = recommended(b);
    b.findElement(By.id("event-item")).sendKeys("no-such-item");
    b.findElement(By.cssSelector("#post-event button[type=submit]")).click();
    waitFor(b, () -> text(b, "#event-status").contains("Problem"));
    assertTrue(text(b, "#event-status").contains("no-such-item"), text(b, "#event-status"));
    assertEquals(kept, recommended(b));
    assertEquals("no-such-item", b.findElement(By.id("event-item")).getAttribute("value"), "the input is kept");
    assertTrue(consoleErrors(b, true).isEmpty(), "only the answer's status: " + consoleErrors(b, true));
  }

  private static List<String> recommended(WebDriver b) {
    List<String> ids = new ArrayList<>();
    for (WebElement row : b.findElements(By.cssSelector("#recommendations tbody tr"))) {
      ids.add(row.getAttribute("data-item"));
    }
    return ids;
  }

  @Test
  void badInputGivesReadableMessages() throws Exception {
    WebDriver b = browser();
    b.get(url("/ui/login"));
    b.findElement(By.id("key")).sendKeys("wrong-key-wrong-key");
    b.findElement(By.cssSelector("form[action='/ui/login'] button")).click();
    waitFor(b, () -> !b.findElements(By.cssSelector(".message.error")).isEmpty());
    assertTrue(text(b, ".message.error").contains("That key is not a key of app"), text(b, ".message.error"));
    assertTrue(consoleErrors(b, true).isEmpty(), consoleErrors(b, true).toString());

    signInInBrowser(b, READ, "/ui/try");
    b.findElement(By.cssSelector("form[action='/ui/try'] button")).click(); // an empty sentence
    waitFor(b, () -> !b.findElements(By.cssSelector(".message.error")).isEmpty());
    assertTrue(text(b, ".message.error").contains("Write a sentence"), text(b, ".message.error"));

    b.get(url("/ui"));
    b.findElement(By.id("item-id")).sendKeys("no-such-item", Keys.ENTER);
    waitFor(b, () -> b.getTitle().startsWith("Not found"));
    assertTrue(text(b, ".message.error").contains("There is no item ‘no-such-item’"));
    b.get(url("/ui/users/nobody"));
    assertTrue(text(b, ".message.error").contains("There is no user ‘nobody’"));
    screenshot(b, "not-found");

    b.get(url("/ui/models"));
    b.findElement(By.cssSelector("#versions form button")).click(); // a read key cannot activate
    waitFor(b, () -> b.getTitle().startsWith("Not allowed"));
    assertTrue(text(b, ".message.error").contains("needs a key of scope admin"), text(b, ".message.error"));
    assertTrue(consoleErrors(b, true).isEmpty(), consoleErrors(b, true).toString());
  }

  @Test
  void anAdminRollsBackFromTheModelsPage() throws Exception {
    WebDriver b = browser();
    signInInBrowser(b, ADMIN, "/ui/models");
    b.findElement(By.cssSelector("#versions tr[data-version='" + older + "'] button")).click();
    waitFor(b, () -> b.getCurrentUrl().contains("activated="));
    assertTrue(text(b, ".message.ok").contains("Version " + older + " is now active"), text(b, ".message.ok"));
    assertTrue(text(b, "#versions tr[data-version='" + older + "']").contains("active"));
    assertNoConsoleErrors(b, "rollback");
    b.findElement(By.cssSelector("#versions tr[data-version='" + newer + "'] button")).click();
    waitFor(b, () -> b.getCurrentUrl().contains("activated=" + newer));
  }

  @Test
  void hostileDataStaysTextInTheBrowser() throws Exception {
    WebDriver b = browser();
    signInInBrowser(b, WRITE, "/ui/items/xss");
    assertEquals(HOSTILE_TITLE, b.findElement(By.tagName("h1")).getText().trim());
    assertEquals("Yes: never recommended", text(b, "#hidden"));
    assertTrue(text(b, "dl.facts").contains("<i>Horror</i>"), "a category as text");
    assertTrue(b.findElements(By.cssSelector("main img, main script, main svg")).isEmpty());
    b.get(url("/ui/users?id=" + URLEncoder.encode(HOSTILE_USER, StandardCharsets.UTF_8)));
    assertEquals(HOSTILE_USER, text(b, "h1 .id"));
    assertTrue(b.findElements(By.cssSelector("main svg")).isEmpty());
    b.findElement(By.cssSelector("#recommendations tbody tr a")); // the page works: the recommendations are there
    assertEquals("User " + HOSTILE_USER + " · ShiftRec", b.getTitle(), "no script of the data ran");
    assertNoConsoleErrors(b, "hostile data");
  }

  @Test
  void theEvaluationAndComparePagesDrawRealReportsWithoutConsoleErrors() throws Exception {
    WebDriver b = browser();
    signInInBrowser(b, READ, "/ui");
    b.findElement(By.linkText("Evaluation")).click();
    waitFor(b, () -> b.getTitle().startsWith("Evaluation"));
    assertEquals(4, b.findElements(By.cssSelector("#reports tbody tr")).size(), text(b, "#reports"));
    assertNoConsoleErrors(b, "evaluation list");
    screenshot(b, "evaluation-list");
    b.findElement(By.linkText("fk-cdsr-full.json")).click();
    waitFor(b, () -> b.getTitle().startsWith("Report fk-cdsr-full.json"));
    WebElement ndcg = b.findElement(By.cssSelector("figure.chart"));
    assertEquals("NDCG@10", ndcg.findElement(By.tagName("figcaption")).getText());
    assertEquals(2, ndcg.findElements(By.cssSelector("rect.bar")).size(), "a bar per model");
    assertEquals(2, ndcg.findElements(By.cssSelector("path.whisker")).size(), "an interval per model");
    assertTrue(ndcg.findElement(By.tagName("svg")).getSize().getWidth() > 300, "the chart is drawn wide");
    String metrics = text(b, "#metrics");
    assertTrue(metrics.contains("NDCG@10") && metrics.contains("next-item-svd") && metrics.contains("shiftrec-learned"),
        metrics);
    assertTrue(text(b, "#segments").contains("domain:kitchen"), text(b, "#segments"));
    assertTrue(text(b, "#paired").contains("0.0223"), text(b, "#paired"));
    assertNoConsoleErrors(b, "a report");
    screenshot(b, "evaluation-report");
    ((JavascriptExecutor) b).executeScript("document.querySelector('#table-h').scrollIntoView()");
    screenshot(b, "evaluation-report-tables");
    ((JavascriptExecutor) b).executeScript("document.querySelector('#segments-h').scrollIntoView()");
    screenshot(b, "evaluation-report-segments");

    new Select(b.findElement(By.id("compare-a"))).selectByValue("ml1m-loo.json");
    new Select(b.findElement(By.id("compare-b"))).selectByValue("mls-loo.json");
    b.findElement(By.cssSelector("form[action='/ui/evaluation/compare'] button")).click();
    waitFor(b, () -> b.getTitle().startsWith("Compare"));
    String table = text(b, "#compare");
    assertTrue(table.contains("NDCG@10") && table.contains("0.0751") && table.contains("shiftrec-learned"), table);
    assertEquals(4, b.findElements(By.cssSelector("#chart-compare rect.bar")).size(), "two models in two reports");
    assertNoConsoleErrors(b, "compare");
    screenshot(b, "evaluation-compare");
    ((JavascriptExecutor) b).executeScript("document.querySelector('#diff-h').scrollIntoView()");
    screenshot(b, "evaluation-compare-table");

    b.get(url("/ui/evaluation/hostile.json"));
    assertEquals("Report hostile.json · ShiftRec", b.getTitle(), "no script of the report ran");
    assertTrue(text(b, "#metrics").contains(HOSTILE_MODEL), "the hostile name as text");
    assertTrue(b.findElements(By.cssSelector("main img, main script")).isEmpty());
    b.get(url("/ui/evaluation/nothing.json"));
    assertTrue(text(b, "main [role=alert]").contains("There is no report"), "a readable message");
  }

  @Test
  void thePagesWorkFromTheKeyboard() throws Exception {
    WebDriver b = browser();
    signInInBrowser(b, READ, "/ui");
    b.findElement(By.tagName("body")).sendKeys(Keys.TAB);
    WebElement first = b.switchTo().activeElement();
    assertEquals("Skip to the content", first.getText(), "the first stop skips the navigation");
    for (WebElement link : b.findElements(By.cssSelector("header nav a"))) {
      assertEquals("a", link.getTagName());
      assertNotNull(link.getAttribute("href"), "a real link");
    }
    for (WebElement input : b.findElements(By.cssSelector("main input:not([type=hidden]), main select, "
        + "main textarea"))) {
      String id = input.getAttribute("id");
      assertFalse(b.findElements(By.cssSelector("label[for='" + id + "']")).isEmpty(), "a label for " + id);
    }
    assertEquals("en", b.findElement(By.tagName("html")).getAttribute("lang"));
  }
}
