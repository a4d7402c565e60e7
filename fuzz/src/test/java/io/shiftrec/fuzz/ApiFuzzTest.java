package io.shiftrec.fuzz;

import io.shiftrec.serve.ServeConfig;
import io.shiftrec.serve.ShiftRecServer;
import io.shiftrec.serve.TestStore;

import io.shiftrec.core.Item;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.core.User;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * The HTTP API under fuzzed requests: requests derived from the served OpenAPI document and broken with hostile
 * values ({@link ApiFuzzer}), sent over real HTTP to a server on an ephemeral port, every answer checked by
 * {@link FuzzClient}: never a 5xx, an answer within {@value #TIMEOUT_MILLIS} ms, no stack trace in a body, every
 * 4xx as {@code application/problem+json}, and nothing stored by a refused write. After a write the server accepted,
 * the documented reads of the users and items it named are sent and checked too.
 *
 * <p>Seeds are fixed, so a run sends the same requests every time. Each property sends all its requests and then
 * fails once, with every distinct defect it met ({@link FuzzReport}: grouped by the answer, with the operations and
 * mutations that led to it and example requests), instead of stopping at the first.
 */
@PropertyDefaults(shrinking = ShrinkingMode.OFF, edgeCases = EdgeCasesMode.NONE)
class ApiFuzzTest {
  static final String KEY = "fuzz-key-0123456789";
  static final int TIMEOUT_MILLIS = 10_000;
  static final long MAX_BODY = 256 * 1024;
  /** After this many hangs in a property its remaining tries send nothing: a hung server would take hours. */
  static final int MAX_HANGS = 3;

  static Path dir;
  static ShiftRecServer server;
  /** The same store behind a server whose reads need the key too. */
  static ShiftRecServer locked;
  static Store store;
  static ApiFuzzer fuzzer;
  static FuzzClient client;
  static FuzzClient lockedClient;

  /** The documented operations the hostile requests came from, over every property. */
  static final Set<String> fuzzed = ConcurrentHashMap.newKeySet();

  /** This property's answers and defects. */
  final FuzzReport report = new FuzzReport(KEY, 2);
  int hangs;

  @BeforeContainer
  static void start() throws Exception {
    dir = Files.createTempDirectory("shiftrec-fuzz-");
    Path db = TestStore.create(dir);
    server = ShiftRecServer.start(new ServeConfig(db.toString(), "127.0.0.1", 0, KEY, false, MAX_BODY));
    locked = ShiftRecServer.start(new ServeConfig(db.toString(), "127.0.0.1", 0, KEY, true, MAX_BODY));
    store = Stores.openExisting(db.toString());
    List<String> users = new ArrayList<>(), items = new ArrayList<>();
    TreeSet<String> domains = new TreeSet<>();
    for (User u : store.users()) users.add(u.id());
    for (Item i : store.items()) {
      items.add(i.id());
      domains.add(i.domain());
    }
    byte[] openApi = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + server.port() + "/openapi.json")).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
    fuzzer = ApiFuzzer.fromOpenApi(openApi, KEY, new ApiFuzzer.Known(users, items, List.copyOf(domains)), MAX_BODY);
    client = new FuzzClient("127.0.0.1", server.port(), TIMEOUT_MILLIS, store::counts, fuzzer);
    lockedClient = new FuzzClient("127.0.0.1", locked.port(), TIMEOUT_MILLIS, store::counts, fuzzer);
  }

  @AfterContainer
  static void stop() throws IOException {
    try {
      if (fuzzer == null) return; // the start failed, and said why: nothing was fuzzed to check
      List<String> missed = new ArrayList<>(fuzzer.operations());
      missed.removeAll(fuzzed);
      if (!missed.isEmpty()) throw new AssertionError("documented operations no hostile request came from: " + missed);
    } finally {
      close();
    }
  }

  private static void close() throws IOException {
    if (store != null) store.close();
    if (locked != null) locked.close();
    if (server != null) server.close();
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
      }
    }
  }

  @Property(tries = 450, seed = "4211")
  void documentedOperationsWithHostileValues(@ForAll Random random) {
    exchange(client, fuzzer.next(random, ApiFuzzer.Family.SPEC));
  }

  /** Well-formed writes with one hostile field value each; what they store must not break the reads after them. */
  @Property(tries = 250, seed = "4215")
  void hostileFieldValuesInWrites(@ForAll Random random) {
    exchange(client, fuzzer.next(random, ApiFuzzer.Family.FIELDS));
  }

  @Property(tries = 250, seed = "4212")
  void brokenRequestBodies(@ForAll Random random) {
    exchange(client, fuzzer.next(random, ApiFuzzer.Family.BODY));
  }

  /** On the server whose reads need the key, so that every route checks it. */
  @Property(tries = 150, seed = "4213")
  void missingWrongAndOddApiKeys(@ForAll Random random) {
    exchange(lockedClient, fuzzer.next(random, ApiFuzzer.Family.AUTH));
  }

  @Property(tries = 200, seed = "4214")
  void brokenHttpOnTheWire(@ForAll Random random) {
    exchange(client, fuzzer.next(random, ApiFuzzer.Family.WIRE));
  }

  /** Sends the request, and after an accepted write the reads of what it stored, recording every answer. */
  private void exchange(FuzzClient via, ApiFuzzer.Request request) {
    if (hangs >= MAX_HANGS) return;
    fuzzed.add(request.operation());
    FuzzClient.Result result = record(via.exchange(request));
    Statistics.label("status").collect(status(result));
    for (ApiFuzzer.Request read : fuzzer.readsAfter(request, result.response().status())) {
      Statistics.label("reads after accepted writes").collect(status(record(via.exchange(read))));
    }
  }

  private FuzzClient.Result record(FuzzClient.Result result) {
    report.add(result);
    for (FuzzClient.Finding f : result.findings()) {
      if (f.defect() == FuzzClient.Defect.HANG) hangs++;
    }
    return result;
  }

  private static String status(FuzzClient.Result result) {
    return result.response().status() < 0 ? "none" : Integer.toString(result.response().status());
  }

  /** Fails the property with each distinct defect once: how often, on what, after what, and examples. */
  @AfterProperty
  void noDefects() {
    if (report.failedRequests() == 0) return;
    throw new AssertionError(report.failedRequests() + " of " + report.requests() + " requests showed defects ("
        + report.groups() + " distinct" + (hangs >= MAX_HANGS ? "; stopped sending after " + hangs + " hangs" : "")
        + "); answers: " + report.statusLine() + "\n" + report.defects());
  }
}
