package io.shiftrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.BundledModels;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.ingest.ErrorPolicy;
import io.shiftrec.ingest.ImportFormat;
import io.shiftrec.ingest.Importer;
import io.shiftrec.ranker.InterestRecommender;
import io.shiftrec.serve.Newcomers;
import io.shiftrec.core.Recommendation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chinese items through the whole pipeline: generic import, automatic model choice, encoding, recommendations. */
class ChineseEndToEndTest {
  @TempDir Path dir;

  @Test
  void chineseItemsLandInTheChineseSpaceWithSensibleNeighbours() throws Exception {
    Files.writeString(dir.resolve("items.jsonl"), String.join("\n",
        "{\"id\":\"novel\",\"domain\":\"books\",\"title\":\"科幻小说\",\"text\":\"关于星际旅行和外星文明的科幻小说\"}",
        "{\"id\":\"film\",\"domain\":\"movies\",\"title\":\"科幻电影\",\"text\":\"讲述宇宙探险和外星人的科幻电影\"}",
        "{\"id\":\"knife\",\"domain\":\"kitchen\",\"title\":\"厨房刀具\",\"text\":\"不锈钢切菜刀和水果刀套装\"}",
        "{\"id\":\"wok\",\"domain\":\"kitchen\",\"title\":\"铸铁炒锅\",\"text\":\"适合炒菜的家用铁锅\"}",
        "{\"id\":\"tea\",\"domain\":\"food\",\"title\":\"西湖龙井\",\"text\":\"杭州绿茶\"}"), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve("events.jsonl"), String.join("\n",
        "{\"user\":\"小明\",\"item\":\"novel\",\"type\":\"purchase\",\"timestamp\":\"2024-05-01T10:00:00Z\"}",
        "{\"user\":\"小明\",\"item\":\"tea\",\"type\":\"rating\",\"value\":1,\"timestamp\":\"2024-05-02T10:00:00Z\"}"),
        StandardCharsets.UTF_8);

    try (Store store = Stores.open(dir.resolve("zh.db").toString())) {
      Importer.run(store, ImportFormat.GENERIC, dir, ErrorPolicy.REJECT, Progress.NONE);
      StoreEncoding.Encoded first = StoreEncoding.encodeCatalog(store, StoreEncoding.settings(store), Progress.NONE);
      assertEquals(5, first.newEmbeddings());
      assertEquals(0, StoreEncoding.encodeCatalog(store, StoreEncoding.settings(store), Progress.NONE).newEmbeddings(),
          "unchanged text is never encoded twice");

      Catalog catalog = StoreEncoding.catalog(store, Progress.NONE);
      assertEquals(List.of(BundledModels.ZH), List.copyOf(catalog.spaces().keySet()));
      int novel = catalog.indexOf("novel");
      assertTrue(catalog.similarity(novel, catalog.indexOf("film"))
          > catalog.similarity(novel, catalog.indexOf("knife")), "科幻小说 is nearer 科幻电影 than 厨房刀具");

      List<Recommendation> recs = InterestRecommender.withDefaults(catalog).recommend(store.eventsOf("小明"), 2, null,
          true, 0);
      assertEquals("film", recs.get(0).item().id());
      // a film for a book taste: the reason names the books first
      assertTrue(recs.get(0).reason().startsWith("来自你在books的记录：因为你买过《科幻小说》"), recs.get(0).reason());

      // an English sentence on this Chinese catalogue: the Chinese model reads it in its own space
      Newcomers.Answer english = Newcomers.fromText(store, catalog, "science fiction about aliens and space travel", 2,
          null);
      assertEquals(BundledModels.ZH, english.reader());
      assertEquals(BundledModels.ZH, english.space());
      assertTrue(List.of("novel", "film").contains(english.recs().get(0).item().id()), english.recs().toString());
    }
  }
}
