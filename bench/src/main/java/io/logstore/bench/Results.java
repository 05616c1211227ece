package io.logstore.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/** Every measured value by figure and target, in the order first measured; medians on demand. */
final class Results {

  private final Map<Figure, Map<Target, List<Double>>> values = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();
  private final Map<Target, String> seedPrintouts = new EnumMap<>(Target.class);

  synchronized void add(Figure figure, Target target, double value) {
    if (Double.isFinite(value)) {
      values
          .computeIfAbsent(figure, f -> new EnumMap<>(Target.class))
          .computeIfAbsent(target, t -> new ArrayList<>())
          .add(value);
    }
  }

  synchronized void failure(String message) {
    failures.add(message);
  }

  synchronized void seedPrintout(Target target, String text) {
    seedPrintouts.merge(target, text, (a, b) -> a + "\n" + b);
  }

  synchronized List<Figure> figures() {
    return List.copyOf(values.keySet());
  }

  synchronized List<String> failures() {
    return List.copyOf(failures);
  }

  synchronized Map<Target, String> seedPrintouts() {
    return Map.copyOf(seedPrintouts);
  }

  /** All values of one figure for one target, in measurement order. */
  synchronized List<Double> samples(Figure figure, Target target) {
    return List.copyOf(values.getOrDefault(figure, Map.of()).getOrDefault(target, List.of()));
  }

  /** The median of the repetitions (the mean of the middle two for an even count). */
  synchronized OptionalDouble median(Figure figure, Target target) {
    List<Double> sorted = new ArrayList<>(samples(figure, target));
    if (sorted.isEmpty()) {
      return OptionalDouble.empty();
    }
    sorted.sort(Double::compare);
    int n = sorted.size();
    return OptionalDouble.of(
        n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2);
  }

  /** LogStore's median over the other target's median, or empty if either is missing or zero. */
  OptionalDouble ratio(Figure figure, Target other) {
    OptionalDouble ours = median(figure, Target.LOGSTORE);
    OptionalDouble theirs = median(figure, other);
    if (ours.isEmpty() || theirs.isEmpty() || theirs.getAsDouble() == 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(ours.getAsDouble() / theirs.getAsDouble());
  }
}
