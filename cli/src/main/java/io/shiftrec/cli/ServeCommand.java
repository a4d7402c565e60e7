package io.shiftrec.cli;

import io.shiftrec.core.Stores;
import io.shiftrec.serve.ServeConfig;
import io.shiftrec.serve.ShiftRecServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve the store over HTTP (routes: GET /openapi.json) until stopped with Ctrl-C or SIGTERM.",
        "Settings come from the options, else the environment (SHIFTREC_API_KEY, SHIFTREC_HOST, SHIFTREC_PORT,"
            + " SHIFTREC_READS_NEED_KEY, SHIFTREC_MAX_REQUEST_BYTES, SHIFTREC_ITEM_QUEUE, SHIFTREC_RATE_LIMIT, SHIFTREC_OPEN_RATE_LIMIT), else --config. An API key of 16 characters or more is required."})
final class ServeCommand implements Callable<Integer> {
  @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL",
      required = true, description = ShiftRec.STORE_HELP)
  String db;

  @Option(names = "--port", description = "Port to listen on (0: any free one). Default: 8080.")
  Integer port;

  @Option(names = "--config", description = "Properties file: api_key, host (default 127.0.0.1), port,"
      + " reads_need_key (default true; false opens the reads: recommendations, similar items, onboarding, items, models), max_request_bytes (default 10485760), item_queue (default 0: item writes"
      + " answer when recommendable; N: they answer when stored, up to N items wait to be encoded), rate_limit"
      + " (default 1000 requests a second with the key, twice that in a burst; 0: none), open_rate_limit (default 20"
      + " a second for each address without the key), cors_origins, follow_seconds (default 10: how often the server"
      + " takes in models trained or activated, items and events imported by other processes), train_every (default"
      + " 0: never; N: retrain in the background after N new events), api_keys (more keys: read:KEY,write:KEY,…),"
      + " unknown_users (fallback, the default, or not_found), reports_dir (the folder of evaluate's reports the"
      + " dashboard draws), reasons_endpoint, reasons_model, reasons_key, reasons_timeout_ms (default 1500) and"
      + " reasons_personal_text (default false) for a language model that rewrites reasons, cache_mb (default a"
      + " quarter of the heap: memory for users), answer_cache and candidate_cache (default true: a user's last answers, and the ranker's candidates"
      + " ranked ahead of requests, kept until their next event). Each may also come from the environment as"
      + " SHIFTREC_<NAME>.")
  Path config;

  @Override
  public Integer call() throws Exception {
    ServeConfig settings = ServeConfig.resolve(db, port, config, System.getenv());
    ShiftRecServer server = ShiftRecServer.start(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    // Ctrl-C and SIGTERM stop listening and close the store cleanly.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "shiftrec-shutdown"));
    System.err.printf("shiftrec serve: listening on http://%s:%d (store %s; reads %s)%n", settings.host(),
        server.port(), Stores.describe(db), settings.readsNeedKey() ? "need the API key" : "open");
    stopped.await();
    return 0;
  }
}
