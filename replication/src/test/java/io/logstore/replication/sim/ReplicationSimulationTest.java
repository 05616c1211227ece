package io.logstore.replication.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs the replication simulation over many seeds. A failure prints its seed; {@code -Dsim.seed=N}
 * replays only that one, {@code -Dsim.seeds=N} changes how many run.
 */
class ReplicationSimulationTest {

  @Test
  void shouldKeepEveryAcknowledgedRecordThroughCrashesPartitionsAndShutdowns() {
    // Given seeded runs of three brokers with crashes, isolation, controlled shutdowns and drops
    String replay = System.getProperty("sim.seed");
    long first = replay == null ? Long.getLong("sim.firstSeed", 1) : Long.parseLong(replay);
    int seeds = replay == null ? Integer.getInteger("sim.seeds", 60) : 1;
    long acked = 0;
    long faults = 0;
    long leaderChanges = 0;
    long truncations = 0;
    for (long seed = first; seed < first + seeds; seed++) {
      Simulation sim = new Simulation(seed);

      // When 20 simulated seconds of faults are followed by 5 healed seconds
      sim.run(20_000, 5_000);

      // Then no invariant broke (run() throws with the seed otherwise) and the run did real work
      acked += sim.ackedCount();
      faults += sim.crashes + sim.isolations + sim.controlledShutdowns;
      leaderChanges += sim.leaderChanges;
      truncations += sim.truncations;
      if (Boolean.getBoolean("sim.verbose")) {
        System.out.printf(
            "seed %d: acked %d, committed %d, crashes %d, isolations %d, controlled shutdowns %d,"
                + " leader changes %d, truncations %d%n",
            seed,
            sim.ackedCount(),
            sim.committedCount(),
            sim.crashes,
            sim.isolations,
            sim.controlledShutdowns,
            sim.leaderChanges,
            sim.truncations);
      }
    }
    assertThat(acked).as("acknowledged records over all seeds").isGreaterThan(seeds * 100L);
    assertThat(faults).as("faults injected").isGreaterThan(seeds * 5L);
    assertThat(leaderChanges).as("leader changes").isGreaterThan((long) seeds);
    if (replay == null) {
      assertThat(truncations).as("follower truncations on a diverging epoch").isPositive();
    }
  }

  @Test
  void theInvariantsCatchTheLossThatUncleanElectionsCause() {
    // Given the same faults and a controller that also elects out-of-sync replicas (unclean
    // elections, made frequent)
    int violations = 0;
    String first = null;
    for (long seed = 1; seed <= 40; seed++) {
      try {
        // When a run elects a replica that lacks acknowledged records
        Simulation sim = new Simulation(seed, true);
        sim.run(20_000, 5_000);
        if (Boolean.getBoolean("sim.verbose")) {
          System.out.printf("unclean seed %d: unclean elections %d%n", seed, sim.uncleanElections);
        }
      } catch (Simulation.InvariantViolation e) {
        violations++;
        first = first == null ? e.getMessage() : first;
      }
    }

    // Then the checker reports it: the simulation can fail, and for the right reason
    assertThat(violations).isPositive();
    assertThat(first).contains("acknowledged record");
  }
}
