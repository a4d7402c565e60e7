package io.shiftrec.cli;

import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "check", mixinStandardHelpOptions = true,
    description = {"List the stored rows that break the rules for stored values (ids of 1 to 256 bytes without"
        + " control characters, ratings on 0-5, timestamps from 1970 to a day ahead). Only an older version wrote"
        + " them; reads skip them. Exits 1 while any are left in place.",
        "With --repair, move them in one transaction into quarantine tables (quarantined_events, quarantined_users,"
            + " quarantined_items), each row with the rule it broke."})
final class CheckCommand implements Callable<Integer> {
  @Option(names = {"--db", "--store"}, paramLabel = "FILE|URL",
      required = true, description = ShiftRec.STORE_HELP)
  String db;

  @Option(names = "--repair", description = "Set the rows aside instead of only listing them.")
  boolean repair;

  @Override
  public Integer call() {
    try (Store store = Stores.openExisting(db)) {
      List<Store.ImplausibleRow> rows = store.implausibleRows(repair);
      for (Store.ImplausibleRow row : rows) {
        System.out.println(row.table() + " " + shortened(row.key()) + ": " + row.problem());
      }
      if (rows.isEmpty()) {
        System.out.println("every stored row keeps the rules");
      } else if (repair) {
        System.out.println(rows.size() + " rows set aside in the quarantine tables");
      } else {
        System.out.println(rows.size() + " rows break the rules; --repair sets them aside");
      }
      return rows.isEmpty() || repair ? 0 : 1;
    }
  }

  /** A key as it can be printed: control characters escaped, very long ones cut. */
  private static String shortened(String key) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < key.length() && b.length() < 80; i++) {
      char c = key.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c)) b.append(String.format("\\u%04X", (int) c));
      else b.append(c);
    }
    return b.length() < key.length() ? b + "… (" + key.length() + " chars)" : b.toString();
  }
}
