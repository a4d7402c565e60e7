package io.shiftrec.ingest;

import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Store;
import io.shiftrec.core.User;
import java.util.ArrayList;
import java.util.List;

/** Everything an import can change, for comparing a store before and after. */
record StoreSnapshot(Store.Counts counts, List<Item> items, List<User> users, List<Event> events) {
  static StoreSnapshot of(Store store) {
    List<Event> events = new ArrayList<>();
    store.forEachEvent(events::add);
    return new StoreSnapshot(store.counts(), store.items(), store.users(), events);
  }
}
