package io.niotls.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * PNG charts of whatever the results hold: for each aspect, bars of every subject's figure per
 * configuration (one chart per value of the aspect's split parameter, such as full and resumed
 * handshakes), or, when a scaling parameter varies (connections in flight, loops), lines of the
 * figure against it, one line per subject and configuration. Interleaved results are preferred over
 * one-subject results of the same aspect.
 */
final class Charts {
  /** Parameters that make a curve: the figure as the load grows. */
  static final List<String> SCALING =
      List.of("concurrency", "connections", "inflight", "clients", "loops", "threads");

  /** The parameter whose values get a chart each, per aspect. */
  private static final Map<String, String> SPLIT =
      Map.of("Handshake", "handshake", "Record", "size", "IdleSession", "sessions");

  private static final int WIDTH = 1000;
  private static final int HEIGHT = 520;

  /** A chart written to the results directory. */
  record Image(String file, String topic, String caption) {}

  private Charts() {}

  static List<Image> render(List<Result> results, Path dir) throws IOException {
    Set<String> topics = new LinkedHashSet<>();
    results.forEach(r -> topics.add(r.topic()));
    List<Image> images = new ArrayList<>();
    for (String topic : topics) {
      List<Result> of = results.stream().filter(r -> r.topic().equals(topic)).toList();
      String aspect = of.get(0).aspect();
      List<Result> paired = of.stream().filter(Result::isPaired).toList();
      List<Point> points = paired.isEmpty() ? points(of) : pointsOfPaired(paired);
      if (points.isEmpty()) {
        continue;
      }
      String scaling = scalingParameter(points);
      if (scaling != null) {
        images.add(lines(topic, aspect, scaling, points, dir));
      } else {
        images.addAll(bars(topic, aspect, points, dir));
      }
    }
    return images;
  }

  /** One subject's figure in one configuration. */
  record Point(String subject, Map<String, String> params, Figure figure) {}

  private static List<Point> points(List<Result> results) {
    List<Point> points = new ArrayList<>();
    for (Result r : results) {
      Figure f = Figure.of(r);
      if (!Double.isNaN(f.value())) {
        points.add(new Point(r.subject(), r.params(), f));
      }
    }
    return points;
  }

  private static List<Point> pointsOfPaired(List<Result> results) {
    List<Point> points = new ArrayList<>();
    for (Result r : results) {
      for (String subject : Subjects.NAMES.keySet()) {
        Figure f = Figure.ofPaired(r, subject);
        if (f != null) {
          points.add(new Point(subject, r.params(), f));
        }
      }
    }
    return points;
  }

  private static String scalingParameter(List<Point> points) {
    for (String name : SCALING) {
      Set<String> values = new LinkedHashSet<>();
      for (Point p : points) {
        String v = p.params().get(name);
        if (v != null && v.matches("[0-9.]+")) {
          values.add(v);
        }
      }
      if (values.size() >= 2) {
        return name;
      }
    }
    return null;
  }

