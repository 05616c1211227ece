package io.logstore.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * Command-line options of {@link ReplicatedSideBySide} ({@code bench/run --replicated ...}).
 *
 * @param quick fewer records and one repetition, for development; the report says so
 * @param repetitions how often every figure is taken; the median is reported
 * @param targets which clusters to run, in this order
 * @param partitions partition counts of the producer runs, one run each
 * @param produceRecords 1 KB records per ProducerPerformance run
 * @param endToEndRecords records of EndToEndLatency
 * @param output the Markdown report
 * @param commandLine the arguments as given, for the report
 */
record ReplicatedOptions(
    boolean quick,
    int repetitions,
    List<Target> targets,
    List<Integer> partitions,
    int produceRecords,
    int endToEndRecords,
    Path output,
    String commandLine) {

  static final int NODES = 3;
  static final short REPLICATION_FACTOR = 3;
  static final int MIN_INSYNC_REPLICAS = 2;
  static final int RECORD_BYTES = 1024;
  static final int E2E_RECORD_BYTES = 100;

  static final String USAGE =
      String.join(
          "\n",
          "usage: bench/run --replicated [--quick] [--reps N] [--records N] [--e2e-records N]",
          "                 [--partitions 1,3] [--targets logstore,kafka,kafka-fsync] [--out FILE.md]",
          "  three-node clusters side by side: RF 3, min.insync.replicas=2, acks=all",
          "  --quick        50,000 records per producer run, 500 EndToEndLatency records,",
          "                 1 repetition (development only)",
          "  --reps         repetitions of every figure, median reported (default 3)",
          "  --records      1 KB records per producer run (default 100,000)",
          "  --e2e-records  EndToEndLatency round trips (default 2,000)",
          "  --partitions   partition counts, one producer run each (default 1,3)",
          "  --targets      clusters to run (default all three, one after the other)",
          "  --out          report path (default docs/benchmarks-replicated.md for a full run",
          "                 with the default sizes, bench/target/benchmarks-replicated.md otherwise)");

  static ReplicatedOptions parse(String[] args) {
    boolean quick = false;
    Integer reps = null;
    Integer records = null;
    Integer e2eRecords = null;
    List<Integer> partitions = List.of(1, 3);
    List<Target> targets = List.of(Target.values());
    Path output = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--quick" -> quick = true;
        case "--reps" -> reps = Args.positive(arg, Args.value(args, ++i, USAGE));
        case "--records" -> records = Args.positive(arg, Args.value(args, ++i, USAGE));
        case "--e2e-records" -> e2eRecords = Args.positive(arg, Args.value(args, ++i, USAGE));
        case "--partitions" ->
            partitions =
                Args.split(Args.value(args, ++i, USAGE)).stream()
                    .map(p -> Args.positive(arg, p))
                    .toList();
        case "--targets" ->
            targets = Args.split(Args.value(args, ++i, USAGE)).stream().map(Target::byId).toList();
        case "--out" -> output = Path.of(Args.value(args, ++i, USAGE));
        case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
        default -> throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
      }
    }
    boolean ofRecord =
        !quick
            && records == null
            && e2eRecords == null
            && partitions.equals(List.of(1, 3))
            && targets.size() == Target.values().length;
    if (output == null) {
      output =
          ofRecord
              ? Path.of("docs", "benchmarks-replicated.md")
              : Path.of("bench/target/benchmarks-replicated.md");
    }
    return new ReplicatedOptions(
        quick,
        reps != null ? reps : quick ? 1 : 3,
        targets,
        partitions,
        records != null ? records : quick ? 50_000 : 100_000,
        e2eRecords != null ? e2eRecords : quick ? 500 : 2_000,
        output,
        String.join(" ", args));
  }
}
