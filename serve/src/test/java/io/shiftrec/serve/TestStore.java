package io.shiftrec.serve;

import io.shiftrec.core.Progress;
import io.shiftrec.core.Store;
import io.shiftrec.core.Stores;
import io.shiftrec.encoder.StoreEncoding;
import io.shiftrec.ingest.ErrorPolicy;
import io.shiftrec.ingest.ImportFormat;
import io.shiftrec.ingest.Importer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small store of films and kitchen things, imported and encoded as {@code shiftrec import} does. */
public final class TestStore {
  private TestStore() {}

  public static Path create(Path dir) throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("items.csv"), String.join("\n",
        "id,domain,title,text",
        "alien,movies,Alien (1979),A crew aboard a space freighter is hunted by an extraterrestrial creature.",
        "aliens,movies,Aliens (1986),Marines return to the planet where the alien creature was found.",
        "predator,movies,Predator (1987),A commando team in the jungle is stalked by an alien hunter.",
        "notting,movies,Notting Hill (1999),A London bookshop owner falls in love with a famous actress.",
        "love,movies,Love Actually (2003),Eight intertwined love stories in London before Christmas.",
        "pride,movies,Pride and Prejudice (2005),Elizabeth Bennet and Mr Darcy fall slowly in love.",
        "knife,kitchen,Chef's Knife,A forged steel knife for slicing vegetables and meat.",
        "pan,kitchen,Cast Iron Pan,A heavy skillet for searing steak and baking cornbread."), StandardCharsets.UTF_8);
    Files.writeString(data.resolve("events.csv"), String.join("\n",
        "user,item,type,value,timestamp",
        "ann,alien,rating,5,1000",
        "ann,notting,rating,1,1001",
        "bob,love,rating,5,1000",
        "eve,notting,rating,5,1000",
        "gone,pan,purchase,,1000",
        "gone,knife,view,,1001"), StandardCharsets.UTF_8);
    Path db = dir.resolve("serve.db");
    try (Store store = Stores.open(db.toString())) {
      Importer.run(store, ImportFormat.GENERIC, data, ErrorPolicy.REJECT, Progress.NONE);
      StoreEncoding.encodeCatalog(store, StoreEncoding.settings(store), Progress.NONE);
    }
    return db;
  }
}
