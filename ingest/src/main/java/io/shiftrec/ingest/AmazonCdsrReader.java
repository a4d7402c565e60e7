package io.shiftrec.ingest;

import org.apache.commons.text.StringEscapeUtils;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.User;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.DuplicateHeaderMode;

/**
 * The LLMCDSR Amazon cross-domain sequences (Food = A, Kitchen = B). Items are keyed by ASIN (or by the global integer
 * id should an ASIN repeat) with HTML entities in titles decoded. Each sequence line becomes a user, prefixed by its
 * file because user ids are only unique per file, and one review event per item with its 0-based position: the files
 * hold order, not time, and each interaction is an Amazon review.
 */
final class AmazonCdsrReader implements DatasetReader {
  /** Tab-separated, no quoting: titles may hold '"' and contain no tabs. */
  private static final CSVFormat TSV = CSVFormat.DEFAULT.builder()
      .setDelimiter('\t').setQuote(null)
      .setHeader().setSkipHeaderRecord(true)
      .setDuplicateHeaderMode(DuplicateHeaderMode.DISALLOW)
      .build();
  private static final List<String> ITEM_COLUMNS = List.of("item_id", "domain", "asin", "title");

  private record ItemFile(String name, String letter, String domain) {}

  private static final List<ItemFile> ITEM_FILES = List.of(
      new ItemFile("items_grocery.tsv", "A", "food"),
      new ItemFile("items_kitchen.tsv", "B", "kitchen"));

  private record SequenceFile(String name, String userPrefix, String split) {}

  private static final List<SequenceFile> SEQUENCE_FILES = List.of(
      new SequenceFile("train_A.txt", "a-", "train"),
      new SequenceFile("train_B.txt", "b-", "train"),
      new SequenceFile("train_overlap.txt", "o-", "train"),
      new SequenceFile("valid.txt", "v-", "valid"),
      new SequenceFile("test.txt", "t-", "test"));

  private record Product(int globalId, String asin, String title, String domain, String file, long line) {}

  @Override
  public void read(DataFiles files, ImportSink sink) throws IOException {
    List<Path> itemPaths = new ArrayList<>();
    for (ItemFile f : ITEM_FILES) itemPaths.add(files.require(f.name()));
    Map<SequenceFile, Path> sequencePaths = new HashMap<>();
    for (SequenceFile f : SEQUENCE_FILES) files.find(f.name()).ifPresent(p -> sequencePaths.put(f, p));
    if (sequencePaths.isEmpty()) {
      files.require("train_A.txt", "train_B.txt", "train_overlap.txt", "valid.txt", "test.txt"); // throws, naming them
    }
    files.startProgress();

    List<Product> products = new ArrayList<>();
    for (int i = 0; i < ITEM_FILES.size(); i++) {
      readProducts(files, itemPaths.get(i), ITEM_FILES.get(i), sink, products);
    }
    Map<Integer, Item> byGlobalId = toItems(products, sink);
    for (SequenceFile f : SEQUENCE_FILES) {
      Path path = sequencePaths.get(f);
      if (path != null) readSequences(files, path, f, byGlobalId, sink);
    }
  }

  private static void readProducts(DataFiles files, Path path, ItemFile file, ImportSink sink, List<Product> products)
      throws IOException {
    RowFiles.csv(files, path, TSV, ITEM_COLUMNS, null, sink, (r, line) -> {
      int globalId = (int) Values.parseLong("item_id", r.get("item_id"));
      if (!r.get("domain").equals(file.letter())) {
        throw new BadRowException(Values.field("domain") + "expected " + file.letter() + " in " + file.name()
            + ", got " + Values.quote(r.get("domain")));
      }
      String asin = r.get("asin").trim();
      if (asin.isEmpty()) throw GenericRow.missing("asin");
      String title = StringEscapeUtils.unescapeHtml4(r.get("title")).trim();
      if (title.isEmpty()) throw GenericRow.missing("title");
      products.add(new Product(globalId, asin, title, file.domain(), DataFiles.name(path), line));
    });
  }

  /** Emits the items; ids are ASINs when those are unique across both files, else the global integer ids. */
  private static Map<Integer, Item> toItems(List<Product> products, ImportSink sink) {
    Set<String> asins = new HashSet<>();
    String repeated = null;
    for (Product p : products) {
      if (!asins.add(p.asin()) && repeated == null) repeated = p.asin();
    }
    if (repeated != null) {
      sink.note("ASIN " + repeated + " occurs more than once across the item files; items are keyed by the global"
          + " integer id instead, with the ASIN as an attribute");
    }
    Map<Integer, Item> byGlobalId = new HashMap<>();
    for (Product p : products) {
      String id = repeated == null ? p.asin() : Integer.toString(p.globalId());
      Item item = new Item(id, p.domain(), p.title(), null, List.of(), "en",
          Map.of("asin", p.asin(), "globalId", p.globalId()));
      if (byGlobalId.putIfAbsent(p.globalId(), item) != null) {
        sink.error(new RowError(p.file(), p.line(), Values.field("item_id") + p.globalId() + " occurs twice"));
      } else {
        sink.item(item);
      }
    }
    return byGlobalId;
  }

  /** {@code user<TAB>id,id,…}; a line with any unknown item is rejected whole, as positions would shift. */
  private static void readSequences(DataFiles files, Path path, SequenceFile file, Map<Integer, Item> byGlobalId,
                                    ImportSink sink) throws IOException {
    String name = DataFiles.name(path);
    RowFiles.lines(files, path, StandardCharsets.UTF_8, sink, (line, lineNo) -> {
      int tab = line.indexOf('\t');
      if (tab <= 0) throw new BadRowException("expected user<TAB>item,item,…");
      String user = file.userPrefix() + MovieLensReader.integer("user", line.substring(0, tab).trim());
      List<Item> sequence = new ArrayList<>();
      for (String token : line.substring(tab + 1).split(",")) {
        if (token.isBlank()) continue;
        Item item = byGlobalId.get((int) Values.parseLong("item", token));
        if (item == null) throw new BadRowException("unknown item '" + token.trim() + "'");
        sequence.add(item);
      }
      if (sequence.isEmpty()) throw new BadRowException("empty sequence");
      sink.user(new User(user, file.split(), null));
      for (int position = 0; position < sequence.size(); position++) {
        Item item = sequence.get(position);
        sink.event(new Event(user, item.id(), EventType.REVIEW, Double.NaN, null, (long) position, item.domain(),
            null, null), name, lineNo);
      }
    });
  }
}
