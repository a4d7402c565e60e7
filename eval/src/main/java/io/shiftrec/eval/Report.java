package io.shiftrec.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** An evaluation report: the JSON document of CONTRACT.md and its Markdown and HTML renderings. */
public record Report(ObjectNode json) {
  /** The value of a metric of a model ("overall" or a segment name); NaN when absent. */
  public double metric(String model, String segment, String metric) {
    JsonNode m = json.path("models").path(model);
    JsonNode scope = "overall".equals(segment) ? m.path("overall") : m.path("segments").path(segment);
    JsonNode v = scope.get(metric);
    return v == null || v.isNull() ? Double.NaN : v.asDouble();
  }

  public String toJson() {
    try {
      return Evaluation.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String markdown() {
    return ReportRenderer.markdown(json);
  }

  public String html() {
    return ReportRenderer.html(json);
  }

  /** Writes the JSON to {@code jsonFile} and the Markdown and HTML beside it (same name, .md and .html). */
  public void write(Path jsonFile) throws IOException {
    Path abs = jsonFile.toAbsolutePath();
    if (abs.getParent() != null) Files.createDirectories(abs.getParent());
    String name = abs.getFileName().toString();
    String stem = name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    Files.writeString(abs, toJson(), StandardCharsets.UTF_8);
    Files.writeString(abs.resolveSibling(stem + ".md"), markdown(), StandardCharsets.UTF_8);
    Files.writeString(abs.resolveSibling(stem + ".html"), html(), StandardCharsets.UTF_8);
  }
}
