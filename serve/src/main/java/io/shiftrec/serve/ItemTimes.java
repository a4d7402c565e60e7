package io.shiftrec.serve;

import io.shiftrec.core.Item;
import io.shiftrec.core.Store;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * When each item of an app was first stored and last changed, as the filter fields {@code created_at} and
 * {@code updated_at}: ISO-8601 instants in UTC, which compare in time order as text, so
 * {@code created_at >= "2026-12-01"} finds this month's items and {@code boost=1:created_at >= "2026-12-01"} lifts them.
 * Kept in memory from the store and read again for the items a write or another process changed.
 */
final class ItemTimes {
  /** Beyond this many changed items, reading every item's times beats reading them one by one. */
  private static final int MANY = 2_000;
  private final Store store;
  private final Map<String, String[]> byItem = new ConcurrentHashMap<>();
  private final Map<String, Function<Item, Object>> fields = Map.of(
      "created_at", item -> time(item, 0), "updated_at", item -> time(item, 1));

  ItemTimes(Store store) {
    this.store = store;
    readAll();
  }

  private void readAll() {
    for (Map.Entry<String, long[]> e : store.itemTimes().entrySet()) byItem.put(e.getKey(), iso(e.getValue()));
  }

  /** Reads these items' times again; an item no longer stored is forgotten. */
  void refresh(Collection<String> ids) {
    if (ids.size() > MANY) {
      byItem.clear();
      readAll();
      return;
    }
    for (String id : ids) {
      Store.StoredItem stored = store.storedItem(id).orElse(null);
      if (stored == null || stored.createdAtMillis() == 0) byItem.remove(id);
      else byItem.put(id, iso(new long[] {stored.createdAtMillis(), stored.updatedAtMillis()}));
    }
  }

  /** The filter fields these times answer, for {@code ItemFilter.parse}. */
  Map<String, Function<Item, Object>> fields() {
    return fields;
  }

  private Object time(Item item, int which) {
    String[] times = byItem.get(item.id());
    return times == null ? null : times[which];
  }

  private static String[] iso(long[] millis) {
    return new String[] {Instant.ofEpochMilli(millis[0]).toString(), Instant.ofEpochMilli(millis[1]).toString()};
  }
}
