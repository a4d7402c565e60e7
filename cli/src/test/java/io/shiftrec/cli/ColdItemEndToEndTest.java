package io.shiftrec.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Event;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.ingest.ErrorPolicy;
import io.shiftrec.ingest.ImportFormat;
import io.shiftrec.ingest.Importer;
import io.shiftrec.candidates.Model;
import io.shiftrec.ranker.Models;
import io.shiftrec.core.TrainingData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new item with text and no events is recommendable at once, to the users whose interests it matches. */
class ColdItemEndToEndTest {
  @TempDir Path dir;

  @Test
  void newItemWithTextOnlyReachesTheUserWhoseInterestsMatch() throws Exception {
    Files.writeString(dir.resolve("items.jsonl"), String.join("\n",
        item("beans", "food", "Whole bean espresso coffee, dark roast"),
        item("ground", "food", "Ground arabica coffee, medium roast"),
        item("pods", "food", "Coffee pods for single-serve brewers"),
        item("pasta", "food", "Italian durum wheat spaghetti"),
        item("oil", "food", "Extra virgin olive oil"),
        item("rice", "food", "Basmati rice, 5 lb bag"),
        item("honey", "food", "Raw wildflower honey"),
        item("choc", "food", "Dark chocolate bar, 70% cacao"),
        item("oats", "food", "Organic rolled oats"),
        item("salsa", "food", "Medium chunky salsa"),
        item("pepper", "food", "Whole black peppercorns"),
        item("pan", "kitchen", "Non-stick frying pan, 12 inch"),
        item("knife", "kitchen", "Stainless steel chef's knife"),
        item("board", "kitchen", "Bamboo cutting board"),
        item("pot", "kitchen", "Cast iron dutch oven"),
        item("towels", "kitchen", "Cotton kitchen towels, set of 6"),
        item("mixer", "kitchen", "Stand mixer with dough hook"),
        item("kettle", "kitchen", "Electric glass kettle"),
        item("spatula", "kitchen", "Silicone spatula set")), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("events.jsonl"), String.join("\n",
        purchase("ana", "beans", 1), purchase("ana", "ground", 2), purchase("ana", "pods", 3),
        purchase("ben", "pan", 1), purchase("ben", "knife", 2), purchase("ben", "board", 3)),
        StandardCharsets.UTF_8);
    try (Store store = Stores.open(dir.resolve("cold.db").toString())) {
      Importer.run(store, ImportFormat.GENERIC, dir, ErrorPolicy.REJECT, Progress.NONE);
      // the new items arrive later, with text and no events (the same events again change nothing)
      Files.writeString(dir.resolve("items.jsonl"), String.join("\n",
          item("new-coffee", "food", "Whole bean espresso coffee from Colombia, medium roast"),
          item("new-pan", "kitchen", "Non-stick frying pan, 10 inch, with lid")), StandardCharsets.UTF_8);
      Importer.run(store, ImportFormat.GENERIC, dir, ErrorPolicy.REJECT, Progress.NONE);
      StoreEncoding.encodeCatalog(store, StoreEncoding.settings(store), Progress.NONE);
      Catalog catalog = StoreEncoding.catalog(store, Progress.NONE);
      List<Event> events = new ArrayList<>();
      store.forEachEvent(events::add);
      TrainingData train = TrainingData.fromEvents(catalog, events);
      Model model = Models.create("shiftrec");
      model.fit(train, 42);
      int coffee = catalog.indexOf("new-coffee"), pan = catalog.indexOf("new-pan");
      float[] scores = new float[catalog.size()];
      for (int user = 0; user < train.numUsers(); user++) {
        model.score(user, scores);
        boolean coffeeLover = train.userId(user).equals("ana");
        int wanted = coffeeLover ? coffee : pan, other = coffeeLover ? pan : coffee;
        assertTrue(scores[wanted] > scores[other], train.userId(user) + ": the matching new item scores higher");
        int rank = rankAmongUnseen(train, user, scores, wanted);
        assertTrue(rank < 3, train.userId(user) + ": the matching new item is among the first three, not at " + rank);
      }
    }
  }

  private static int rankAmongUnseen(TrainingData train, int user, float[] scores, int item) {
    boolean[] seen = new boolean[scores.length];
    for (int p = train.offsets()[user]; p < train.offsets()[user + 1]; p++) seen[train.historyItems()[p]] = true;
    int above = 0;
    for (int i = 0; i < scores.length; i++) if (i != item && !seen[i] && scores[i] >= scores[item]) above++;
    return above;
  }

  private static String item(String id, String domain, String title) {
    return "{\"id\":\"" + id + "\",\"domain\":\"" + domain + "\",\"title\":\"" + title + "\",\"language\":\"en\"}";
  }

  private static String purchase(String user, String item, int day) {
    return "{\"user\":\"" + user + "\",\"item\":\"" + item + "\",\"type\":\"purchase\",\"timestamp\":\"2024-05-0" + day
        + "T10:00:00Z\"}";
  }
}
