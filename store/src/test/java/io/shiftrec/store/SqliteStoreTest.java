package io.shiftrec.store;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SqliteStoreTest extends StoreContract {
  @Override
  protected Store open(Path dir) {
    return SqliteStore.open(dir.resolve("shiftrec.db"));
  }

  @Test
  void isFoundByLocation() {
    try (Store s = Stores.open(dir.resolve("other.db").toString())) {
      assertInstanceOf(SqliteStore.class, s);
    }
    assertThrows(IllegalArgumentException.class, () -> Stores.open("postgresql://db/shiftrec"));
  }
}
