package io.logstore.broker.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerIdManagerTest {
  @TempDir Path tmp;

  @Test
  void brokersOfAClusterNeverHandOutTheSameIdEvenAcrossRestarts() throws Exception {
    // Given three cluster members, each with its own data directory
    Set<Long> seen = new HashSet<>();
    for (int node = 1; node <= 3; node++) {
      Path dir = tmp.resolve("n" + node);
      java.nio.file.Files.createDirectories(dir);
      // When each hands out ids, restarts (a new manager on the same directory), hands out more
      for (int life = 0; life < 2; life++) {
        ProducerIdManager ids = new ProducerIdManager(dir, node, ProducerIdManager.CLUSTER_STRIDE);
        for (int i = 0; i < 1500; i++) {
          long id = ids.nextProducerId();
          // Then every id is new and carries its broker's id
          assertThat(seen.add(id)).as("id %s handed out twice", id).isTrue();
          assertThat(id % ProducerIdManager.CLUSTER_STRIDE).isEqualTo(node);
        }
      }
    }
  }

  @Test
  void aSingleBrokerCountsFromZeroAndBadNodeIdsAreRefused() throws Exception {
    ProducerIdManager single = new ProducerIdManager(tmp);
    assertThat(single.nextProducerId()).isZero();
    assertThat(single.nextProducerId()).isEqualTo(1);
    assertThatThrownBy(() -> new ProducerIdManager(tmp.resolve("x"), 1024, 1024))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
