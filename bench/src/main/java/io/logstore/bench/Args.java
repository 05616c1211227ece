package io.logstore.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Command-line parsing shared by the single-node and the replicated benchmark options. */
final class Args {
  private Args() {}

  /** A comma-separated list, items stripped (mutable). */
  static List<String> split(String list) {
    return new ArrayList<>(Arrays.stream(list.split(",")).map(String::strip).toList());
  }

  /** The value after option {@code args[i - 1]}; the usage text if it is missing. */
  static String value(String[] args, int i, String usage) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value\n" + usage);
    }
    return args[i];
  }

  /** A positive count; {@code _} and {@code ,} may group digits. */
  static int positive(String option, String value) {
    int n = Integer.parseInt(value.replace("_", "").replace(",", ""));
    if (n <= 0) {
      throw new IllegalArgumentException(option + " must be positive, got " + value);
    }
    return n;
  }
}
