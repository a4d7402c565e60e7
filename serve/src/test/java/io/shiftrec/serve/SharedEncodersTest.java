package io.shiftrec.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.shiftrec.core.TextEncoder;
import io.shiftrec.encoder.BundledModels;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedEncodersTest {
  @Test
  void appsShareOneEncoderPerModelWhichTheirClosingLeavesOpen() {
    try (SharedEncoders shared = new SharedEncoders()) {
      TextEncoder first = shared.opener(128).apply(BundledModels.EN);
      TextEncoder second = shared.opener(128).apply(BundledModels.EN);
      assertSame(first, second, "one set of sessions for every app");
      assertNotSame(first, shared.opener(64).apply(BundledModels.EN), "another truncation is another encoder");
      float[] before = first.encode(List.of("a kettle for tea"))[0];
      first.close(); // an app's embedder closing
      assertArrayEquals(before, second.encode(List.of("a kettle for tea"))[0], "still open for the others");
    }
  }
}
