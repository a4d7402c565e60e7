package io.shiftrec.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shiftrec.core.Event;
import io.shiftrec.core.EventType;
import io.shiftrec.core.Item;
import io.shiftrec.core.Store;
import io.shiftrec.core.User;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A store's items, users and events as Parquet, the format a data lake keeps and every engine reads, and events read
 * back from such files for training. Three folders under the export: {@code items}, {@code users} and {@code events},
 * one row each, free-form maps (attributes, an event's context) as JSON text. Events carry {@code seq}, their place
 * in the store's order (by user, then clock), so a training on the export sees them in the order a training on the
 * store does and saves the same model.
 */
final class SparkParquet {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Rows held on the driver before they are written: the export streams the store in slices this size. */
  static final int SLICE = 500_000;

  static final StructType ITEMS = new StructType(new StructField[] {
      field("id", DataTypes.StringType, false), field("domain", DataTypes.StringType, true),
      field("title", DataTypes.StringType, true), field("text", DataTypes.StringType, true),
      field("categories", DataTypes.createArrayType(DataTypes.StringType, false), true),
      field("language", DataTypes.StringType, true), field("attributes", DataTypes.StringType, true)});
  static final StructType USERS = new StructType(new StructField[] {
      field("id", DataTypes.StringType, false), field("split", DataTypes.StringType, true),
      field("attributes", DataTypes.StringType, true)});
  static final StructType EVENTS = new StructType(new StructField[] {
      field("seq", DataTypes.LongType, false), field("user", DataTypes.StringType, false),
      field("item", DataTypes.StringType, true), field("type", DataTypes.StringType, false),
      field("value", DataTypes.DoubleType, false), field("timestamp", DataTypes.LongType, true),
      field("position", DataTypes.LongType, true), field("domain", DataTypes.StringType, true),
      field("text", DataTypes.StringType, true), field("context", DataTypes.StringType, true)});

  private SparkParquet() {}

  private static StructField field(String name, org.apache.spark.sql.types.DataType type, boolean nullable) {
    return DataTypes.createStructField(name, type, nullable);
  }

  /** What an export wrote. */
  record Exported(long items, long users, long events) {}

  /** Writes the store's items, users and events under {@code out}, replacing what an earlier export left there. */
  static Exported export(SparkSession spark, Store store, String out) {
    List<Row> items = new ArrayList<>();
    for (Item i : store.items()) {
      items.add(RowFactory.create(i.id(), i.domain(), i.title(), i.text(),
          i.categories() == null ? null : scala.jdk.javaapi.CollectionConverters.asScala(i.categories()).toSeq(),
          i.language(), json(i.attributes())));
    }
    spark.createDataFrame(items, ITEMS).write().mode(SaveMode.Overwrite).parquet(out + "/items");
    List<Row> users = new ArrayList<>();
    for (User u : store.users()) users.add(RowFactory.create(u.id(), u.split(), json(u.attributes())));
    spark.createDataFrame(users, USERS).write().mode(SaveMode.Overwrite).parquet(out + "/users");
    List<Row> slice = new ArrayList<>();
    long[] seq = {0};
    boolean[] written = {false};
    Consumer<List<Row>> flush = rows -> {
      spark.createDataFrame(rows, EVENTS).write().mode(written[0] ? SaveMode.Append : SaveMode.Overwrite)
          .parquet(out + "/events");
      written[0] = true;
      rows.clear();
    };
    store.forEachEvent(e -> {
      slice.add(RowFactory.create(seq[0]++, e.user(), e.item(), e.type().wireName(), e.value(), e.timestamp(),
          e.position(), e.domain(), e.text(), e.context().isEmpty() ? null : json(e.context())));
      if (slice.size() == SLICE) flush.accept(slice);
    });
    if (!slice.isEmpty() || !written[0]) flush.accept(slice);
    return new Exported(items.size(), users.size(), seq[0]);
  }

  /**
   * Gives every event of the Parquet files at {@code path} (an export's {@code events}, or any files with its
   * columns: {@code user}, {@code item} and {@code type} at least) to {@code each}, in {@code seq} order when the
   * files have it, else by user and then timestamp or position. IllegalArgumentException naming the problem for a
   * missing column or a row that is not an event.
   */
  static void readEvents(SparkSession spark, String path, Consumer<Event> each) {
    Dataset<Row> rows = spark.read().parquet(path);
    List<String> columns = List.of(rows.columns());
    for (String required : List.of("user", "item", "type")) {
      if (!columns.contains(required)) {
        throw new IllegalArgumentException(path + " has no column '" + required + "' (an event needs user, item"
            + " and type; its columns are " + String.join(", ", columns) + ")");
      }
    }
    Column clock = functions.coalesce(optional(columns, "timestamp"), optional(columns, "position"));
    Dataset<Row> ordered = columns.contains("seq") ? rows.orderBy("seq") : rows.orderBy(functions.col("user"), clock);
    long row = 0;
    for (Iterator<Row> it = ordered.toLocalIterator(); it.hasNext(); row++) {
      Row r = it.next();
      try {
        each.accept(event(r, columns));
      } catch (RuntimeException bad) {
        throw new IllegalArgumentException(path + ": row " + (row + 1) + " is not an event: " + bad.getMessage(),
            bad);
      }
    }
  }

  private static Column optional(List<String> columns, String name) {
    return columns.contains(name) ? functions.col(name) : functions.lit(null).cast(DataTypes.LongType);
  }

  private static Event event(Row r, List<String> columns) {
    String user = r.getAs("user");
    if (user == null || user.isBlank()) throw new IllegalArgumentException("no user");
    String type = r.getAs("type");
    if (type == null) throw new IllegalArgumentException("no type");
    return new Event(user, r.getAs("item"), EventType.parse(type), number(r, columns, "value"),
        whole(r, columns, "timestamp"), whole(r, columns, "position"), text(r, columns, "domain"),
        text(r, columns, "text"), map(text(r, columns, "context")));
  }

  private static double number(Row r, List<String> columns, String name) {
    if (!columns.contains(name) || r.isNullAt(r.fieldIndex(name))) return 0;
    return ((Number) r.getAs(name)).doubleValue();
  }

  private static Long whole(Row r, List<String> columns, String name) {
    if (!columns.contains(name) || r.isNullAt(r.fieldIndex(name))) return null;
    return ((Number) r.getAs(name)).longValue();
  }

  private static String text(Row r, List<String> columns, String name) {
    return columns.contains(name) ? r.getAs(name) : null;
  }

  private static String json(Map<String, Object> map) {
    if (map == null || map.isEmpty()) return null;
    try {
      return JSON.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("attributes that are not JSON: " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> map(String json) {
    if (json == null || json.isBlank()) return Map.of();
    try {
      return JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("context is not a JSON object: " + e.getOriginalMessage(), e);
    }
  }
}
