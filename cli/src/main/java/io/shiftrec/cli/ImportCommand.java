package io.shiftrec.cli;

import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.ingest.ErrorPolicy;
import io.shiftrec.ingest.ImportFormat;
import io.shiftrec.ingest.ImportRejectedException;
import io.shiftrec.ingest.ImportReport;
import io.shiftrec.ingest.RowError;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Import a dataset folder into the store, then encode the items' text.")
final class ImportCommand implements Callable<Integer> {
  @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL",
      required = true, description = ShiftRec.STORE_HELP
      + " A missing file is created; a PostgreSQL database must exist, and its tables are made.")
  String db;

  @Option(names = "--format", required = true,
      description = "movielens | movielens-latest | amazon-cdsr | generic", converter = Formats.class)
  ImportFormat format;

  @Option(names = "--path", required = true, description = "Folder holding the dataset files.")
  Path path;

  @Option(names = "--on-error", defaultValue = "reject",
      description = "reject (any bad row: nothing is written) or skip (bad rows are left out). Default: ${DEFAULT-VALUE}.",
      converter = Policies.class)
  ErrorPolicy onError;

  @Option(names = "--no-encode", description = "Import only; items are encoded on first use.")
  boolean noEncode;

  @Mixin EncodingOptions encoding;

  @Override
  public Integer call() throws Exception {
    ConsoleProgress progress = new ConsoleProgress();
    try (Store store = Stores.open(db)) {
      ImportReport report;
      try {
        report = io.shiftrec.ingest.Importer.run(store, format, path, onError, progress);
      } catch (ImportRejectedException e) {
        printErrors(e.report(), System.err);
        throw e;
      }
      printErrors(report, System.err);
      System.out.println(report.summary());
      for (String note : report.notes()) System.out.println("note: " + note);
      if (!noEncode) {
        StoreEncoding.Encoded encoded = StoreEncoding.encodeCatalog(store, encoding.settings(store), progress);
        System.out.println(encoded.summary());
      }
      Store.Counts c = store.counts();
      System.out.printf("store %s: %,d items, %,d users, %,d events, %,d embeddings%n", Stores.describe(db), c.items(),
          c.users(), c.events(), c.embeddings());
    }
    return 0;
  }

  static void printErrors(ImportReport report, PrintStream err) {
    for (RowError e : report.errors()) err.println(e);
    if (report.errorCount() > report.errors().size()) {
      err.printf("… and %,d more bad rows%n", report.errorCount() - report.errors().size());
    }
  }

  static final class Formats implements picocli.CommandLine.ITypeConverter<ImportFormat> {
    @Override
    public ImportFormat convert(String value) {
      return ImportFormat.parse(value);
    }
  }

  static final class Policies implements picocli.CommandLine.ITypeConverter<ErrorPolicy> {
    @Override
    public ErrorPolicy convert(String value) {
      return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "reject" -> ErrorPolicy.REJECT;
        case "skip" -> ErrorPolicy.SKIP;
        default -> throw new IllegalArgumentException("expected reject or skip, got '" + value + "'");
      };
    }
  }
}
