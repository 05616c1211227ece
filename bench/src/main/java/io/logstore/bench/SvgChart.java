package io.logstore.bench;

import io.logstore.bench.BrokerSession.ProduceCase;
import io.logstore.bench.BrokerSession.SeedFigures;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * A hand-written SVG of grouped bars, one bar per broker: throughput (linear scale) and latency
 * percentiles (log scale, since they span from under a millisecond to seconds).
 */
final class SvgChart {

  private static final int WIDTH = 1000;
  private static final int PANEL_HEIGHT = 260;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 60;
  private static final int PANEL_GAP = 80;
  private static final String[] COLORS = {"#2f9e44", "#1c7ed6", "#f08c00"};

  private record Group(String label, Figure figure) {}

  private record Panel(String title, String unit, boolean logScale, List<Group> groups) {}

  private SvgChart() {}

  static String render(BenchOptions options, Results results) {
    List<Panel> panels = new ArrayList<>();
    List<Group> throughput = new ArrayList<>();
    for (ProduceCase c : BrokerSession.PRODUCE_CASES) {
      throughput.add(new Group("produce " + c.label(), c.figure("MB/s", "MiB/s", true)));
    }
    throughput.add(new Group("consume 1 KB", BrokerSession.CONSUME_FETCH_MIBS));
    panels.add(new Panel("Throughput, MiB/s (higher is better)", "MiB/s", false, throughput));
    List<Group> requests = new ArrayList<>();
    for (int senders : options.seedSenders()) {
      SeedFigures f = SeedFigures.of(options.seedRequests(), senders);
      requests.add(new Group("seed test, " + senders + " senders", f.throughput()));
    }
    panels.add(
        new Panel(
            "Single-record acks=all requests/s (higher is better)", "req/s", false, requests));
    List<Group> latency = new ArrayList<>();
    latency.add(new Group("throttled p50", BrokerSession.THROTTLED_P50));
    latency.add(new Group("throttled p99", BrokerSession.THROTTLED_P99));
    latency.add(new Group("throttled p99.9", BrokerSession.THROTTLED_P999));
    latency.add(new Group("end-to-end avg", BrokerSession.E2E_AVG));
    latency.add(new Group("end-to-end p99", BrokerSession.E2E_P99));
    latency.add(new Group("end-to-end p99.9", BrokerSession.E2E_P999));
    if (!options.seedSenders().isEmpty()) {
      SeedFigures f = SeedFigures.of(options.seedRequests(), options.seedSenders().get(0));
      latency.add(new Group("seed avg", f.avg()));
      latency.add(new Group("seed p99", f.p99()));
    }
    panels.add(new Panel("Latency, ms, log scale (lower is better)", "ms", true, latency));

    int height = TOP + panels.size() * (PANEL_HEIGHT + PANEL_GAP);
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                + " font-family=\"sans-serif\" font-size=\"11\">%n",
            WIDTH,
            height,
            WIDTH,
            height));
    svg.append(
        String.format(
            Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">LogStore vs Apache Kafka 4.3.1"
                + " (medians of %d%s)</text>%n",
            LEFT,
            options.repetitions(),
            options.quick() ? ", --quick run" : ""));
    legend(svg);
    int y = TOP;
    for (Panel panel : panels) {
      panel(svg, panel, results, y);
      y += PANEL_HEIGHT + PANEL_GAP;
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static void legend(StringBuilder svg) {
    Target[] targets = Target.values();
    for (int i = 0; i < targets.length; i++) {
      int x = LEFT + i * 200;
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"34\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"44\">%s</text>%n",
              x,
              COLORS[i],
              x + 18,
              escape(
                  targets[i].label()
                      + (i == 2
                          ? " (flush every message)"
                          : i == 1 ? " (defaults)" : " (fsync before ack)"))));
    }
  }

  private static void panel(StringBuilder svg, Panel panel, Results results, int top) {
    int plotTop = top + 24;
    int plotBottom = top + PANEL_HEIGHT - 40;
    int plotWidth = WIDTH - LEFT - RIGHT;
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"13\" font-weight=\"bold\">%s</text>%n",
            LEFT,
            top + 12,
            escape(panel.title())));
    double max = 0;
    double min = Double.MAX_VALUE;
    Target[] targets = Target.values();
    for (Group g : panel.groups()) {
      for (Target t : targets) {
        OptionalDouble v = results.median(g.figure(), t);
        if (v.isPresent() && v.getAsDouble() > 0) {
          max = Math.max(max, v.getAsDouble());
          min = Math.min(min, v.getAsDouble());
        }
      }
    }
    if (max == 0) {
      svg.append(
          String.format(
              Locale.ROOT, "<text x=\"%d\" y=\"%d\">not measured</text>%n", LEFT, plotTop + 40));
      return;
    }
    Scale scale = panel.logScale() ? Scale.log(min, max) : Scale.linear(max);
    for (double tick : scale.ticks()) {
      double ty = plotBottom - scale.fraction(tick) * (plotBottom - plotTop);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e9ecef\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#495057\">%s</text>%n",
              LEFT,
              ty,
              WIDTH - RIGHT,
              ty,
              LEFT - 6,
              ty + 4,
              label(tick)));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#343a40\"/>%n",
            LEFT,
            plotBottom,
            WIDTH - RIGHT,
            plotBottom));
    double groupWidth = (double) plotWidth / panel.groups().size();
    double barWidth = Math.min(40, groupWidth * 0.8 / targets.length);
    for (int gi = 0; gi < panel.groups().size(); gi++) {
      Group g = panel.groups().get(gi);
      double groupLeft = LEFT + gi * groupWidth + (groupWidth - barWidth * targets.length) / 2;
      for (int ti = 0; ti < targets.length; ti++) {
        OptionalDouble v = results.median(g.figure(), targets[ti]);
        if (v.isEmpty()) {
          continue;
        }
        double value = v.getAsDouble();
        double h = Math.max(1, scale.fraction(value) * (plotBottom - plotTop));
        double x = groupLeft + ti * barWidth;
        svg.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                    + "<title>%s, %s: %s %s</title></rect>%n",
                x,
                plotBottom - h,
                barWidth - 2,
                h,
                COLORS[ti],
                escape(targets[ti].label()),
                escape(g.label()),
                Report.number(v),
                escape(panel.unit())));
        svg.append(
            String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" text-anchor=\"middle\">%s</text>%n",
                x + (barWidth - 2) / 2,
                plotBottom - h - 3,
                escape(Report.number(v))));
      }
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
              LEFT + gi * groupWidth + groupWidth / 2,
              plotBottom + 16,
              escape(g.label())));
    }
  }

  private static String label(double tick) {
    if (tick >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", tick);
    }
    if (tick >= 1) {
      return String.format(Locale.ROOT, "%.0f", tick);
    }
    return String.format(Locale.ROOT, "%.2g", tick);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Maps a value to a fraction of the plot height, with round tick values. */
  private interface Scale {
    double fraction(double value);

    List<Double> ticks();

    static Scale linear(double max) {
      double step = Math.pow(10, Math.floor(Math.log10(max)));
      if (max / step < 2) {
        step /= 5;
      } else if (max / step < 5) {
        step /= 2;
      }
      double top = Math.ceil(max / step) * step;
      double tickStep = step;
      return new Scale() {
        @Override
        public double fraction(double value) {
          return value / top;
        }

        @Override
        public List<Double> ticks() {
          List<Double> ticks = new ArrayList<>();
          for (double t = 0; t <= top + tickStep / 2; t += tickStep) {
            ticks.add(t);
          }
          return ticks;
        }
      };
    }

    static Scale log(double min, double max) {
      double low = Math.pow(10, Math.floor(Math.log10(min)));
      double high = Math.pow(10, Math.ceil(Math.log10(max)));
      if (high <= low) {
        high = low * 10;
      }
      double lowLog = Math.log10(low);
      double span = Math.log10(high) - lowLog;
      double bottom = low;
      double topValue = high;
      return new Scale() {
        @Override
        public double fraction(double value) {
          return (Math.log10(Math.max(value, bottom)) - lowLog) / span;
        }

        @Override
        public List<Double> ticks() {
          List<Double> ticks = new ArrayList<>();
          for (double t = bottom; t <= topValue * 1.001; t *= 10) {
            ticks.add(t);
          }
          return ticks;
        }
      };
    }
  }
}
