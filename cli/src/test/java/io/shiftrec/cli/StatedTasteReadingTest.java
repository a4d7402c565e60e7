package io.shiftrec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Catalog;
import io.shiftrec.core.Item;
import io.shiftrec.encoder.BundledModels;
import io.shiftrec.encoder.LanguageRouter;
import io.shiftrec.encoder.OnnxTextEncoder;
import io.shiftrec.candidates.StatedTasteRanker;
import io.shiftrec.candidates.TastePopularity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bundled language models read a stated taste against the category label sentences: the named category wins in
 * English and in Chinese, where the sentence is routed to the Chinese model by its language.
 */
class StatedTasteReadingTest {
  private static void readsTheNamedCategory(String model, String language, String domain, List<String> categories,
                                            List<String> itemTexts, int named) {
    try (OnnxTextEncoder encoder = BundledModels.open(model)) {
      float[][] itemVectors = encoder.encode(itemTexts);
      Catalog.Builder b = Catalog.builder();
      for (int i = 0; i < itemTexts.size(); i++) {
        String category = categories.get(i % categories.size());
        b.add(new Item("i" + i, domain, itemTexts.get(i), null, List.of(category), language, null), model,
            itemVectors[i]);
      }
      Catalog catalog = b.build();
      Map<String, float[]> labels = new LinkedHashMap<>();
      List<String> labelTexts = new ArrayList<>();
      for (String c : categories) labelTexts.add(StatedTasteRanker.categoryLabel(c, domain, language));
      float[][] labelVectors = encoder.encode(labelTexts);
      for (int k = 0; k < categories.size(); k++) labels.put(categories.get(k), labelVectors[k]);
      // Nobody states a taste: the base is flat popularity, so only the reading and the text decide.
      TastePopularity.Builder taste = TastePopularity.builder(catalog.size());
      for (int i = 0; i < catalog.size(); i++) taste.addUser(List.of(), new int[] {i}, 0, 1);
      StatedTasteRanker ranker = StatedTasteRanker.of(catalog.centred(), model, taste.build(), labels);

      String sentence = StatedTasteRanker.sentence(List.of(categories.get(named)), domain, language);
      assertEquals(model, LanguageRouter.byLanguage().modelFor(sentence), "routed by its language: " + sentence);
      float[] q = ranker.place(encoder.encode(List.of(sentence))[0]);
      float[] w = new float[categories.size()];
      ranker.categoryWeights(q, 0.08f, w);
      for (int k = 0; k < w.length; k++) {
        if (k != named) assertTrue(w[named] > w[k], sentence + " reads as " + java.util.Arrays.toString(w));
      }
      float[] scores = new float[catalog.size()];
      ranker.score(encoder.encode(List.of(sentence))[0], new StatedTasteRanker.Settings(0, 0.08f, 1f, 1f), scores);
      int best = 0;
      for (int i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
      assertEquals(categories.get(named), catalog.item(best).categories().get(0), "first recommendation");
    }
  }

  @Test
  void englishSentenceNamesItsGenre() {
    readsTheNamedCategory(BundledModels.EN, "en", "movies", List.of("Comedy", "Horror", "Western"),
        List.of("Laugh Out Loud | Comedy | A goofy family comedy full of jokes.",
            "The Haunting | Horror | A ghost terrorises a family in an old house.",
            "Dust Riders | Western | Cowboys ride across the desert to a frontier town.",
            "Office Pranks | Comedy | Coworkers play silly pranks on each other.",
            "Night Terror | Horror | A masked killer stalks teenagers at night.",
            "Gold Rush Trail | Western | A sheriff defends a mining town from outlaws."), 1);
  }

  @Test
  void chineseSentenceNamesItsGenre() {
    readsTheNamedCategory(BundledModels.ZH, "zh", "电影", List.of("喜剧", "恐怖", "西部"),
        List.of("开心一家人 | 喜剧 | 一部充满笑料的家庭喜剧",
            "鬼宅 | 恐怖 | 老房子里闹鬼的恐怖故事",
            "荒漠骑士 | 西部 | 牛仔穿越沙漠来到边境小镇",
            "办公室趣事 | 喜剧 | 同事之间互相恶作剧的搞笑故事",
            "午夜惊魂 | 恐怖 | 蒙面杀手在夜里追杀少年",
            "淘金之路 | 西部 | 警长保卫矿镇抵御土匪"), 0);
  }
}
