package io.shiftrec.ranker;

import io.shiftrec.core.Parameters;
import io.shiftrec.transfer.CatalogViews;
import io.shiftrec.candidates.ContentModel;
import io.shiftrec.candidates.DomainPopularityModel;
import io.shiftrec.candidates.FactorModel;
import io.shiftrec.candidates.ItemKnnModel;
import io.shiftrec.candidates.Model;
import io.shiftrec.candidates.NextItemModel;
import io.shiftrec.candidates.NextItemSvdModel;
import io.shiftrec.candidates.PopularityModel;
import io.shiftrec.candidates.ShiftRecModel;
import io.shiftrec.sequence.SequenceModel;

import io.shiftrec.interest.InterestConfig;
import io.shiftrec.learn.BprMf;
import io.shiftrec.learn.ImplicitAls;
import io.shiftrec.learn.TextAdapter;
import java.util.List;
import java.util.Locale;

/**
 * The models known by name (the {@code --models} values of {@code shiftrec evaluate}). The factor models take
 * hyperparameters after the name, {@code ials:factors=128:alpha=20}; the model keeps the whole text as its name, so
 * a report tells the variants apart.
 */
public final class Models {
  private Models() {}

  /** Every name {@link #create} accepts, in the order reports list them. */
  public static List<String> known() {
    return List.of(PopularityModel.NAME, DomainPopularityModel.NAME, ItemKnnModel.NAME, ItemKnnModel.RECENT,
        NextItemModel.NAME, NextItemSvdModel.NAME, SequenceModel.SASREC, FactorModel.IALS, FactorModel.BPR,
        ContentModel.NAME, ContentModel.ADAPTER, ShiftRecModel.NAME,
        ShiftRecModel.SINGLE_INTEREST, ShiftRecModel.ZERO_SHOT, ShiftRecModel.TRANSFER, ShiftRecModel.ADAPTER,
        SequenceModel.TEXT, LearnedRankerModel.NAME);
  }

  /** Names of the baselines (everything that is not a ShiftRec variant). */
  public static boolean isBaseline(String name) {
    return !name.startsWith("shiftrec");
  }

  /** A new, unfitted model; throws IllegalArgumentException naming the known models for an unknown name. */
  public static Model create(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    String[] parts = n.split(":", -1);
    String base = parts[0];
    if (parts.length > 1 && !base.equals(FactorModel.IALS) && !base.equals(FactorModel.BPR)
        && !base.equals(LearnedRankerModel.NAME)
        && !base.equals(ContentModel.ADAPTER) && !base.equals(NextItemModel.NAME)
        && !base.equals(NextItemSvdModel.NAME) && !base.equals(SequenceModel.SASREC)
        && !base.equals(SequenceModel.TEXT)) {
      throw new IllegalArgumentException("model '" + base + "' takes no hyperparameters (only "
          + FactorModel.IALS + ", " + FactorModel.BPR + ", " + LearnedRankerModel.NAME + ", "
          + ContentModel.ADAPTER + ", " + NextItemModel.NAME + ", " + NextItemSvdModel.NAME + ", "
          + SequenceModel.SASREC + " and " + SequenceModel.TEXT + " do), got '" + name
          + "'");
    }
    return switch (base) {
      case PopularityModel.NAME -> new PopularityModel();
      case DomainPopularityModel.NAME -> new DomainPopularityModel();
      case ItemKnnModel.NAME -> new ItemKnnModel(ItemKnnModel.DEFAULT_NEIGHBOURS);
      case ItemKnnModel.RECENT -> ItemKnnModel.recent(ItemKnnModel.DEFAULT_NEIGHBOURS,
          ItemKnnModel.DEFAULT_RECENT_ITEMS);
      case NextItemModel.NAME -> {
        NextItemModel.Config config = NextItemModel.Config.defaults();
        for (int p = 1; p < parts.length; p++) config = config.with(key(parts[p], name), value(parts[p]));
        yield new NextItemModel(n, config);
      }
      case NextItemSvdModel.NAME -> {
        NextItemSvdModel.Config config = NextItemSvdModel.Config.defaults();
        for (int p = 1; p < parts.length; p++) config = config.with(key(parts[p], name), value(parts[p]));
        yield new NextItemSvdModel(n, config);
      }
      case SequenceModel.SASREC, SequenceModel.TEXT -> SequenceModel.parse(n);
      case FactorModel.IALS -> {
        ImplicitAls.Config config = ImplicitAls.Config.defaults();
        for (int p = 1; p < parts.length; p++) config = config.with(key(parts[p], name), value(parts[p]));
        yield FactorModel.ials(n, config);
      }
      case FactorModel.BPR -> {
        BprMf.Config config = BprMf.Config.defaults();
        for (int p = 1; p < parts.length; p++) config = config.with(key(parts[p], name), value(parts[p]));
        yield FactorModel.bpr(n, config);
      }
      case ContentModel.NAME -> new ContentModel();
      case ContentModel.ADAPTER -> {
        TextAdapter.Config config = TextAdapter.Config.defaults();
        String fitDomain = null; // which domain's interactions train it: a choice of data, not of the adapter
        for (int p = 1; p < parts.length; p++) {
          String key = key(parts[p], name);
          if (key.equals(ContentModel.FIT_DOMAIN)) {
            fitDomain = value(parts[p]);
          } else if (!config.settable().containsKey(key)) {
            throw new IllegalArgumentException("unknown hyperparameter '" + key + "' of " + ContentModel.ADAPTER
                + " (known: " + String.join(", ", config.settable().keySet()) + ", " + ContentModel.FIT_DOMAIN + ")");
          } else {
            config = config.with(key, value(parts[p]));
          }
        }
        yield new ContentModel(n, config, fitDomain);
      }
      // what recommend and the server run; the cross-domain variants are evaluated beside it until they serve too
      case ShiftRecModel.NAME -> ShiftRecModel.standard(); // takes no hyperparameters: n is its name
      case ShiftRecModel.TRANSFER -> interests(n, 6, CatalogViews.DOMAIN_CENTRED, true);
      case ShiftRecModel.SINGLE_INTEREST -> interests(n, 1, CatalogViews.CENTRED, false);
      case ShiftRecModel.ZERO_SHOT -> interests(n, 6, CatalogViews.DOMAIN_CENTRED, false);
      case ShiftRecModel.ADAPTER -> ShiftRecModel.withAdapter(); // takes no hyperparameters: n is its name
      case LearnedRankerModel.NAME -> LearnedRankerModel.withDefaultParts(n, rankerConfig(parts, name));
      default -> throw new IllegalArgumentException("unknown model '" + name + "' (known: "
          + String.join(", ", known()) + ")");
    };
  }

  private static LearnedRankerModel.Config rankerConfig(String[] parts, String spec) {
    LearnedRankerModel.Config config = LearnedRankerModel.Config.defaults();
    for (int p = 1; p < parts.length; p++) config = config.with(key(parts[p], spec), value(parts[p]));
    return config;
  }

  private static String key(String setting, String spec) {
    return Parameters.key(setting, spec);
  }

  private static String value(String setting) {
    return Parameters.value(setting);
  }

  private static ShiftRecModel interests(String name, int maxInterests, CatalogViews view, boolean transfer) {
    return new ShiftRecModel(name, InterestConfig.defaults().withMaxInterests(maxInterests),
        ShiftRecModel.DEFAULT_TEMPERATURE, view, transfer);
  }
}
