package io.logstore.bench;

/**
 * One row of the results table.
 *
 * @param section heading the row is listed under
 * @param name what was measured, e.g. {@code 1 KB, 1 partition: records/s}
 * @param unit unit of the value
 * @param higherIsBetter whether a LogStore / Kafka ratio above 1 favours LogStore
 */
record Figure(String section, String name, String unit, boolean higherIsBetter) {

  static Figure higher(String section, String name, String unit) {
    return new Figure(section, name, unit, true);
  }

  static Figure lower(String section, String name, String unit) {
    return new Figure(section, name, unit, false);
  }
}
