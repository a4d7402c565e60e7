package io.shiftrec.bench;

import io.shiftrec.encoder.BundledModels;
import io.shiftrec.encoder.SampleTexts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodeBenchmarkTest {
  @Test
  void defaultTextsAreDeterministicAndMixed() {
    List<String> texts = SampleTexts.defaultTexts(256, 42);
    assertEquals(texts, SampleTexts.defaultTexts(256, 42));
    long longOnes = texts.stream().filter(t -> t.split(" ").length >= 90).count();
    assertTrue(longOnes > 64 && longOnes < 192, "about half are descriptions: " + longOnes);
  }

  @Test
  void printsARowPerBatchSize() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    EncodeBenchmark.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), SampleTexts.defaultTexts(4, 1),
        BundledModels.EN);
    String report = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(report.contains("ours/bare"), report);
    for (String batch : List.of("     1 ", "     8 ", "    32 ")) assertTrue(report.contains("\n" + batch), report);
  }
}
