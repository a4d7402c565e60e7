package io.shiftrec.ranker;

import io.shiftrec.core.Event;
import io.shiftrec.core.Item;
import io.shiftrec.core.Language;
import java.util.List;
import java.util.Locale;

/**
 * Sentences that say why an item was recommended, in English or Chinese. Each comes in two forms: with the user's own
 * words (a review they wrote) and without them, the form that may leave the server for a language model.
 */
final class Reasons {
  private Reasons() {}

  /** "Because you rated “Alien (1979)” 5★" / "因为你给《三体》打了5星"; with {@code words}, a review's text too. */
  static String because(Event evidence, Item evidenceItem, boolean zh, boolean words) {
    String title = evidenceItem.title();
    return switch (evidence.type()) {
      case RATING -> evidence.hasValue()
          ? (zh ? "因为你给《" + title + "》打了" + stars(evidence.value()) + "星"
                : "Because you rated “" + title + "” " + stars(evidence.value()) + "★")
          : (zh ? "因为你评价过《" + title + "》" : "Because you rated “" + title + "”");
      case REVIEW -> words && evidence.text() != null && !evidence.text().isBlank()
          ? (zh ? "因为你评价《" + title + "》“" + evidence.text() + "”"
                : "Because you described “" + title + "” as “" + evidence.text() + "”")
          : (zh ? "因为你评价过《" + title + "》" : "Because you reviewed “" + title + "”");
      case PURCHASE -> zh ? "因为你买过《" + title + "》" : "Because you bought “" + title + "”";
      case CART -> zh ? "因为你把《" + title + "》加入了购物车" : "Because you put “" + title + "” in your cart";
      case CLICK, VIEW, SEARCH -> zh ? "因为你看过《" + title + "》" : "Because you looked at “" + title + "”";
    };
  }

  /**
   * The evidence of an interest: "Because you rated “Alien (1979)” 5★ and “Aliens (1986)” 4★ (your Sci-Fi, Horror
   * interest)" / "因为你给《三体》打了5星、《球状闪电》打了4星（你的科幻兴趣）".
   */
  static String because(List<Event> evidence, List<Item> evidenceItems, String interestLabel, boolean zh,
                        boolean words) {
    StringBuilder s = new StringBuilder(because(evidence.get(0), evidenceItems.get(0), zh, words));
    if (evidence.size() > 1) {
      Event e = evidence.get(1);
      String title = evidenceItems.get(1).title();
      if (zh) {
        s.append("、《").append(title).append("》");
        if (e.type() == io.shiftrec.core.EventType.RATING && e.hasValue()) s.append("打了").append(stars(e.value())).append("星");
      } else {
        s.append(" and “").append(title).append("”");
        if (e.type() == io.shiftrec.core.EventType.RATING && e.hasValue()) s.append(' ').append(stars(e.value())).append('★');
      }
    }
    if (interestLabel != null) {
      s.append(zh ? "（你的" + interestLabel + "兴趣）" : " (your " + interestLabel + " interest)");
    }
    return s.toString();
  }

  /**
   * A collaborative reason: "Because you rated “Alien (1979)” 5★ (often chosen together)" /
   * "因为你给《三体》打了5星（常被一起选择）".
   */
  static String chosenTogether(Event evidence, Item evidenceItem, boolean zh, boolean words) {
    return because(evidence, evidenceItem, zh, words) + (zh ? "（常被一起选择）" : " (often chosen together)");
  }

  /**
   * A sequential reason: "Because you rated “Alien (1979)” 5★ (often chosen next)" / "因为你给《三体》打了5星（常在其后被选择）".
   */
  static String chosenNext(Event evidence, Item evidenceItem, boolean zh, boolean words) {
    return because(evidence, evidenceItem, zh, words) + (zh ? "（常在其后被选择）" : " (often chosen next)");
  }

  /**
   * A reason whose evidence lies in another domain than the recommended item, with that domain said first: "From
   * your movies: because you rated “Alien (1979)” 5★ (often chosen together)" / "来自你在movies的记录：因为你给…". The
   * reason as it is when the domains are the same (or either is unknown).
   */
  static String fromDomain(String reason, String evidenceDomain, String recommendedDomain, boolean zh) {
    if (evidenceDomain == null || recommendedDomain == null || evidenceDomain.equals(recommendedDomain)) return reason;
    if (zh) return "来自你在" + evidenceDomain + "的记录：" + reason;
    return "From your " + evidenceDomain + ": " + Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
  }

  /** Whether reasons for an item are written in Chinese: the language asked for, else the item's. */
  static boolean chinese(String language, String itemLanguage) {
    return Language.CHINESE.equals(language != null ? language : itemLanguage);
  }

  private static String stars(double v) {
    return v == Math.rint(v) ? Integer.toString((int) v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
