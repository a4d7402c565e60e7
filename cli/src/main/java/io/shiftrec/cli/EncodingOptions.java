package io.shiftrec.cli;

import io.shiftrec.core.Store;
import io.shiftrec.encoder.StoreEncoding;
import java.util.List;
import picocli.CommandLine.Option;

/** The options that say which item text is embedded and by which model; unset ones keep the store's settings. */
final class EncodingOptions {
  @Option(names = "--text-fields", split = ",",
      description = "Item fields embedded, in order: title, categories, text or an attribute name."
          + " Default: the store's setting, else title,categories,text.")
  List<String> fields;

  @Option(names = "--max-tokens", description = "Truncate item text at this many model tokens (2-512)."
      + " Default: the store's setting, else 512.")
  Integer maxTokens;

  @Option(names = "--model", description = "auto (by each item's language), bge-small-en-v1.5 or bge-small-zh-v1.5."
      + " Default: the store's setting, else auto.")
  String model;

  /** The store's settings with the given options applied. */
  StoreEncoding.Settings settings(Store store) {
    StoreEncoding.Settings current = StoreEncoding.settings(store);
    String chosenModel = model == null ? current.model() : "auto".equalsIgnoreCase(model) ? null : model;
    return new StoreEncoding.Settings(fields == null ? current.fields() : fields,
        maxTokens == null ? current.maxTokens() : maxTokens, chosenModel);
  }
}