  private static List<Image> bars(String topic, String aspect, List<Point> points, Path dir)
      throws IOException {
    // One chart per value of the aspect's split parameter and per provider: the JDK's handshakes
    // are an order of magnitude slower than BoringSSL's and would not show beside them.
    List<String> splits = new ArrayList<>();
    if (SPLIT.containsKey(aspect)) {
      splits.add(SPLIT.get(aspect));
    }
    splits.add("provider");
    Map<String, List<Point>> charts = new LinkedHashMap<>();
    for (Point p : points) {
      List<String> key = new ArrayList<>();
      for (String split : splits) {
        String v = p.params().get(split);
        if (v != null) {
          key.add(split + " " + v);
        }
      }
      charts.computeIfAbsent(String.join(", ", key), k -> new ArrayList<>()).add(p);
    }
    List<Image> images = new ArrayList<>();
    for (Map.Entry<String, List<Point>> chart : charts.entrySet()) {
      List<Point> of = chart.getValue();
      Set<String> varying = varying(of, splits);
      Map<String, Map<String, Double>> bySubject = new LinkedHashMap<>(); // subject -> cat -> value
      Set<String> categories = new LinkedHashSet<>();
      for (Point p : of) {
        String category = category(p.params(), varying);
        categories.add(category);
        bySubject
            .computeIfAbsent(Subjects.name(p.subject()), s -> new LinkedHashMap<>())
            .put(category, p.figure().value());
      }
      Figure sample = of.get(0).figure();
      String splitLabel = chart.getKey().isEmpty() ? "" : " — " + chart.getKey();
      String title = Comparisons.title(topic) + splitLabel + constants(of, varying, splits);
      CategoryChart c =
          new CategoryChartBuilder()
              .width(WIDTH)
              .height(HEIGHT)
              .title(title)
              .yAxisTitle(sample.unit() + (sample.higherIsBetter() ? " (higher is better)" : ""))
              .build();
      style(c.getStyler());
      c.getStyler().setAvailableSpaceFill(0.8);
      c.getStyler().setXAxisLabelRotation(categories.size() > 6 ? 15 : 0);
      List<String> xs = new ArrayList<>(categories);
      for (Map.Entry<String, Map<String, Double>> s : bySubject.entrySet()) {
        List<Double> ys = new ArrayList<>();
        for (String x : xs) {
          ys.add(s.getValue().getOrDefault(x, 0.0));
        }
        c.addSeries(s.getKey(), xs, ys);
      }
      String file =
          fileName(topic)
              + (chart.getKey().isEmpty()
                  ? ""
                  : "-"
                      + chart
                          .getKey()
                          .replaceAll("[a-z]+ ", "")
                          .replace(", ", "-")
                          .toLowerCase(Locale.ROOT))
              + ".png";
      BitmapEncoder.saveBitmap(c, dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
      images.add(new Image(file, topic, title));
    }
    return images;
  }

  private static Image lines(String topic, String aspect, String x, List<Point> points, Path dir)
      throws IOException {
    Set<String> varying = varying(points, List.of(x));
    Map<String, TreeMap<Double, Double>> series = new LinkedHashMap<>();
    for (Point p : points) {
      String xv = p.params().get(x);
      if (xv == null || !xv.matches("[0-9.]+")) {
        continue;
      }
      String name = Subjects.name(p.subject());
      for (String v : varying) {
        name += ", " + v + " " + p.params().getOrDefault(v, "?");
      }
      series
          .computeIfAbsent(name, k -> new TreeMap<>())
          .put(Double.parseDouble(xv), p.figure().value());
    }
    Figure sample = points.get(0).figure();
    String title = Comparisons.title(topic) + " by " + x + constants(points, varying, List.of(x));
    XYChart c =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(title)
            .xAxisTitle(x)
            .yAxisTitle(sample.unit() + (sample.higherIsBetter() ? " (higher is better)" : ""))
            .build();
    style(c.getStyler());
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (TreeMap<Double, Double> s : series.values()) {
      min = Math.min(min, s.firstKey());
      max = Math.max(max, s.lastKey());
    }
    c.getStyler().setXAxisLogarithmic(min > 0 && max / min >= 50);
    for (Map.Entry<String, TreeMap<Double, Double>> s : series.entrySet()) {
      c.addSeries(
          s.getKey(),
          new ArrayList<>(s.getValue().keySet()),
          new ArrayList<>(s.getValue().values()));
    }
    String file = "scaling-" + fileName(topic) + "-" + x + ".png";
    BitmapEncoder.saveBitmap(c, dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
    return new Image(file, topic, title);
  }

  /** {@code loop/Handshake} → {@code loop-handshake}. */
  private static String fileName(String topic) {
    return topic.replace('/', '-').toLowerCase(Locale.ROOT);
  }

  private static void style(Styler styler) {
    styler.setLegendPosition(Styler.LegendPosition.OutsideS);
    styler.setLegendLayout(Styler.LegendLayout.Horizontal);
    styler.setChartBackgroundColor(java.awt.Color.WHITE);
    styler.setAntiAlias(true);
    if (styler instanceof org.knowm.xchart.style.AxesChartStyler axes) {
      axes.setYAxisDecimalPattern("#,##0.#");
      axes.setPlotGridVerticalLinesVisible(false);
    }
  }

  /** Parameters that differ between the points, except those in {@code except}. */
  private static Set<String> varying(List<Point> points, List<String> except) {
    Map<String, Set<String>> values = new LinkedHashMap<>();
    for (Point p : points) {
      p.params().forEach((k, v) -> values.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(v));
    }
    Set<String> varying = new LinkedHashSet<>();
    values.forEach(
        (k, v) -> {
          if (v.size() > 1 && !except.contains(k)) {
            varying.add(k);
          }
        });
    return varying;
  }

  private static String constants(List<Point> points, Set<String> varying, List<String> except) {
    Map<String, String> constant = new TreeMap<>();
    for (Point p : points) {
      p.params()
          .forEach(
              (k, v) -> {
                if (!varying.contains(k) && !except.contains(k)) {
                  constant.put(k, v);
                }
              });
    }
    return constant.isEmpty() ? "" : " (" + String.join(", ", constant.values()) + ")";
  }

  private static String category(Map<String, String> params, Set<String> varying) {
    List<String> parts = new ArrayList<>();
    for (String name : varying) {
      parts.add(params.getOrDefault(name, "?"));
    }
    return parts.isEmpty() ? "all" : String.join(" ", parts);
  }
}
