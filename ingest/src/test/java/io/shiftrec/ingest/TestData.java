package io.shiftrec.ingest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The shared datasets, found through the system property {@code shiftrec.data}; tests skip when absent. */
final class TestData {
  private TestData() {}

  static Path dataset(String name) {
    String root = System.getProperty("shiftrec.data");
    assumeTrue(root != null, "system property shiftrec.data is not set; skipping tests on " + name);
    Path dir = Path.of(root, name);
    assumeTrue(Files.isDirectory(dir), "dataset folder " + dir + " is missing; skipping tests on " + name);
    return dir;
  }
}
