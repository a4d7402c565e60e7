package io.shiftrec.serve;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.IntSupplier;

/** Request counts and latencies per route, and the events and items written, in Prometheus' text format. */
final class Metrics {
  static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests = Counter.builder().name("shiftrec_http_requests_total")
      .help("HTTP requests answered, by route and status").labelNames("method", "route", "status").register(registry);
  private final Histogram latency = Histogram.builder().name("shiftrec_http_request_duration_seconds")
      .help("Time to answer a request, by route").labelNames("method", "route").classicOnly()
      .classicUpperBounds(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5).register(registry);
  private final Counter eventsStored = Counter.builder().name("shiftrec_events_stored_total")
      .help("Events written by POST /events (duplicates of stored events excluded)").register(registry);
  private final Counter itemsUpserted = Counter.builder().name("shiftrec_items_upserted_total")
      .help("Items written by POST /items").register(registry);

  /** Publishes the number of requests being answered, read from {@code inFlight} at each scrape. */
  void inFlight(IntSupplier inFlight) {
    GaugeWithCallback.builder().name("shiftrec_http_requests_in_flight").help("HTTP requests being answered now")
        .callback(cb -> cb.call(inFlight.getAsInt())).register(registry);
  }

  void request(String method, String route, int status, long nanos) {
    requests.labelValues(method, route, Integer.toString(status)).inc();
    latency.labelValues(method, route).observe(nanos / 1e9);
  }

  void eventsStored(long n) {
    eventsStored.inc(n);
  }

  void itemsUpserted(long n) {
    itemsUpserted.inc(n);
  }

  byte[] scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toByteArray();
  }
}
