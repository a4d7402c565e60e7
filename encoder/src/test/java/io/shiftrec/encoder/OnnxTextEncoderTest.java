package io.shiftrec.encoder;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shiftrec.core.Vectors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OnnxTextEncoderTest {
  private static OnnxTextEncoder en;
  private static OnnxTextEncoder zh;

  @BeforeAll
  static void open() {
    en = BundledModels.open(BundledModels.EN, BundledModels.MAX_TOKENS, 4);
    zh = BundledModels.open(BundledModels.ZH);
  }

  @AfterAll
  static void close() {
    en.close();
    zh.close();
  }

  @Test
  void vectorsAreUnitLengthWithTheModelsDimension() {
    assertEquals(384, en.dimension());
    assertEquals(512, zh.dimension());
    for (OnnxTextEncoder encoder : List.of(en, zh)) {
      for (float[] v : encoder.encode(List.of("Toy Story (1995)", "玩具总动员", ""))) {
        assertEquals(encoder.dimension(), v.length);
        assertEquals(1f, Vectors.norm(v), 1e-5f);
      }
    }
  }

  @Test
  void identicalTextGivesIdenticalVector() {
    List<String> texts = List.of("The Matrix", "a longer text to pad the batch with more tokens", "The Matrix");
    float[][] v = en.encode(texts);
    assertArrayEquals(v[0], v[2]);
    assertArrayEquals(v[0], en.encode(texts)[0]);
    assertArrayEquals(en.encode(List.of("Heat"))[0], en.encode(List.of("Heat"))[0]);
  }

  @Test
  void batchesMatchOneByOneInInputOrder() {
    List<String> texts = new ArrayList<>(SampleTexts.defaultTexts(9, 3));
    texts.add("Heat");
    Collections.shuffle(texts, new Random(1));
    float[][] batched = en.encode(texts); // sorted by length, batches of at most 4, padded
    float[][] single = new float[texts.size()][];
    for (int i = 0; i < texts.size(); i++) single[i] = en.encode(List.of(texts.get(i)))[0];
    for (int i = 0; i < texts.size(); i++) {
      // Dynamic int8 quantisation scales activations by the range of the whole batch, so batching moves vectors a
      // little; each must still be its own one-by-one vector's nearest neighbour.
      float own = Vectors.dot(batched[i], single[i]);
      assertTrue(own > 0.98f, texts.get(i) + ": cosine " + own);
      for (int j = 0; j < texts.size(); j++) {
        if (j != i) assertTrue(Vectors.dot(batched[i], single[j]) < own, texts.get(i) + " nearer " + texts.get(j));
      }
    }
  }

  @Test
  void batchOfCopiesEqualsOneByOneWithinTolerance() {
    // Same text in every row: the quantisation ranges are those of the text alone, so only batching could differ.
    String text = SampleTexts.defaultTexts(2, 5).get(1);
    float[] alone = en.encode(List.of(text))[0];
    for (float[] v : en.encode(Collections.nCopies(10, text))) assertArrayEquals(alone, v, 1e-4f);
  }

  @Test
  void truncatesByTokens() {
    String words = "the cat sat on the mat ".repeat(400); // one token per word
    try (OnnxTextEncoder short16 = BundledModels.open(BundledModels.EN, 16, 4)) {
      String firstFourteen = String.join(" ", List.of(words.split(" ")).subList(0, 14)); // 16 with [CLS] and [SEP]
      assertArrayEquals(short16.encode(List.of(firstFourteen))[0], short16.encode(List.of(words))[0], 1e-5f);
    }
    float[] full = en.encode(List.of(words + words))[0]; // 4800 tokens, far beyond the model's 512
    assertEquals(1f, Vectors.norm(full), 1e-5f);
  }

  @Test
  void englishSemantics() {
    float[][] v = en.encode(List.of("science fiction novel", "space opera film", "kitchen knife"));
    assertTrue(Vectors.dot(v[0], v[1]) > Vectors.dot(v[0], v[2]));
  }

  @Test
  void chineseSemantics() {
    float[][] v = zh.encode(List.of("科幻小说", "科幻电影", "厨房刀具"));
    assertTrue(Vectors.dot(v[0], v[1]) > Vectors.dot(v[0], v[2]));
  }

  @Test
  void emptyInputGivesNoVectors() {
    assertEquals(0, en.encode(List.of()).length);
  }

  @Test
  void rejectsUnknownModelsAndTooManyTokens() {
    assertThrows(IllegalArgumentException.class, () -> BundledModels.open("bge-large"));
    assertThrows(IllegalArgumentException.class, () -> BundledModels.open(BundledModels.EN, 513, 32));
  }
}
