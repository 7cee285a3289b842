package dev.idempotency.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * The ratio chart: one horizontal bar per operation and server backend (1 thread), its length the
 * ratio to the raw baseline (the alternated one where measured, as the verdict uses), green where a target is met, red where it is missed, grey where none
 * is set; lines mark x1 (the baseline) and x1.15 (the target). Plain SVG, no library.
 */
final class Chart {
  private static final int LABEL = 330;
  private static final int BAR = 520;
  private static final int ROW = 18;
  private static final double MAX = 3.0;

  private Chart() {}

  static String svg(List<Markdown.Row> all) {
    List<Markdown.Row> rows = all.stream().filter(r -> r.ratio() != null && r.threads() == 1
        && List.of("Redis", "PostgreSQL", "MariaDB", "H2").contains(r.backend())).toList();
    int top = 40;
    int height = top + rows.size() * ROW + 40;
    int width = LABEL + BAR + 80;
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
    s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
    s.append("<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">Time of each operation as a ratio of its "
        + "raw baseline (same client, same run; 1 thread)</text>\n");
    for (double mark : new double[] {1.0, Report.TARGET_RATIO, 2.0, 3.0}) {
      double x = LABEL + mark / MAX * BAR;
      s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
          + "stroke-dasharray=\"4 3\"/>%n", x, top - 6, x, height - 30, mark == Report.TARGET_RATIO ? "#c00" : "#999"));
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">x%s</text>%n",
          x, height - 14, mark == Report.TARGET_RATIO ? "#c00" : "#555",
          mark == Report.TARGET_RATIO ? "1.15 target" : String.format(Locale.ROOT, "%.0f", mark)));
    }
    int y = top;
    for (Markdown.Row r : rows) {
      double ratio = r.verdictRatio();
      double w = Math.min(ratio, MAX) / MAX * BAR;
      String color = r.met() == null ? "#9aa5b1" : r.met() ? "#2e8b57" : "#d9534f";
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s · %s</text>%n",
          LABEL - 8, y + 13, r.backend(), r.operation()));
      s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
          LABEL, y + 3, w, ROW - 5, color));
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">x%.2f%s</text>%n", LABEL + w + 4, y + 13, ratio,
          ratio > MAX ? " (clipped)" : ""));
      y += ROW;
    }
    s.append("</svg>\n");
    return s.toString();
  }
}
