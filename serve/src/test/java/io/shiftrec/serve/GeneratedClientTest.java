package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiftrec.candidates.ItemGraph;
import io.shiftrec.client.ApiClient;
import io.shiftrec.client.ApiException;
import io.shiftrec.client.api.AppsApi;
import io.shiftrec.client.api.IngestApi;
import io.shiftrec.client.api.ItemsApi;
import io.shiftrec.client.api.KeysApi;
import io.shiftrec.client.api.ModelsApi;
import io.shiftrec.client.api.RecommendApi;
import io.shiftrec.client.api.RecommendApi.APIGetRecommendationsRequest;
import io.shiftrec.client.api.ServiceApi;
import io.shiftrec.client.api.UsersApi;
import io.shiftrec.client.model.ApiKey;
import io.shiftrec.client.model.ApiKeyRequest;
import io.shiftrec.client.model.AppRequest;
import io.shiftrec.client.model.Event;
import io.shiftrec.client.model.EventsWritten;
import io.shiftrec.client.model.Export;
import io.shiftrec.client.model.Health;
import io.shiftrec.client.model.Interest;
import io.shiftrec.client.model.Item;
import io.shiftrec.client.model.ItemPage;
import io.shiftrec.client.model.ItemPatch;
import io.shiftrec.client.model.ItemWrite;
import io.shiftrec.client.model.ItemsWritten;
import io.shiftrec.client.model.Models;
import io.shiftrec.client.model.ModelsVersionsInner;
import io.shiftrec.client.model.NewApiKey;
import io.shiftrec.client.model.NewApp;
import io.shiftrec.client.model.Onboarding;
import io.shiftrec.client.model.OnboardingRequest;
import io.shiftrec.client.model.Problem;
import io.shiftrec.client.model.Profile;
import io.shiftrec.client.model.Recommendations;
import io.shiftrec.client.model.ScoredItem;
import io.shiftrec.client.model.Similar;
import io.shiftrec.client.model.StoredItem;
import io.shiftrec.client.model.UserPage;
import io.shiftrec.client.model.UserRecord;
import io.shiftrec.client.model.UserWrite;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.ranker.RankerArtifact;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every operation of the OpenAPI document called through the client generated from it (module client), against a
 * real server on the test store: a document that no longer matches what the server takes or answers fails here.
 *
 * <p>Answers are read strictly: a field the document does not declare fails (the generated client ignores them
 * by default), and {@link #complete} checks that every field the document marks required came back, which Jackson
 * does not. Errors surface as {@link ApiException} with the status and the raw body, read as the document's
 * {@link Problem} by {@link #problem}. After the tests, {@link #everyDocumentedOperationWasCalled} checks that no
 * operation of the document went uncalled (when the whole class ran).
 *
 * <p>The generator makes one API class per tag of the document ({@link Api} holds them) and names each method by the
 * operation's operationId: GET /users/{id}/recommendations is {@code recommend().getRecommendations}. The operation
 * with many optional parameters is called with its request object ({@link #recsFor}), so calls name what they set.
 */
class GeneratedClientTest {
  private static final String KEY = "client-key-0123456789";
  /** The answers of the server, read as strictly as the document allows. */
  private static final ObjectMapper STRICT = ApiClient.createDefaultObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  /** "GET /users/ann/recommendations": every request the clients sent, whatever the answer. */
  private static final Set<String> CALLED = ConcurrentHashMap.newKeySet();
  /** Tests finished: the check that every operation was called needs them all (not a single one picked to run). */
  private static final AtomicInteger FINISHED = new AtomicInteger();
  private static final Set<String> HTTP_METHODS = Set.of("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH",
      "TRACE");

  @TempDir static Path dir;
  static Path db;
  static ShiftRecServer server;
  /** With the server's API key (api_key: an admin key). */
  static Api api;
  /** Without a key: reads are open on this server (reads_need_key=false), writes and personal data are not. */
  static Api anonymous;
  /** With a key that is not the server's. */
  static Api wrongKey;

  @BeforeAll
  static void start() throws Exception {
    db = TestStore.create(dir);
    server = ShiftRecServer.start(new ServeConfig(db.toString(), "127.0.0.1", 0, KEY, false, 64 * 1024));
    api = new Api(client(KEY));
    anonymous = new Api(client(null));
    wrongKey = new Api(client("not-the-key-0123456789"));
  }

  /** The generated API classes, one per tag of the document, over one client. */
  record Api(ServiceApi service, IngestApi ingest, ItemsApi items, RecommendApi recommend, UsersApi users,
             ModelsApi models, KeysApi keys, AppsApi apps) {
    Api(ApiClient client) {
      this(new ServiceApi(client), new IngestApi(client), new ItemsApi(client), new RecommendApi(client),
          new UsersApi(client), new ModelsApi(client), new KeysApi(client), new AppsApi(client));
    }
  }

  @AfterEach
  void finished() {
    FINISHED.incrementAndGet();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  /** The native library has no bearer authentication of its own: the key goes on through a request interceptor. */
  static ApiClient client(String key) {
    ApiClient client = new ApiClient();
    client.updateBaseUri("http://127.0.0.1:" + server.port());
    client.setObjectMapper(STRICT);
    client.setReadTimeout(Duration.ofSeconds(60));
    if (key != null) client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + key));
    client.setResponseInterceptor(response ->
        CALLED.add(response.request().method() + " " + response.request().uri().getRawPath()));
    return client;
  }

  // ------------------------------------------------------------------------------------------------ reads

  @Test
  void healthOpenApiAndMetrics() throws Exception {
    Health health = complete(anonymous.service().getHealth());
    assertEquals("ok", health.getStatus());
    assertTrue(health.getItems() >= 8, "the test store's eight items, and any a test added: " + health);
    assertEquals(Health.RetrievalEnum.SCAN, health.getRetrieval(), "a catalogue under 2,000 items is scanned");
    assertTrue(health.getModel().startsWith("shiftrec"), health.getModel());

    Map<?, ?> document = (Map<?, ?>) anonymous.service().getOpenApi();
    assertEquals("3.0.3", document.get("openapi"));
    assertTrue(((Map<?, ?>) document.get("paths")).containsKey("/users/{id}/recommendations"), document.keySet()
        .toString());

    String metrics = anonymous.service().getMetrics();
    assertTrue(metrics.contains("shiftrec_http_requests_total"), metrics);
  }

  @Test
  void recommendationsWithReasonsForAUserWithHistory() throws Exception {
    Recommendations recs = complete(anonymous.recommend().getRecommendations(recsFor("ann").k(2).domain("movies")
        .explain(true).build()));
    assertEquals("ann", recs.getUser());
    assertTrue(recs.getModel().startsWith("shiftrec"), recs.getModel());
    assertEquals(2, recs.getItems().size(), recs.toString());
    ScoredItem first = recs.getItems().get(0);
    assertEquals("aliens", first.getItem(), recs.toString());
    assertEquals("Aliens (1986)", first.getTitle());
    assertEquals("movies", first.getDomain());
    assertTrue(first.getReason().contains("Alien (1979)"), first.getReason());
    for (ScoredItem item : recs.getItems()) {
      assertEquals("movies", item.getDomain(), recs.toString());
      assertFalse(Set.of("alien", "notting").contains(item.getItem()), "ann has met " + item.getItem());
    }
    assertTrue(first.getScore().compareTo(recs.getItems().get(1).getScore()) >= 0, "best first: " + recs);

    Recommendations unexplained = complete(api.recommend().getRecommendations(recsFor("ann").k(3).explain(false)
        .diversity(BigDecimal.ZERO).build()));
    assertEquals(3, unexplained.getItems().size(), unexplained.toString());
    assertNull(unexplained.getItems().get(0).getReason(), "no reason without explain=true");
  }

  @Test
  void similarItemsAndOnboarding() throws Exception {
    Similar similar = complete(anonymous.recommend().getSimilarItems("alien", 2, null));
    assertEquals("alien", similar.getItem());
    assertEquals(2, similar.getItems().size(), similar.toString());
    assertEquals("aliens", similar.getItems().get(0).getItem(), similar.toString());
    assertFalse(ids(similar.getItems()).contains("alien"), "an item is not similar to itself");
    Similar kitchen = complete(anonymous.recommend().getSimilarItems("alien", 5, "kitchen"));
    assertTrue(kitchen.getItems().stream().allMatch(i -> i.getDomain().equals("kitchen")), kitchen.toString());
    assertFalse(kitchen.getItems().isEmpty());

    Onboarding onboarding = complete(anonymous.recommend().onboard(
        new OnboardingRequest().text("romantic comedies set in London").k(2)));
    assertFalse(onboarding.getModel().isEmpty());
    assertEquals(2, onboarding.getItems().size(), onboarding.toString());
    assertTrue(Set.of("notting", "love").contains(onboarding.getItems().get(0).getItem()), onboarding.toString());
  }

  /** A page further down, items left out, a filter, a boost, and the fallback for a user with no history. */
  @Test
  void recommendationsPageExcludeFilterBoostAndFallBack() throws Exception {
    List<String> top = ids(complete(anonymous.recommend().getRecommendations(recsFor("ann").k(4)
        .diversity(BigDecimal.ZERO).build())).getItems());
    assertEquals(4, top.size(), top.toString());
    assertEquals(top.subList(2, 4), ids(complete(anonymous.recommend().getRecommendations(recsFor("ann").k(2).offset(2)
        .diversity(BigDecimal.ZERO).build())).getItems()), "the second page of two");
    List<String> excluded = ids(complete(anonymous.recommend().getRecommendations(recsFor("ann").k(2)
        .diversity(BigDecimal.ZERO).exclude(top.subList(0, 2)).build())).getItems());
    assertEquals(top.subList(2, 4), excluded, "the first two left out");

    Recommendations kitchen = complete(anonymous.recommend().getRecommendations(recsFor("ann").k(2)
        .filter("domain = \"kitchen\"").build()));
    assertFalse(kitchen.getItems().isEmpty());
    assertTrue(kitchen.getItems().stream().allMatch(i -> i.getDomain().equals("kitchen")), kitchen.toString());
    Recommendations boosted = complete(anonymous.recommend().getRecommendations(recsFor("ann").k(1)
        .boost(List.of("10:domain = \"kitchen\"")).build()));
    assertEquals("kitchen", boosted.getItems().get(0).getDomain(), boosted.toString());

    complete(api.users().putUser("una", new UserWrite().split(UserWrite.SplitEnum.TRAIN))); // known, with no events
    Recommendations fallback = complete(anonymous.recommend().getRecommendations(recsFor("una").k(2)
        .text("romantic comedies set in London").build()));
    assertEquals("fallback", fallback.getModel());
    assertEquals(2, fallback.getItems().size(), fallback.toString());
    assertTrue(Set.of("notting", "love").contains(fallback.getItems().get(0).getItem()), fallback.toString());
  }

  // ------------------------------------------------------------------------------------------------ writes

  @Test
  void upsertedItemsAreSimilarAtOnce() throws Exception {
    ItemsWritten written = complete(api.ingest().upsertItems(List.of(new Item().id("wok").domain("kitchen")
        .title("Carbon Steel Wok").text("A wok for stir-frying vegetables at high heat.")
        .categories(List.of("cookware")).language("en").attributes(Map.of("material", "steel")))));
    assertEquals(1, written.getUpserted());
    assertTrue(written.getCatalogItems() >= 9, written.toString());
    Similar similar = complete(anonymous.recommend().getSimilarItems("wok", 2, "kitchen"));
    assertEquals(Set.of("knife", "pan"), Set.copyOf(ids(similar.getItems())), similar.toString());
  }

  /** One item at a time: put, read, patched (attributes merged), listed by page, hidden, deleted. */
  @Test
  void itemsArePutReadPatchedListedHiddenAndDeleted() throws Exception {
    StoredItem put = complete(api.items().putItem("tagine", new ItemWrite().domain("kitchen").title("Clay Tagine")
        .text("An earthenware pot for slow-cooking stews.").categories(List.of("cookware"))
        .attributes(Map.of("price", 40))));
    assertEquals("tagine", put.getId());
    assertFalse(put.getHidden());
    assertEquals(List.of("cookware"), put.getCategories());
    assertNotNull(put.getCreatedAt(), "created_at reads as a date-time");
    assertEquals("Clay Tagine", complete(anonymous.items().getItem("tagine")).getTitle());
    assertTrue(ids(complete(anonymous.recommend().getSimilarItems("pan", 5, "kitchen")).getItems()).contains("tagine"),
        "similar at once");

    StoredItem patched = complete(api.items().patchItem("tagine", new ItemPatch().title("Clay Tagine Pot")
        .attributes(Map.of("colour", "red"))));
    assertEquals("Clay Tagine Pot", patched.getTitle());
    assertEquals(Map.of("price", 40, "colour", "red"), patched.getAttributes());
    assertEquals("An earthenware pot for slow-cooking stews.", patched.getText(), "what the patch leaves out stays");
    assertEquals(List.of("cookware"), patched.getCategories(), "what the patch leaves out stays");

    List<String> listed = new ArrayList<>();
    int pages = 0;
    String cursor = null;
    do {
      ItemPage page = complete(anonymous.items().listItems(cursor, 2, "kitchen", null, null));
      for (StoredItem item : page.getData()) {
        assertEquals("kitchen", item.getDomain(), item.toString());
        listed.add(item.getId());
      }
      cursor = page.getNextCursor();
      pages++;
    } while (cursor != null && pages < 100);
    assertTrue(pages >= 2, "pages of two: " + listed);
    assertTrue(listed.containsAll(List.of("knife", "pan", "tagine")), listed.toString());
    assertEquals(listed.stream().sorted().toList(), listed, "in id order");
    assertTrue(complete(anonymous.items().listItems(null, null, null, "cookware", null)).getData().stream()
        .anyMatch(i -> i.getId().equals("tagine")), "listed by category");

    assertTrue(complete(api.items().patchItem("tagine", new ItemPatch().hidden(true))).getHidden());
    assertFalse(ids(complete(anonymous.recommend().getSimilarItems("pan", 5, "kitchen")).getItems()).contains("tagine"),
        "a hidden item is never similar");
    assertEquals("id", problem(400, () -> api.items().putItem("tagine", new ItemWrite().id("other").domain("kitchen")
        .title("Other"))).getParameter());
    api.items().deleteItem("tagine");
    assertEquals("tagine", problem(404, () -> anonymous.items().getItem("tagine")).getItem());
    problem(404, () -> api.items().patchItem("tagine", new ItemPatch().title("Gone")));
    problem(404, () -> api.items().deleteItem("tagine"));
  }

  /** Users: read with their event count, given a split and attributes (their events stay), listed by page. */
  @Test
  void usersAreReadWrittenAndListed() throws Exception {
    UserRecord bob = complete(api.users().getUser("bob"));
    assertEquals("bob", bob.getId());
    assertEquals(1, bob.getEvents());
    UserRecord written = complete(api.users().putUser("bob", new UserWrite().split(UserWrite.SplitEnum.TEST)
        .attributes(Map.of("plan", "pro"))));
    assertEquals("test", written.getSplit());
    assertEquals(Map.of("plan", "pro"), written.getAttributes());
    assertEquals(1, written.getEvents(), "the user's events stay");
    assertEquals(Map.of("plan", "pro"), complete(api.users().getUser("bob")).getAttributes());

    List<String> listed = new ArrayList<>();
    int pages = 0;
    String cursor = null;
    do {
      UserPage page = complete(api.users().listUsers(cursor, 2));
      page.getData().forEach(u -> listed.add(u.getId()));
      cursor = page.getNextCursor();
      pages++;
    } while (cursor != null && pages < 100);
    assertTrue(pages >= 2 && listed.containsAll(List.of("ann", "bob", "eve")), listed.toString());
    assertEquals(listed.stream().sorted().toList(), listed, "in id order");

    assertEquals("nobody", problem(404, () -> api.users().getUser("nobody")).getUser());
    assertEquals("id", problem(400, () -> api.users().putUser("bob", new UserWrite().id("eve"))).getParameter());
  }

  /** A new user's events, then their recommendations (also in a scenario), profile and export. */
  @Test
  void eventsMakeAUserWhoseDataReadsBack() throws Exception {
    List<Event> events = List.of(
        event("zoe", "alien", Event.TypeEnum.RATING, 5, 3000).context(Map.of("device", "tv")),
        event("zoe", "notting", Event.TypeEnum.RATING, 5, 3001).context(Map.of("device", "phone")),
        event("zoe", "pan", Event.TypeEnum.PURCHASE, null, 3002));
    EventsWritten written = complete(api.ingest().insertEvents(events));
    assertEquals(3, written.getReceived());
    assertEquals(3, written.getStored());
    EventsWritten again = complete(api.ingest().insertEvents(events));
    assertEquals(3, again.getReceived());
    assertEquals(0, again.getStored(), "events already stored are skipped");

    Recommendations recs = complete(anonymous.recommend().getRecommendations(recsFor("zoe").k(4).explain(true)
        .build()));
    assertEquals("zoe", recs.getUser());
    assertFalse(recs.getItems().isEmpty(), recs.toString());
    assertTrue(recs.getItems().stream().noneMatch(i -> Set.of("alien", "notting", "pan").contains(i.getItem())),
        "items the user has met are left out: " + recs);
    assertTrue(recs.getItems().stream().allMatch(i -> i.getReason() != null && !i.getReason().isEmpty()),
        recs.toString());
    // the deepObject parameter: context[device]=tv serves the interests shown on the tv
    List<String> tv = ids(complete(anonymous.recommend().getRecommendations(recsFor("zoe").k(2).domain("movies")
        .context(Map.of("device", "tv")).build())).getItems());
    List<String> phone = ids(complete(anonymous.recommend().getRecommendations(recsFor("zoe").k(2).domain("movies")
        .context(Map.of("device", "phone")).build())).getItems());
    assertEquals(Set.of("aliens", "predator"), Set.copyOf(tv), tv.toString());
    assertEquals(Set.of("love", "pride"), Set.copyOf(phone), phone.toString());

    Profile profile = complete(api.users().getProfile("zoe"));
    assertEquals("zoe", profile.getUser());
    assertEquals(3, profile.getEvents());
    assertFalse(profile.getSpaces().isEmpty(), profile.toString());
    List<Interest> interests = profile.getSpaces().stream()
        .flatMap(s -> s.getInterests().stream()).toList();
    assertFalse(interests.isEmpty(), profile.toString());
    Set<String> recent = interests.stream().flatMap(i -> i.getRecentItems().stream()).collect(Collectors.toSet());
    assertTrue(recent.containsAll(Set.of("Alien (1979)", "Notting Hill (1999)", "Cast Iron Pan")), profile.toString());
    assertEquals(Set.of("kitchen", "movies"), profile.getDomains().keySet(), "zoe is active in two domains");

    Export export = complete(api.users().exportUser("zoe"));
    assertEquals("zoe", export.getUser().getId());
    assertNotNull(export.getUser().getAttributes());
    assertEquals(3, export.getEvents().size(), export.toString());
    Map<String, Event> byItem = export.getEvents().stream().collect(Collectors.toMap(Event::getItem, e -> e));
    assertEquals(Set.of("alien", "notting", "pan"), byItem.keySet());
    assertTrue(export.getEvents().stream().allMatch(e -> e.getUser().equals("zoe")), export.toString());
    assertEquals(Event.TypeEnum.RATING, byItem.get("alien").getType());
    assertEquals(0, new BigDecimal(5).compareTo(byItem.get("alien").getValue()), export.toString());
    assertEquals(Event.TypeEnum.PURCHASE, byItem.get("pan").getType());
    assertEquals(Map.of("device", "tv"), byItem.get("alien").getContext(), export.toString());
    assertNotNull(byItem.get("pan").getTimestamp());
  }

  @Test
  void deletingAUserRemovesThem() throws Exception {
    assertEquals(1, complete(api.ingest().insertEvents(List.of(event("leaving", "knife", Event.TypeEnum.VIEW, null,
        4000)))).getStored());
    assertEquals(1, complete(api.users().exportUser("leaving")).getEvents().size());
    api.users().deleteUser("leaving");
    assertEquals("leaving", problem(404, () -> api.users().exportUser("leaving")).getUser());
    problem(404, () -> api.users().getProfile("leaving"));
    assertEquals("fallback", complete(anonymous.recommend().getRecommendations(recsFor("leaving").build())).getModel(),
        "an unknown user is answered by the fallback chain");
    problem(404, () -> api.users().deleteUser("leaving"));
  }

  /**
   * The registry: listed, then a saved version activated (one that ranks by the interests alone, as the server does
   * without one, so the other tests' answers stay as they are), and an unknown version refused.
   */
  @Test
  void theModelRegistryListsAndActivates() throws Exception {
    Models before = complete(api.models().listModels());
    long saved;
    try (Store store = Stores.openExisting(db.toString())) {
      String[] ids = store.items().stream().map(io.shiftrec.core.Item::id).toArray(String[]::new);
      int n = ids.length;
      RankerArtifact interestsAlone = new RankerArtifact(new String[] {"shiftrec"}, new double[] {1}, 5, 0, false,
          ids, 1, 1f, 1f, new float[n], ItemGraph.empty(n), ItemGraph.empty(n), new int[n], "", null);
      saved = store.putArtifact(RankerArtifact.NAME, Map.of("model", RankerArtifact.NAME), interestsAlone.toBytes());
    }
    String version = Long.toString(saved);
    Models listed = complete(api.models().listModels());
    assertEquals(before.getVersions().size() + 1, listed.getVersions().size(), listed.toString());
    ModelsVersionsInner newest = listed.getVersions().get(0);
    assertEquals(version, newest.getVersion(), "newest first: " + listed);
    assertEquals(RankerArtifact.NAME, newest.getModel());
    assertNotNull(newest.getCreatedAt(), "created_at reads as a date-time");

    Models activated = complete(api.models().activateModel(version));
    assertEquals(version, activated.getActive());
    assertEquals(version, activated.getServing());
    assertTrue(activated.getVersions().get(0).getActive() && activated.getVersions().get(0).getServing(),
        activated.toString());
    assertEquals("shiftrec-learned v" + version, complete(api.service().getHealth()).getModel());

    Problem unknown = problem(404, () -> api.models().activateModel("999999"));
    assertEquals("999999", unknown.getVersion(), unknown.toString());
    assertEquals(version, complete(api.models().listModels()).getActive(), "the active version stays");
  }

  // ------------------------------------------------------------------------------------------------ problems

  @Test
  void keysAreCheckedAndRefusalsAreProblems() throws Exception {
    List<Event> events = List.of(event("ann", "aliens", Event.TypeEnum.VIEW, null, 2000));
    Problem none = problem(401, () -> anonymous.ingest().insertEvents(events));
    assertFalse(none.getTitle().isEmpty());
    problem(403, () -> wrongKey.ingest().insertEvents(events));
    problem(401, () -> anonymous.ingest().upsertItems(List.of()));
    problem(401, () -> anonymous.users().getProfile("ann"));
    problem(401, () -> anonymous.users().exportUser("ann"));
    problem(401, () -> anonymous.users().deleteUser("ann"));
    problem(403, () -> wrongKey.models().activateModel("1"));
    problem(401, () -> anonymous.items().putItem("knife", new ItemWrite().domain("kitchen").title("Knife")));
    problem(401, () -> anonymous.items().patchItem("knife", new ItemPatch().title("Knife")));
    problem(401, () -> anonymous.items().deleteItem("knife"));
    problem(401, () -> anonymous.users().getUser("ann"));
    problem(401, () -> anonymous.users().listUsers((String) null, null));
    problem(403, () -> wrongKey.users().putUser("ann", new UserWrite()));
    assertEquals(2, complete(api.users().getProfile("ann")).getEvents(), "nothing was written");
  }

  /** An admin key makes a read key, which reads but neither writes nor reads personal data, and revokes it. */
  @Test
  void keysAreMadeListedScopedAndRevoked() throws Exception {
    NewApiKey made = complete(api.keys().createKey(new ApiKeyRequest().scope(ApiKeyRequest.ScopeEnum.READ)
        .label("dashboard")));
    assertEquals(NewApiKey.ScopeEnum.READ, made.getScope());
    assertEquals(NewApiKey.SourceEnum.STORE, made.getSource());
    assertEquals("dashboard", made.getLabel());
    assertNotNull(made.getCreatedAt());
    List<ApiKey> listed = complete(api.keys().listKeys()).getKeys();
    assertEquals(ApiKey.SourceEnum.SETTINGS, listed.get(0).getSource(), "settings' keys first: " + listed);
    assertEquals(ApiKey.ScopeEnum.ADMIN, listed.get(0).getScope(), "api_key is an admin key");
    assertEquals(ApiKey.ScopeEnum.READ, listed.stream().filter(k -> k.getId().equals(made.getId())).findFirst()
        .orElseThrow().getScope());

    Api reader = new Api(client(made.getKey()));
    assertEquals("knife", complete(reader.items().getItem("knife")).getId());
    Problem narrow = problem(403, () -> reader.users().getProfile("ann"));
    assertEquals("read", narrow.getScope());
    assertEquals("write", narrow.getNeeds());
    assertEquals("admin", problem(403, () -> reader.keys().listKeys()).getNeeds());
    problem(403, () -> reader.ingest().insertEvents(List.of(event("ann", "aliens", Event.TypeEnum.VIEW, null,
        2000))));

    problem(422, () -> api.keys().revokeKey(listed.get(0).getId())); // changed in the settings only
    api.keys().revokeKey(made.getId());
    problem(404, () -> api.keys().revokeKey(made.getId()));
    assertTrue(problem(403, () -> reader.users().getProfile("ann")).getType().endsWith(":forbidden"),
        "a revoked key is no key of this server's");
  }

  /** An app: made with its first admin key, served by the same client under /apps/{name}, listed and dropped. */
  @Test
  void appsAreMadeServedListedAndDropped() throws Exception {
    NewApp made = complete(api.apps().createApp(new AppRequest().name("shop")));
    assertEquals("shop", made.getName());
    assertEquals(NewApiKey.ScopeEnum.ADMIN, made.getKey().getScope());
    assertTrue(complete(api.apps().listApps()).getApps().contains("shop"));
    problem(409, () -> api.apps().createApp(new AppRequest().name("shop")));
    assertEquals("name", problem(400, () -> api.apps().createApp(new AppRequest().name("Not An App")))
        .getParameter());

    ApiClient shopClient = client(made.getKey().getKey());
    shopClient.updateBaseUri("http://127.0.0.1:" + server.port() + "/apps/shop");
    Api shop = new Api(shopClient);
    assertEquals(0, complete(shop.service().getHealth()).getItems(), "an app starts empty");
    assertEquals(1, complete(shop.ingest().upsertItems(List.of(new Item().id("mug").domain("kitchen")
        .title("Stoneware Mug")))).getCatalogItems());
    assertEquals("Stoneware Mug", complete(shop.items().getItem("mug")).getTitle());
    assertEquals("mug", problem(404, () -> api.items().getItem("mug")).getItem(), "the default app has no mug");
    ApiClient defaultKeyInShop = client(KEY);
    defaultKeyInShop.updateBaseUri(shopClient.getBaseUri());
    problem(403, () -> new Api(defaultKeyInShop).items().deleteItem("mug"));

    api.apps().deleteApp("shop");
    assertFalse(complete(api.apps().listApps()).getApps().contains("shop"));
    problem(404, () -> api.apps().deleteApp("shop"));
  }

  @Test
  void badRequestsAreProblemsNamingWhatIsWrong() throws Exception {
    Problem unknownItem = problem(400, () -> api.ingest().insertEvents(List.of(
        event("ann", "aliens", Event.TypeEnum.VIEW, null, 2001),
        event("ann", "nope", Event.TypeEnum.VIEW, null, 2002))));
    assertTrue(unknownItem.getDetail().contains("unknown item 'nope'"), unknownItem.toString());
    assertEquals(1, unknownItem.getErrors().get(0).getIndex(), unknownItem.toString());
    assertFalse(unknownItem.getErrors().get(0).getReason().isEmpty());

    Problem offScale = problem(422, () -> api.ingest().insertEvents(List.of(
        event("ann", "aliens", Event.TypeEnum.RATING, 7, 2003))));
    assertEquals("value", offScale.getParameter(), offScale.toString());
    Problem longText = problem(422, () -> anonymous.recommend().onboard(
        new OnboardingRequest().text("x".repeat(4097))));
    assertTrue(longText.getDetail().contains("4096") || longText.getDetail().contains("4,096"), longText.toString());

    assertEquals("k", problem(400, () -> anonymous.recommend().getRecommendations(recsFor("ann").k(0).build()))
        .getParameter());
    assertEquals("context[]", problem(400, () -> anonymous.recommend().getRecommendations(recsFor("ann")
        .context(Map.of("", "tv")).build())).getParameter());
    assertEquals("nothing", problem(404, () -> anonymous.recommend().getSimilarItems("nothing", null, null)).getItem());
    Problem nobody = problem(404, () -> api.users().getProfile("nobody"));
    assertTrue(nobody.getDetail().contains("'nobody'"), nobody.toString());
    assertEquals(2, complete(api.users().getProfile("ann")).getEvents(), "nothing was written");
  }

  // ------------------------------------------------------------------------------------------------ helpers

  static Event event(String user, String item, Event.TypeEnum type, Integer value, long timestamp) {
    return new Event().user(user).item(item).type(type).value(value == null ? null : new BigDecimal(value))
        .timestamp(timestamp);
  }

  /** A recommendations request: the operation has many optional parameters, so the calls name those they set. */
  static APIGetRecommendationsRequest.Builder recsFor(String user) {
    return APIGetRecommendationsRequest.newBuilder().id(user);
  }

  static List<String> ids(List<ScoredItem> items) {
    return items.stream().map(ScoredItem::getItem).toList();
  }

  /** The error a call ends in: the status it names, answered as application/problem+json, read as a Problem. */
  static Problem problem(int status, Executable call) throws Exception {
    ApiException e = assertThrows(ApiException.class, call);
    assertEquals(status, e.getCode(), e.getMessage());
    assertTrue(e.getResponseHeaders().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
        e.getResponseHeaders().toString());
    Problem problem = complete(STRICT.readValue(e.getResponseBody(), Problem.class));
    assertEquals(status, problem.getStatus(), problem.toString());
    assertFalse(problem.getDetail().isEmpty(), problem.toString());
    return problem;
  }

  /** The answer, once every property the document requires was in it, at every depth. */
  static <T> T complete(T answer) throws Exception {
    assertNotNull(answer);
    checkRequired(answer, answer.getClass().getSimpleName());
    return answer;
  }

  private static void checkRequired(Object value, String path) throws Exception {
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) checkRequired(list.get(i), path + "[" + i + "]");
      return;
    }
    if (value == null || !value.getClass().getPackageName().equals(Problem.class.getPackageName())) return;
    for (Method getter : value.getClass().getMethods()) {
      JsonProperty property = getter.getAnnotation(JsonProperty.class);
      if (property == null || getter.getParameterCount() != 0) continue;
      Object field = getter.invoke(value);
      if (property.required()) assertNotNull(field, path + "." + property.value() + " is required: " + value);
      checkRequired(field, path + "." + property.value());
    }
  }

  /** Every operation of the document ("GET /users/{id}/profile") was called through the generated client. */
  @AfterAll
  static void everyDocumentedOperationWasCalled() throws Exception {
    long tests = Arrays.stream(GeneratedClientTest.class.getDeclaredMethods())
        .filter(m -> m.isAnnotationPresent(Test.class)).count();
    if (FINISHED.get() < tests) return;
    JsonNode document;
    try (InputStream in = ShiftRecServer.class.getResourceAsStream("openapi.json")) {
      document = new ObjectMapper().readTree(in);
    }
    List<String> uncalled = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      Pattern template = Pattern.compile(path.getKey().replaceAll("\\{[^}]+}", "[^/]+").replace(".", "\\."));
      for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
        String method = methods.next().toUpperCase(java.util.Locale.ROOT);
        if (!HTTP_METHODS.contains(method)) continue; // a path's summary or shared parameters
        if (CALLED.stream().noneMatch(c -> c.startsWith(method + " ")
            && template.matcher(c.substring(method.length() + 1)).matches())) {
          uncalled.add(method + " " + path.getKey());
        }
      }
    }
    assertTrue(uncalled.isEmpty(), "documented but never called through the generated client: " + uncalled);
  }
}
