package io.shiftrec.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a server's CPU time went, from a JDK Flight Recorder file: Java execution samples (threads running Java code;
 * native code such as LightGBM's shows as its own count of native samples), each put in the first part of the
 * product or library found from the top of its stack, and the methods most often on top.
 */
final class FlightProfile {
  /** Parts by package prefix, checked from the top of each stack: the first frame that matches decides. */
  private static final Map<String, String> PARTS = new LinkedHashMap<>();

  static {
    PARTS.put("com.fasterxml.jackson", "JSON (Jackson)");
    PARTS.put("io.shiftrec.ranker.Documents", "JSON (Jackson)");
    PARTS.put("io.shiftrec.candidates.AnnIndex", "ANN index");
    PARTS.put("io.shiftrec.ranker.InterestRecommender.diversify", "diversity re-rank");
    PARTS.put("io.shiftrec.learn.ImplicitAls", "ranking: iALS fold-in");
    PARTS.put("io.shiftrec.learn.Cholesky", "ranking: iALS fold-in");
    PARTS.put("io.shiftrec.candidates.ShiftRecModel", "ranking: interests");
    PARTS.put("io.shiftrec.candidates.NextItemSvdModel", "ranking: low-rank rules");
    PARTS.put("io.shiftrec.ranker", "ranking: other features, retrieval, order");
    PARTS.put("io.shiftrec.candidates", "ranking: other features, retrieval, order");
    PARTS.put("io.shiftrec.core.TopK", "ranking: other features, retrieval, order");
    PARTS.put("io.shiftrec.interest", "interests (built, updated)");
    PARTS.put("org.sqlite", "store");
    PARTS.put("io.shiftrec.store", "store");
    PARTS.put("com.zaxxer", "store");
    PARTS.put("org.postgresql", "store");
    PARTS.put("io.shiftrec.serve", "server (routes, caches)");
    PARTS.put("io.javalin", "HTTP (Javalin, Jetty)");
    PARTS.put("org.eclipse.jetty", "HTTP (Javalin, Jetty)");
    PARTS.put("java.util.concurrent.locks", "locking");
    PARTS.put("jdk.internal.misc.Unsafe.park", "locking");
  }

  private FlightProfile() {}

  /** A stretch of the recording: one benchmark run. */
  record Window(String name, Instant from, Instant to) {}

  /**
   * Prints, for each window, how many samples fell in it, the share of each part and the {@code top} methods most
   * often on top of the stack.
   */
  static void print(PrintStream out, Path recording, List<Window> windows, int top) throws IOException {
    List<RecordedEvent> events = RecordingFile.readAllEvents(recording);
    out.printf("where the server's time went (JDK Flight Recorder, %s):%n", recording);
    for (Window w : windows) {
      Map<String, Integer> parts = new HashMap<>();
      Map<String, Integer> methods = new HashMap<>();
      Map<String, Integer> natives = new HashMap<>();
      int samples = 0, nativeSamples = 0;
      for (RecordedEvent e : events) {
        if (e.getStartTime().isBefore(w.from()) || e.getStartTime().isAfter(w.to()) || e.getStackTrace() == null) {
          continue;
        }
        List<RecordedFrame> frames = e.getStackTrace().getFrames();
        if (frames.isEmpty()) continue;
        String type = e.getEventType().getName();
        if (type.equals("jdk.NativeMethodSample")) {
          String name = name(frames.get(0));
          if (!name.startsWith("sun.nio.ch.")) { // threads waiting for connections or selectors: idle, not work
            nativeSamples++;
            natives.merge(name, 1, Integer::sum);
          }
        } else if (type.equals("jdk.ExecutionSample")) {
          samples++;
          methods.merge(name(frames.get(0)), 1, Integer::sum);
          parts.merge(partOf(frames), 1, Integer::sum);
        }
      }
      out.printf("%s: %,d Java samples; %,d in native code (most: %s)%n", w.name(), samples, nativeSamples,
          natives.entrySet().stream().max(Map.Entry.comparingByValue()).map(n -> n.getKey() + " " + n.getValue())
              .orElse("none"));
      int total = Math.max(1, samples);
      StringBuilder line = new StringBuilder("  parts:");
      parts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).forEach(p ->
          line.append(String.format(java.util.Locale.ROOT, " %s %.1f%%;", p.getKey(), 100.0 * p.getValue() / total)));
      out.println(line);
      StringBuilder tops = new StringBuilder("  on top:");
      methods.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
          .forEach(m -> tops.append(String.format(java.util.Locale.ROOT, " %s %.1f%%;", shortName(m.getKey()),
              100.0 * m.getValue() / total)));
      out.println(tops);
    }
  }

  /** The class's simple name and the method. */
  private static String shortName(String method) {
    int dot = method.lastIndexOf('.', method.lastIndexOf('.') - 1);
    return dot < 0 ? method : method.substring(dot + 1);
  }

  private static String partOf(List<RecordedFrame> frames) {
    Set<String> seen = new HashSet<>();
    for (RecordedFrame f : frames) {
      String name = name(f);
      if (!seen.add(name)) continue;
      for (Map.Entry<String, String> p : PARTS.entrySet()) if (name.startsWith(p.getKey())) return p.getValue();
    }
    return "other (JDK, JIT, GC helpers)";
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }
}
