package io.shiftrec.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Load from wrk (the HTTP benchmarking tool, C and Lua: it costs the machine far less per request than a JVM client,
 * so it measures the server rather than itself). One wrk thread per connection, so each connection's requests go
 * in order: a read that follows a write for the same user is sent after the write was answered.
 */
final class WrkLoad {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Prints the figures as one line of JSON, which {@link #drive} reads back. */
  private static final String DONE = """
      done = function(summary, latency, requests)
        local errors = summary.errors.status + summary.errors.connect + summary.errors.read
          + summary.errors.write + summary.errors.timeout
        io.write(string.format('WRK {"requests":%d,"micros":%d,"errors":%d,"p50":%d,"p90":%d,"p99":%d}\\n',
          summary.requests, summary.duration, errors, latency:percentile(50), latency:percentile(90),
          latency:percentile(99)))
      end
      """;
  private final Path folder;
  private final String base;
  private final String key;

  /** One run's figures: requests a second, latency percentiles in ms, and failed requests (non-2xx or errors). */
  record Figures(double perSecond, double p50, double p90, double p99, long failed, long requests) {}

  /**
   * @param users the store's user ids, which the scripts pick from
   * @param items the store's item ids
   */
  WrkLoad(String base, String key, List<String> users, List<String> items) throws IOException {
    if (!onPath()) {
      throw new IllegalStateException("bench serve drives the server with wrk, which is not installed"
          + " (Debian: apt-get install wrk)");
    }
    this.base = base;
    this.key = key;
    folder = Files.createTempDirectory("shiftrec-wrk");
    folder.toFile().deleteOnExit();
    Files.write(folder.resolve("users.txt"), escaped(users), StandardCharsets.UTF_8);
    Files.write(folder.resolve("items.txt"), escaped(items), StandardCharsets.UTF_8);
  }

  static boolean onPath() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "wrk"))) return true;
    }
    return false;
  }

  /** Ids percent-encoded for a path, one per line. */
  private static List<String> escaped(List<String> ids) {
    List<String> out = new ArrayList<>(ids.size());
    for (String id : ids) out.add(java.net.URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20"));
    return out;
  }

  /** {@code GET path} again and again. */
  Figures get(String path, int connections, int seconds) throws Exception {
    return drive("request = function() return wrk.format('GET', '" + path + "') end\n", connections, seconds);
  }

  /** Recommendations (k = 10) for random users. */
  Figures recommend(int connections, int seconds, long seed) throws Exception {
    return drive(picking(seed) + """
        request = function()
          return wrk.format('GET', '/users/' .. users[math.random(#users)] .. '/recommendations?k=10')
        end
        """, connections, seconds);
  }

  /** Similar items (k = 10) of random items. */
  Figures similar(int connections, int seconds, long seed) throws Exception {
    return drive(picking(seed) + """
        request = function()
          return wrk.format('GET', '/items/' .. items[math.random(#items)] .. '/similar?k=10')
        end
        """, connections, seconds);
  }

  /**
   * Recommendations with a share of single-event writes, each write for the user whose recommendations the same
   * connection asks for next, so every such read must take the event in.
   */
  Figures readWrite(int connections, int seconds, double writeShare, long seed) throws Exception {
    double afterRead = writeShare / (1 - writeShare); // a write adds a read of its own: writes are writeShare of all
    return drive(picking(seed) + """
        local pending = nil
        local post = { ['Authorization'] = 'Bearer %s', ['Content-Type'] = 'application/json' }
        request = function()
          if pending then
            local u = pending
            pending = nil
            return wrk.format('GET', '/users/' .. u .. '/recommendations?k=10')
          end
          local u = users[math.random(#users)]
          if math.random() < %s then
            pending = u
            local body = '[{"user":"' .. u .. '","item":"' .. items[math.random(#items)]
              .. '","type":"click","timestamp":' .. os.time() .. '}]'
            return wrk.format('POST', '/events', post, body)
          end
          return wrk.format('GET', '/users/' .. u .. '/recommendations?k=10')
        end
        """.formatted(key, Double.toString(afterRead / (1 + afterRead))), connections, seconds);
  }

  /** The id lists (percent-encoded, for paths), and a seed per thread: the seed, plus the thread's number. */
  private String picking(long seed) {
    return """
        local users, items = {}, {}
        for line in io.lines('%s') do users[#users + 1] = line end
        for line in io.lines('%s') do items[#items + 1] = line end
        local threads = 0
        setup = function(thread)
          threads = threads + 1
          thread:set('seed', %d + threads)
        end
        init = function(args) math.randomseed(seed) end
        """.formatted(folder.resolve("users.txt"), folder.resolve("items.txt"), seed % 1_000_000_000L);
  }

  private Figures drive(String script, int connections, int seconds) throws Exception {
    Path file = Files.createTempFile(folder, "load", ".lua");
    Files.writeString(file, script + DONE, StandardCharsets.UTF_8);
    Process wrk = new ProcessBuilder("wrk", "-t" + connections, "-c" + connections, "-d" + seconds + "s",
        "--timeout", "10s", "-s", file.toString(), base).redirectErrorStream(true).start();
    String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!wrk.waitFor(seconds + 60L, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
      throw new IllegalStateException("wrk failed: " + output);
    }
    int at = output.indexOf("WRK ");
    if (at < 0) throw new IllegalStateException("wrk printed no figures: " + output);
    JsonNode f = JSON.readTree(output.substring(at + 4, output.indexOf('\n', at)));
    double secondsTaken = f.path("micros").asLong() / 1e6;
    return new Figures(f.path("requests").asLong() / secondsTaken, f.path("p50").asLong() / 1e3,
        f.path("p90").asLong() / 1e3, f.path("p99").asLong() / 1e3, f.path("errors").asLong(),
        f.path("requests").asLong());
  }
}
