package io.logstore.bench;

import io.logstore.testkit.BrokerUnderTest;
import java.nio.file.Path;

/**
 * A started broker and its process, so figures can be read from {@code /proc}; closing it stops the
 * broker and deletes its data.
 *
 * @param startupSeconds process age when the broker first answered Metadata; the readiness probe
 *     polls every 100 ms, so this is an upper bound by up to 0.1 s
 */
record RunningBroker(
    Target target,
    BrokerUnderTest broker,
    Runnable stop,
    long pid,
    Path logFile,
    double startupSeconds)
    implements AutoCloseable {

  RunningBroker(Target target, BrokerUnderTest broker, Runnable stop, long pid, Path log) {
    this(target, broker, stop, pid, log, ProcStat.ageSeconds(pid));
  }

  String bootstrap() {
    return broker.bootstrapServers();
  }

  boolean isAlive() {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  double cpuSeconds() {
    return ProcStat.cpuSeconds(pid);
  }

  double residentMib() {
    return ProcStat.residentMib(pid);
  }

  @Override
  public void close() {
    stop.run();
  }
}
