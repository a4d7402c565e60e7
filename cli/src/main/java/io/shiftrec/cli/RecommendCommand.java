package io.shiftrec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.RequestContext;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.ranker.Documents;
import io.shiftrec.serve.Newcomers;
import io.shiftrec.interest.UserInterests;
import io.shiftrec.ranker.InterestRecommender;
import io.shiftrec.ranker.LearnedRankerModel;
import io.shiftrec.ranker.LearnedRanking;
import io.shiftrec.candidates.ShiftRecModel;
import io.shiftrec.core.Recommendation;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "recommend", mixinStandardHelpOptions = true, description = "Recommend items for a user.")
final class RecommendCommand implements Callable<Integer> {
  @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL",
      required = true, description = ShiftRec.STORE_HELP)
  String db;

  @Option(names = "--user", description = "User id.")
  String user;

  @Option(names = "--text", description = "Instead of a user: a newcomer's sentence of taste, in English or Chinese"
      + " (\"I love space adventures\", \"我喜欢太空冒险电影\"), answered as POST /onboarding answers it.")
  String text;

  @Option(names = {"-k", "--k"}, defaultValue = "10", description = "How many items (1-1000). Default: ${DEFAULT-VALUE}.")
  int k;

  @Option(names = "--domain", description = "Only items of this domain.")
  String domain;

  @Option(names = "--explain", description = "Add a reason to each item.")
  boolean explain;

  @Option(names = "--diversity", defaultValue = "0.2",
      description = "0 ranks by relevance alone; towards 1, similar items are spread out. Default: ${DEFAULT-VALUE}.")
  double diversity;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Option(names = "--context", paramLabel = "KEY=VALUE", description = "The scenario (repeatable, e.g. --context"
      + " device=tv; keys scenario, page, device, hour 0-23, weekday): recommend from the interests shown in events of"
      + " that context; all interests if none.")
  Map<String, String> context = new LinkedHashMap<>();

  @Option(names = "--model", defaultValue = "auto", description = "auto: the active learned ranker of the model"
      + " registry (see models), else the interests alone; shiftrec: the interests alone; shiftrec-learned: the"
      + " learned ranker (an error when none was trained). Default: ${DEFAULT-VALUE}.")
  String model;

  @Override
  public Integer call() throws Exception {
    if (!model.equals("auto") && !model.equals(ShiftRecModel.NAME) && !model.equals(LearnedRankerModel.NAME)) {
      throw new IllegalArgumentException("--model must be auto, " + ShiftRecModel.NAME + " or "
          + LearnedRankerModel.NAME + ", got '" + model + "'");
    }
    if (k < 1 || k > 1000) throw new IllegalArgumentException("-k must be between 1 and 1000, got " + k);
    if (!(diversity >= 0 && diversity <= 1)) {
      throw new IllegalArgumentException("--diversity must be between 0 and 1, got " + diversity);
    }
    Map<String, String> scenario = RequestContext.checked(context);
    if ((user == null) == (text == null)) throw new IllegalArgumentException("give either --user or --text");
    if (text != null) {
      if (text.isBlank()) throw new IllegalArgumentException("--text is empty");
      String unreadable = Newcomers.unreadableLanguage(text);
      if (unreadable != null) {
        throw new IllegalArgumentException("the text reads as " + unreadable + "; ShiftRec reads English and Chinese");
      }
      try (Store store = Stores.openExisting(db)) {
        Catalog catalog = StoreEncoding.catalog(store, new ConsoleProgress());
        if (domain != null && !catalog.hasDomain(domain)) {
          throw new IllegalArgumentException("unknown domain '" + domain + "'");
        }
        Newcomers.Answer answer = Newcomers.fromText(store, catalog, text, k, domain);
        if (json) {
          System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(
              Map.of("model", answer.reader(), "space", String.valueOf(answer.space()),
                  "items", Documents.items(answer.recs()))));
        } else {
          printNewcomer(text, answer, System.out);
        }
      }
      return 0;
    }
    try (Store store = Stores.openExisting(db)) {
      if (store.user(user).isEmpty()) throw new IllegalArgumentException("unknown user '" + user + "'");
      Catalog catalog = StoreEncoding.catalog(store, new ConsoleProgress());
      if (domain != null && !catalog.hasDomain(domain)) {
        throw new IllegalArgumentException("unknown domain '" + domain + "'");
      }
      List<Event> history = store.eventsOf(user);
      LearnedRanking.Trained ranker = model.equals(ShiftRecModel.NAME) ? null
          : LearnedRanking.Trained.active(store, refusal -> System.err.println("shiftrec recommend: " + refusal));
      if (ranker == null && model.equals(LearnedRankerModel.NAME)) {
        String named = Stores.describe(db);
        throw new IllegalArgumentException("no " + LearnedRankerModel.NAME + " in " + named + ": run ./shiftrec train"
            + " --db " + named + " first");
      }
      InterestRecommender recommender = InterestRecommender.withDefaults(catalog, ranker).hiding(store.hiddenItems());
      UserInterests interests = recommender.interests(history,
          StoreEncoding.behaviourText(store, recommender.catalog(), history, new ConsoleProgress()))
          .withAttributes(store.user(user).map(io.shiftrec.core.User::attributes).orElse(Map.of()));
      List<Recommendation> recs = recommender.recommend(interests.forContext(scenario), k, domain, explain, diversity);
      if (json) printJson(recommender.model(), recs, System.out);
      else printTable(user, history.size(), recommender.model(), recs, System.out);
    }
    return 0;
  }

  private void printJson(String rankedBy, List<Recommendation> recs, PrintStream out) throws Exception {
    out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(Documents.recommendations(user, rankedBy, recs)));
  }

  static void printNewcomer(String text, Newcomers.Answer answer, PrintStream out) {
    out.printf("Recommendations for a newcomer who wrote “%s” (read by %s%s):%n", text, answer.reader(),
        answer.space() == null || answer.space().equals(answer.reader()) ? ""
            : ", matched among the items in the space of " + answer.space());
    if (answer.recs().isEmpty()) out.println("  (none: no item's text has been read yet)");
    int rank = 1;
    for (Recommendation r : answer.recs()) {
      out.printf("  %2d. %-60s %-8s %.3f%n", rank++, r.item().title(), r.item().domain(), r.score());
    }
  }

  static void printTable(String user, int historySize, String model, List<Recommendation> recs, PrintStream out) {
    out.printf("Recommendations for user %s (%d events in history; ranked by %s):%n", user, historySize, model);
    if (recs.isEmpty()) out.println("  (none: the user has no encoded items in their history)");
    int rank = 1;
    for (Recommendation r : recs) {
      out.printf("  %2d. %-60s %-8s %.3f%n", rank++, r.item().title(), r.item().domain(), r.score());
      if (r.reason() != null) out.println("      " + r.reason());
    }
  }
}
