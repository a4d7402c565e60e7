package io.shiftrec.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.shiftrec.core.Language;
import io.shiftrec.core.Recommendation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reasons rewritten by a language model behind an OpenAI-compatible chat-completions endpoint, from the same facts
 * the templates state. One call per answer, for the reasons not rewritten before (kept in a bounded cache), within a
 * latency budget; on a timeout, an error or an answer that is not one sentence per reason, the template reasons stand.
 * The user's own words (the text of their reviews) are sent only when the settings say so.
 */
final class GeneratedReasons {
  private static final Logger LOG = LoggerFactory.getLogger(GeneratedReasons.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Rewritten reasons kept: a few MB, and a repeated answer costs no call. */
  private static final int CACHE_SIZE = 50_000;
  /** A rewritten reason longer than this is not a reason. */
  private static final int MAX_CHARS = 400;
  private static final long LOG_EVERY_MILLIS = 60_000;

  private final ServeConfig.ReasonModel settings;
  private final HttpClient http;
  private final Cache<String, String> rewritten = Caffeine.newBuilder().maximumSize(CACHE_SIZE).build();
  private final AtomicLong lastLogged = new AtomicLong();

  GeneratedReasons(ServeConfig.ReasonModel settings) {
    this.settings = settings;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(settings.timeoutMillis())).build();
  }

  /** The recommendations with their reasons rewritten in {@code language} (null: each reason's own), or as they were. */
  List<Recommendation> rewrite(List<Recommendation> recs, String language) {
    List<String> facts = new ArrayList<>();
    for (Recommendation r : recs) {
      if (r.reason() == null) continue;
      String fact = settings.personalText() ? r.reason() : r.impersonalReason();
      if (rewritten.getIfPresent(key(fact, language)) == null && !facts.contains(fact)) facts.add(fact);
    }
    if (!facts.isEmpty()) ask(facts, language);
    List<Recommendation> out = new ArrayList<>(recs.size());
    for (Recommendation r : recs) {
      String fact = r.reason() == null ? null : settings.personalText() ? r.reason() : r.impersonalReason();
      String sentence = fact == null ? null : rewritten.getIfPresent(key(fact, language));
      out.add(sentence == null ? r : r.withReason(sentence));
    }
    return out;
  }

  private static String key(String fact, String language) {
    return language + "\u0001" + fact;
  }

  /** One call for these facts; what comes back well-formed is kept, anything else is logged (once a minute). */
  private void ask(List<String> facts, String language) {
    try {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("model", settings.model());
      body.put("temperature", 0);
      body.put("messages", List.of(
          Map.of("role", "system", "content", "You write the reasons a recommender gives for its items. Rewrite each"
              + " reason you are given as one short, friendly sentence for the user" + languageClause(language)
              + ", keeping every fact (titles, ratings, categories) and adding none. Answer with a JSON array of"
              + " strings only, one per reason, in the same order."),
          Map.of("role", "user", "content", JSON.writeValueAsString(facts))));
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(settings.endpoint() + "/chat/completions"))
          .timeout(Duration.ofMillis(settings.timeoutMillis()))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      if (settings.key() != null) request.header("Authorization", "Bearer " + settings.key());
      HttpResponse<byte[]> response = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
          .get(settings.timeoutMillis(), TimeUnit.MILLISECONDS);
      if (response.statusCode() != 200) throw new IllegalStateException("the endpoint answered " + response.statusCode());
      JsonNode content = JSON.readTree(response.body()).path("choices").path(0).path("message").path("content");
      JsonNode sentences = JSON.readTree(strip(content.asText()));
      if (!sentences.isArray() || sentences.size() != facts.size()) {
        throw new IllegalStateException("expected " + facts.size() + " sentences, got " + sentences);
      }
      for (int i = 0; i < facts.size(); i++) {
        String s = sentences.get(i).asText("").strip();
        if (!sentences.get(i).isTextual() || s.isEmpty() || s.length() > MAX_CHARS) {
          throw new IllegalStateException("sentence " + i + " is no reason: " + sentences.get(i));
        }
        rewritten.put(key(facts.get(i), language), s);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) { // a timeout, a refused connection, an answer that is not what was asked: templates stand
      long now = System.currentTimeMillis(), last = lastLogged.get();
      if (now - last >= LOG_EVERY_MILLIS && lastLogged.compareAndSet(last, now)) {
        LOG.warn("reasons not rewritten by {} ({}); the templates answer (said once a minute)", settings.endpoint(),
            e.toString());
      }
    }
  }

  /** A model's answer without the Markdown code fence some models put around JSON. */
  private static String strip(String content) {
    String s = content.strip();
    if (s.startsWith("```")) {
      s = s.substring(s.indexOf('\n') + 1);
      int end = s.lastIndexOf("```");
      if (end >= 0) s = s.substring(0, end);
    }
    return s;
  }

  private static String languageClause(String language) {
    if (language == null) return ", in the language each reason is written in";
    return Language.CHINESE.equals(language) ? ", in Simplified Chinese" : ", in English";
  }
}
