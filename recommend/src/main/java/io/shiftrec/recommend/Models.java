package io.shiftrec.recommend;

import io.shiftrec.interest.InterestConfig;
import java.util.List;
import java.util.Locale;

/** The models known by name (the {@code --models} values of {@code shiftrec evaluate}). */
public final class Models {
  private Models() {}

  /** Every name {@link #create} accepts, in the order reports list them. */
  public static List<String> known() {
    return List.of(PopularityModel.NAME, DomainPopularityModel.NAME, ItemKnnModel.NAME, ContentModel.NAME,
        ShiftRecModel.NAME, ShiftRecModel.SINGLE_INTEREST, ShiftRecModel.NO_TRANSFER, ShiftRecModel.ZERO_SHOT,
        ShiftRecModel.TRANSFER);
  }

  /** Names of the baselines (everything that is not a ShiftRec variant). */
  public static boolean isBaseline(String name) {
    return !name.startsWith("shiftrec");
  }

  /** A new, unfitted model; throws IllegalArgumentException naming the known models for an unknown name. */
  public static Model create(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    return switch (n) {
      case PopularityModel.NAME -> new PopularityModel();
      case DomainPopularityModel.NAME -> new DomainPopularityModel();
      case ItemKnnModel.NAME -> new ItemKnnModel(ItemKnnModel.DEFAULT_NEIGHBOURS);
      case ContentModel.NAME -> new ContentModel();
      // the product default carries taste across domains: transfer won on validation users (BENCHMARKS.md)
      case ShiftRecModel.NAME, ShiftRecModel.TRANSFER -> interests(n, 6, CatalogViews.DOMAIN_CENTRED, true);
      case ShiftRecModel.NO_TRANSFER -> interests(n, 6, CatalogViews.CENTRED, false);
      case ShiftRecModel.SINGLE_INTEREST -> interests(n, 1, CatalogViews.CENTRED, false);
      case ShiftRecModel.ZERO_SHOT -> interests(n, 6, CatalogViews.DOMAIN_CENTRED, false);
      default -> throw new IllegalArgumentException("unknown model '" + name + "' (known: "
          + String.join(", ", known()) + ")");
    };
  }

  private static ShiftRecModel interests(String name, int maxInterests, CatalogViews view, boolean transfer) {
    return new ShiftRecModel(name, InterestConfig.defaults().withMaxInterests(maxInterests),
        ShiftRecModel.DEFAULT_TEMPERATURE, view, transfer);
  }
}
