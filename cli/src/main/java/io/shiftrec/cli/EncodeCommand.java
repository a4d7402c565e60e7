package io.shiftrec.cli;

import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.StoreEncoding;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "encode", mixinStandardHelpOptions = true,
    description = "Encode the items of a store whose text has no vector yet (after import --no-encode, or with new"
        + " encoding options): what import does after importing, on its own.")
final class EncodeCommand implements Callable<Integer> {
  @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL", required = true, description = ShiftRec.STORE_HELP)
  String db;

  @Mixin EncodingOptions encoding;

  @Override
  public Integer call() throws Exception {
    try (Store store = Stores.openExisting(db)) {
      StoreEncoding.Encoded encoded = StoreEncoding.encodeCatalog(store, encoding.settings(store),
          new ConsoleProgress());
      System.out.println(encoded.summary());
    }
    return 0;
  }
}
