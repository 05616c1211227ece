package io.logstore.bench;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Command-line options of {@link SideBySide}.
 *
 * @param quick fewer records and one repetition, for development; the report says so
 * @param repetitions how often every figure is taken; the median is reported
 * @param targets which brokers to run, in this order
 * @param scenarios which loads to run (start-up time and idle memory are always taken)
 * @param produceRecords records per unthrottled ProducerPerformance run (and consumed)
 * @param throttledRecords records of the throttled ProducerPerformance run
 * @param throttledRate records/s of the throttled run
 * @param endToEndRecords records of EndToEndLatency
 * @param seedRequests single-record requests per seed-load run
 * @param seedSenders concurrent senders of each seed-load run
 * @param output the Markdown report; the SVG chart goes next to it
 * @param commandLine the arguments as given, for the report
 */
record BenchOptions(
    boolean quick,
    int repetitions,
    List<Target> targets,
    Set<Scenario> scenarios,
    int produceRecords,
    int throttledRecords,
    int throttledRate,
    int endToEndRecords,
    int seedRequests,
    List<Integer> seedSenders,
    Path output,
    String commandLine) {

  /** The loads, selectable with {@code --only}. */
  enum Scenario {
    PRODUCE,
    THROTTLED,
    CONSUME,
    E2E,
    SEED;

    String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final String USAGE =
      String.join(
          "\n",
          "usage: bench/run [--quick] [--reps N] [--targets logstore,kafka,kafka-fsync]",
          "                 [--only produce,throttled,consume,e2e,seed] [--records N]",
          "                 [--seed-senders 100,1000] [--out FILE.md]",
          "  --quick    100,000 records per producer run, 1 repetition (development only)",
          "  --reps     repetitions of every figure, median reported (default 3)",
          "  --targets  brokers to run (default all three, one after the other)",
          "  --only     loads to run (default all; start-up and idle memory always)",
          "  --records  records per unthrottled producer run (default 1,000,000)",
          "  --out      report path (default docs/benchmarks.md for a full run of everything,",
          "             bench/target/benchmarks.md otherwise); the chart goes next to it as .svg");

  static BenchOptions parse(String[] args) {
    boolean quick = false;
    Integer reps = null;
    Integer records = null;
    List<Target> targets = List.of(Target.values());
    Set<Scenario> scenarios = EnumSet.allOf(Scenario.class);
    List<Integer> senders = List.of(100, 1000);
    Path output = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--quick" -> quick = true;
        case "--reps" -> reps = Args.positive(arg, Args.value(args, ++i, USAGE));
        case "--records" -> records = Args.positive(arg, Args.value(args, ++i, USAGE));
        case "--targets" ->
            targets = Args.split(Args.value(args, ++i, USAGE)).stream().map(Target::byId).toList();
        case "--only" -> scenarios = scenarios(Args.value(args, ++i, USAGE));
        case "--seed-senders" ->
            senders =
                Args.split(Args.value(args, ++i, USAGE)).stream()
                    .map(s -> Args.positive(arg, s))
                    .toList();
        case "--out" -> output = Path.of(Args.value(args, ++i, USAGE));
        case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
        default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
      }
    }
    boolean everything =
        !quick
            && scenarios.size() == Scenario.values().length
            && targets.size() == Target.values().length
            && records == null;
    if (output == null) {
      output =
          everything ? Path.of("docs", "benchmarks.md") : Path.of("bench/target/benchmarks.md");
    }
    return new BenchOptions(
        quick,
        reps != null ? reps : quick ? 1 : 3,
        targets,
        scenarios,
        records != null ? records : quick ? 100_000 : 1_000_000,
        quick ? 40_000 : 100_000,
        20_000,
        quick ? 2_000 : 10_000,
        10_000,
        senders,
        output,
        String.join(" ", args));
  }

  boolean runs(Scenario scenario) {
    return scenarios.contains(scenario);
  }

  Path chart() {
    String name = output.getFileName().toString().replaceFirst("\\.md$", "") + ".svg";
    return output.resolveSibling(name);
  }

  private static Set<Scenario> scenarios(String list) {
    Set<Scenario> set = EnumSet.noneOf(Scenario.class);
    for (String id : Args.split(list)) {
      set.add(Scenario.valueOf(id.toUpperCase(Locale.ROOT)));
    }
    return set;
  }
}
