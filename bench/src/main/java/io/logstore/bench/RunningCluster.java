package io.logstore.bench;

import java.util.List;

/**
 * A started three-node cluster of one {@link Target} and its broker processes, so the brokers' CPU
 * and memory can be read from {@code /proc}; closing it stops every node and deletes the data.
 *
 * @param pids the broker JVMs, one per node
 * @param logs where the nodes' logs are, for failure messages
 */
record RunningCluster(Target target, String bootstrap, List<Long> pids, Runnable stop, String logs)
    implements AutoCloseable {

  RunningCluster {
    pids = List.copyOf(pids);
  }

  boolean allAlive() {
    return pids.stream()
        .allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }

  /** User plus system CPU seconds of all brokers together so far. */
  double cpuSeconds() {
    return pids.stream().mapToDouble(ProcStat::cpuSeconds).sum();
  }

  /** {@code VmRSS} of all brokers together. */
  double residentMib() {
    return pids.stream().mapToDouble(ProcStat::residentMib).sum();
  }

  @Override
  public void close() {
    stop.run();
  }
}
