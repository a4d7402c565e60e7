package io.shiftrec.ingest;

import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Store;
import io.shiftrec.core.User;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sink of a real import: checks that events name a known item, fills in an event's domain from its item,
 * creates users that events name, counts, collects errors, and writes to the transaction in batches. Under
 * {@link ErrorPolicy#REJECT} it stops writing at the first error (the transaction will be rolled back) but keeps
 * validating, so every bad row is reported.
 */
final class StoreWriter implements ImportSink {
  static final int BATCH_SIZE = 5_000;

  private final Store.Transaction tx;
  private final ErrorPolicy policy;
  private final Map<String, String> domainByItem;
  private final Set<String> knownUsers;
  private final List<Item> items = new ArrayList<>(BATCH_SIZE);
  private final List<User> users = new ArrayList<>(BATCH_SIZE);
  private final List<Event> events = new ArrayList<>(BATCH_SIZE);
  private final List<RowError> errors = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private long itemsRead, itemsStored, usersRead, usersStored, eventsRead, eventsStored, errorCount;

  /** {@code domainByItem} and {@code knownUsers} start with what the store holds and grow with the import. */
  StoreWriter(Store.Transaction tx, ErrorPolicy policy, Map<String, String> domainByItem, Set<String> knownUsers) {
    this.tx = tx;
    this.policy = policy;
    this.domainByItem = domainByItem;
    this.knownUsers = knownUsers;
  }

  @Override
  public void item(Item item) {
    itemsRead++;
    domainByItem.put(item.id(), item.domain());
    if (!writing()) return;
    items.add(item);
    if (items.size() >= BATCH_SIZE) flushItems();
  }

  @Override
  public void user(User user) {
    usersRead++;
    knownUsers.add(user.id());
    if (!writing()) return;
    users.add(user);
    if (users.size() >= BATCH_SIZE) flushUsers();
  }

  @Override
  public void event(Event event, String file, long line) {
    String itemDomain = null;
    if (event.item() != null) {
      itemDomain = domainByItem.get(event.item());
      if (itemDomain == null) {
        error(new RowError(file, line, Values.field("item") + "unknown item '" + event.item()
            + "' (neither in this import nor in the store)"));
        return;
      }
    }
    eventsRead++;
    boolean newUser = knownUsers.add(event.user());
    if (!writing()) return;
    if (newUser) users.add(new User(event.user(), null, null));
    if (event.domain() == null && itemDomain != null) {
      event = new Event(event.user(), event.item(), event.type(), event.value(), event.timestamp(), event.position(),
          itemDomain, event.text(), event.context());
    }
    events.add(event);
    if (events.size() >= BATCH_SIZE) flushEvents();
  }

  @Override
  public void error(RowError error) {
    errorCount++;
    if (errors.size() < ImportReport.MAX_LISTED_ERRORS) errors.add(error);
  }

  @Override
  public void note(String note) {
    notes.add(note);
  }

  /** True while rows should still reach the transaction. */
  boolean writing() {
    return policy == ErrorPolicy.SKIP || errorCount == 0;
  }

  /** Writes what is buffered; events last, so their items and users exist first. */
  void flush() {
    flushEvents();
  }

  private void flushItems() {
    if (items.isEmpty()) return;
    tx.upsertItems(items);
    itemsStored += items.size();
    items.clear();
  }

  private void flushUsers() {
    flushItems();
    if (users.isEmpty()) return;
    tx.upsertUsers(users);
    usersStored += users.size();
    users.clear();
  }

  private void flushEvents() {
    flushUsers();
    if (events.isEmpty()) return;
    eventsStored += tx.insertEvents(events);
    events.clear();
  }

  ImportReport report(ImportFormat format, boolean committed, Duration elapsed) {
    return new ImportReport(format,
        new ImportReport.Tally(itemsRead, committed ? itemsStored : 0),
        new ImportReport.Tally(usersRead, committed ? usersStored : 0),
        new ImportReport.Tally(eventsRead, committed ? eventsStored : 0),
        errorCount, errors, notes, committed, elapsed);
  }
}
