package io.shiftrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shiftrec.core.Catalog;
import io.shiftrec.core.Progress;
import io.shiftrec.ingest.ImportFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest {
  private static final List<String> ALL = List.of("pop", "pop-domain", "itemknn", "ials", "bpr", "content");

  private static EvaluateOptions options(String protocol, Path out) {
    return EvaluateOptions.of(ImportFormat.GENERIC, Path.of("unused"), protocol, ALL, out)
        .withBootstrap(200, 500);
  }

  @Test
  void endToEndWritesTheContractShapeAndReports(@TempDir Path dir) throws Exception {
    Dataset d = Synthetic.random(60, 24, 12, 3, true);
    Path out = dir.resolve("report.json");
    Report r = Evaluation.evaluate(d, options("loo", out), Progress.NONE);
    JsonNode json = Evaluation.JSON.readTree(Files.readString(out));
    assertEquals("synthetic", json.path("dataset").asText());
    assertEquals("loo", json.path("protocol").asText());
    assertEquals(42, json.path("seed").asInt());
    assertEquals(3, json.path("k").size());
    for (String m : ALL) {
      JsonNode model = json.path("models").path(m);
      JsonNode overall = model.path("overall");
      for (int k : new int[] {5, 10, 20}) {
        for (String metric : new String[] {"HR", "NDCG", "Recall", "Precision", "F1", "Coverage", "Novelty", "ILD",
            "ARP", "Gini"}) {
          assertTrue(overall.has(metric + "@" + k), m + " lacks " + metric + "@" + k);
        }
      }
      assertTrue(overall.has("MRR"));
      assertEquals(60, overall.path("users").asInt());
      for (String seg : new String[] {"cold", "drifting", "cross-domain"}) assertTrue(model.path("segments").has(seg));
      assertTrue(model.path("segments").has("domain:A") || model.path("segments").has("domain:B"));
      assertEquals(2, model.path("ci95").path("NDCG@10").size());
      double lo = model.path("ci95").path("NDCG@10").get(0).asDouble();
      double hi = model.path("ci95").path("NDCG@10").get(1).asDouble();
      double mean = overall.path("NDCG@10").asDouble();
      assertTrue(lo <= mean && mean <= hi, m + ": " + lo + " " + mean + " " + hi);
      assertTrue(model.has("train_seconds") && model.has("eval_seconds"));
      assertTrue(overall.path("HR@5").asDouble() <= overall.path("HR@10").asDouble());
      assertTrue(overall.path("HR@10").asDouble() <= overall.path("HR@20").asDouble());
    }
    String best = json.path("best_baseline").asText();
    for (String m : ALL) assertEquals(!m.equals(best), json.path("models").path(m).has("paired_test"), m);
    // each segment with users has its own paired test, over its users only
    for (String m : ALL) {
      if (m.equals(best)) continue;
      JsonNode segments = json.path("models").path(m).path("segments");
      for (java.util.Iterator<String> names = segments.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        JsonNode seg = segments.path(name);
        assertEquals(seg.path("users").asInt() > 0, seg.has("paired_test"), m + " " + name);
        if (seg.path("users").asInt() == 60) {
          assertEquals(json.path("models").path(m).path("paired_test").path("mean_diff").asDouble(),
              seg.path("paired_test").path("mean_diff").asDouble(), 1e-12, "a segment of everyone: the same test");
        }
      }
    }
    // every model is tested against every other as well: the same test as against the reference, and antisymmetric
    for (String m : ALL) {
      JsonNode tests = json.path("models").path(m).path("paired_tests");
      assertEquals(ALL.size() - 1, tests.size(), m);
      for (String other : ALL) {
        if (other.equals(m)) continue;
        double diff = tests.path(other).path("mean_diff").asDouble();
        assertEquals(-diff, json.path("models").path(other).path("paired_tests").path(m).path("mean_diff").asDouble(),
            1e-12, m + " against " + other);
        if (other.equals(best)) {
          assertEquals(json.path("models").path(m).path("paired_test").path("mean_diff").asDouble(), diff, 1e-12);
        }
      }
    }
    // segment user counts add up over domains
    JsonNode segs = json.path("models").path("pop").path("segments");
    assertEquals(60, segs.path("domain:A").path("users").asInt(0) + segs.path("domain:B").path("users").asInt(0));
    // the reports beside it
    String md = Files.readString(dir.resolve("report.md"));
    assertTrue(md.contains("| itemknn |") && md.contains("NDCG@10"));
    assertTrue(md.contains("## Paired test per segment"), md);
    assertTrue(md.contains("## Paired tests between every two models") && md.contains("| pop | content |"), md);
    String html = Files.readString(dir.resolve("report.html"));
    assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("<svg") && html.contains("</html>"));
    assertFalse(html.contains("<script") || html.contains("http-equiv") || html.contains("src=\"http"));
    assertEquals(r.metric("pop", "overall", "NDCG@10"), json.path("models").path("pop").path("overall")
        .path("NDCG@10").asDouble());
  }

  @Test
  void sameSeedGivesTheSameNumbersWhateverTheThreads() throws Exception {
    Dataset d = Synthetic.random(80, 30, 15, 5, true);
    ObjectNode a = Evaluation.evaluate(d, options("temporal", null).withThreads(1), Progress.NONE).json();
    ObjectNode b = Evaluation.evaluate(d, options("temporal", null).withThreads(3), Progress.NONE).json();
    stripTimes(a);
    stripTimes(b);
    assertEquals(a, b);
    ObjectNode c = Evaluation.evaluate(d, options("loo", null).withSeed(7), Progress.NONE).json();
    ObjectNode e = Evaluation.evaluate(d, options("loo", null).withSeed(7), Progress.NONE).json();
    stripTimes(c);
    stripTimes(e);
    assertEquals(c, e);
  }

  @Test
  void newProtocolsAreDeterministicWhateverTheThreads() throws Exception {
    Dataset base = Synthetic.random(90, 40, 12, 11, true);
    List<io.shiftrec.core.User> users = new java.util.ArrayList<>();
    for (int u = 0; u < 90; u++) {
      users.add(new io.shiftrec.core.User(String.format("u%03d", u), u % 3 == 0 ? "test" : u % 5 == 0 ? "valid"
          : "train", null));
    }
    Dataset d = new Dataset("split-synthetic", base.catalog(), users, base.events());
    for (String protocol : new String[] {"cdsr-sampled", "cdsr-full", "cold-target", "cold-item"}) {
      ObjectNode a = Evaluation.evaluate(d, options(protocol, null).withThreads(1).withColdShare(0.5),
          Progress.NONE).json();
      ObjectNode b = Evaluation.evaluate(d, options(protocol, null).withThreads(3).withColdShare(0.5),
          Progress.NONE).json();
      stripTimes(a);
      stripTimes(b);
      assertEquals(a, b, protocol);
      assertEquals(protocol, a.path("protocol").asText());
      assertTrue(a.path("split").path("test_users").asInt() > 0, protocol);
      for (String m : ALL) {
        double hr = a.path("models").path(m).path("overall").path("HR@10").asDouble();
        assertTrue(hr >= 0 && hr <= 1, protocol + " " + m);
      }
    }
  }

  private static void stripTimes(ObjectNode report) {
    report.path("models").forEach(m -> ((ObjectNode) m).remove(List.of("train_seconds", "eval_seconds")));
  }

  @Test
  void popularityIsHandCheckable() throws Exception {
    Catalog catalog = Synthetic.catalog(6, false);
    // i0 is the most popular; user z's last item is i0 → pop ranks it 1st among z's candidates
    Dataset d = new Dataset("t", catalog, List.of(), List.of(
        Synthetic.rating("x", "i0", 5, 1), Synthetic.rating("x", "i1", 5, 2), Synthetic.rating("x", "i2", 5, 3),
        Synthetic.rating("y", "i0", 5, 1), Synthetic.rating("y", "i3", 5, 2), Synthetic.rating("y", "i4", 5, 3),
        Synthetic.rating("z", "i5", 5, 1), Synthetic.rating("z", "i1", 5, 2), Synthetic.rating("z", "i0", 5, 3)));
    EvaluateOptions o = EvaluateOptions.of(ImportFormat.GENERIC, Path.of("x"), "loo", List.of("pop"), null)
        .withBootstrap(0, 0).withKs(List.of(1, 2));
    Report r = Evaluation.evaluate(d, o, Progress.NONE);
    // fit on train+valid: x {i0,i1}, y {i0,i3}, z {i5,i1}; pop: i0=2, i1=2, i3=1, i5=1, i2=0, i4=0
    // x target i2 (pop 0) among {i2,i3,i4,i5}: i3, i5 above, i4 ties → pessimistic rank 4
    // y target i4 (pop 0) among {i1,i2,i4,i5}: i1, i5 above, i2 ties → rank 4
    // z target i0 (pop 2) among {i0,i2,i3,i4}: rank 1
    assertEquals(1 / 3.0, r.metric("pop", "overall", "HR@1"), 1e-12);
    assertEquals((0.25 + 0.25 + 1) / 3, r.metric("pop", "overall", "MRR"), 1e-12);
    assertEquals(3, (int) r.metric("pop", "overall", "users"));
    assertEquals(3, (int) r.metric("pop", "cold", "users")); // 2 training items each
    // the lists: x → i3 (idx 3 before 5), y → i1, z → i0: 3 distinct of 6 at K = 1
    assertEquals(0.5, r.metric("pop", "overall", "Coverage@1"), 1e-12);
  }

  @Test
  void badOptionsFailBeforeAnyWorkNamingTheChoices() {
    EvaluateOptions o = EvaluateOptions.of(ImportFormat.GENERIC, Path.of("nowhere"), "loo",
        List.of("pop", "bert4rec"), null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Evaluation.run(o, Progress.NONE));
    assertTrue(e.getMessage().contains("bert4rec") && e.getMessage().contains("itemknn"), e.getMessage());
    EvaluateOptions p = EvaluateOptions.of(ImportFormat.GENERIC, Path.of("nowhere"), "cold-item", List.of("pop"), null)
        .withColdShare(1.0);
    e = assertThrows(IllegalArgumentException.class, () -> Evaluation.run(p, Progress.NONE));
    assertTrue(e.getMessage().contains("cold share"), e.getMessage());
    EvaluateOptions q = EvaluateOptions.of(ImportFormat.GENERIC, Path.of("nowhere"), "cdsr-x", List.of("pop"), null);
    e = assertThrows(IllegalArgumentException.class, () -> Evaluation.run(q, Progress.NONE));
    assertTrue(e.getMessage().contains("cdsr-sampled"), e.getMessage());
  }

  @Test
  void contentWithoutVectorsScoresNothingAndRanksTargetsLast() throws Exception {
    Dataset d = Synthetic.random(20, 40, 5, 9, false);
    Report r = Evaluation.evaluate(d, options("loo", null), Progress.NONE);
    assertEquals(0.0, r.metric("content", "overall", "HR@20"), 0.0); // at least 31 candidates, all tied at -inf
    assertNotNull(r.json().path("models").path("content").path("overall").get("MRR"));
    assertFalse(r.json().path("models").path("content").path("overall").has("ILD@10")); // no vectors: no ILD
  }

  @Test
  void validationScoresTheValidationTargetsOfModelsFitWithoutThem() throws Exception {
    Dataset d = Synthetic.random(40, 30, 10, 11, true);
    Report testReport = Evaluation.evaluate(d, options("loo", null), Progress.NONE);
    Report validReport = Evaluation.evaluate(d, options("loo", null).withValidation(true), Progress.NONE);
    JsonNode test = testReport.json(), valid = validReport.json();
    assertTrue(validReport.markdown().startsWith("# Evaluation: synthetic, protocol `loo`, validation targets"));
    assertFalse(testReport.markdown().contains("validation targets"));
    assertEquals("test", test.path("targets").asText());
    assertEquals("validation", valid.path("targets").asText());
    // each test user's validation item moves out of training
    int users = test.path("split").path("test_users").asInt();
    assertEquals(test.path("split").path("train_interactions").asInt() - users,
        valid.path("split").path("train_interactions").asInt());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Evaluation.evaluate(d, options("temporal", null).withValidation(true), Progress.NONE));
    assertTrue(e.getMessage().contains("no validation"), e.getMessage());
  }
}
