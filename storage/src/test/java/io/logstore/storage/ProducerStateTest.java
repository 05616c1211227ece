package io.logstore.storage;

import static io.logstore.storage.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProducerStateTest extends LogTestSupport {

  @Test
  void shouldAnswerARetriedBatchWithItsOriginalOffsets() throws Exception {
    // Given
    PartitionLog log = createLog(baseConfig());
    append(log, batch("x"));
    AppendResult original = append(log, batch("a", "b").producer(7, 0, 0));
    append(log, batch("c").producer(7, 0, 2));
    // When
    AppendResult retry = append(log, batch("a", "b").producer(7, 0, 0));
    // Then
    assertThat(retry.duplicate()).isTrue();
    assertThat(retry.firstOffset()).isEqualTo(original.firstOffset()).isEqualTo(1);
    assertThat(retry.lastOffset()).isEqualTo(original.lastOffset()).isEqualTo(2);
    assertThat(log.logEndOffset()).isEqualTo(4);
  }

  @Test
  void shouldRejectASequenceGap() throws Exception {
    // Given
    PartitionLog log = createLog(baseConfig());
    append(log, batch("a").producer(7, 0, 0));
    // When / Then
    assertThatThrownBy(() -> append(log, batch("b").producer(7, 0, 2)))
        .isInstanceOf(OutOfOrderSequenceException.class)
        .hasMessageContaining("expected sequence 1");
    assertThat(log.logEndOffset()).isEqualTo(1);
  }

  @Test
  void shouldRejectAnOlderEpochAndANewEpochNotStartingAtZero() throws Exception {
    // Given
    PartitionLog log = createLog(baseConfig());
    append(log, batch("a").producer(7, 3, 0));
    // When / Then
    assertThatThrownBy(() -> append(log, batch("b").producer(7, 2, 1)))
        .isInstanceOf(InvalidProducerEpochException.class);
    assertThatThrownBy(() -> append(log, batch("b").producer(7, 4, 5)))
        .isInstanceOf(OutOfOrderSequenceException.class);
    AppendResult bumped = append(log, batch("b").producer(7, 4, 0));
    assertThat(bumped.duplicate()).isFalse();
    assertThat(log.producerState(7))
        .get()
        .extracting(ProducerStateEntry::epoch)
        .isEqualTo((short) 4);
  }

  @Test
  void shouldAcceptAnUnknownProducerAtAnySequenceAndWrapAtIntMax() throws Exception {
    // Given
    PartitionLog log = createLog(baseConfig());
    // When
    append(log, batch("a", "b").producer(9, 0, Integer.MAX_VALUE - 1));
    AppendResult wrapped = append(log, batch("c").producer(9, 0, 0));
    // Then
    assertThat(wrapped.duplicate()).isFalse();
    assertThat(log.producerState(9))
        .get()
        .extracting(ProducerStateEntry::lastSequence)
        .isEqualTo(0);
  }

  @Test
  void shouldKeepProducerStateAcrossACleanRestart() throws Exception {
    // Given
    PartitionLog log = createLog(baseConfig());
    append(log, batch("a").producer(7, 1, 0));
    append(log, batch("b").producer(7, 1, 1));
    // When
    PartitionLog reopened = reopen();
    // Then
    assertThat(reopened.producerState(7))
        .contains(new ProducerStateEntry(7, (short) 1, 1, 1, 1_000));
    assertThat(append(reopened, batch("b").producer(7, 1, 1)).duplicate()).isTrue();
    assertThatThrownBy(() -> append(reopened, batch("c").producer(7, 1, 5)))
        .isInstanceOf(OutOfOrderSequenceException.class);
  }

  @Test
  void shouldRebuildProducerStateFromSnapshotAndLogAfterACrash() throws Exception {
    // Given: a roll snapshots the state, later batches exist only in the log
    int size = batch("a").producer(7, 1, 0).build().remaining();
    PartitionLog log = createLog(baseConfig().withSegmentBytes(size * 2L));
    for (int seq = 0; seq < 5; seq++) {
      append(log, batch("a").producer(7, 1, seq));
    }
    append(log, batch("z").producer(8, 0, 10));
    // (the flush round writes the roll's snapshot)
    log.awaitFlushed(log.logEndOffset()).get(10, TimeUnit.SECONDS);
    assertThat(new ProducerStateManager(TP, partitionDir()).snapshotOffsets()).isNotEmpty();
    // When
    PartitionLog recovered = crashAndReopen();
    // Then
    assertThat(recovered.producerState(7))
        .get()
        .extracting(ProducerStateEntry::lastSequence)
        .isEqualTo(4);
    assertThat(recovered.producerState(8))
        .get()
        .extracting(ProducerStateEntry::lastOffset)
        .isEqualTo(5L);
    assertThat(append(recovered, batch("a").producer(7, 1, 4)).firstOffset()).isEqualTo(4);
    assertThat(append(recovered, batch("a").producer(7, 1, 5)).firstOffset()).isEqualTo(6);
  }

  @Test
  void shouldKeepOnlyTheTwoNewestSnapshots() throws Exception {
    // Given
    int size = batch("a").build().remaining();
    PartitionLog log = createLog(baseConfig().withSegmentBytes(size));
    // When
    for (int i = 0; i < 6; i++) {
      AppendResult appended = append(log, batch("a").producer(1, 0, i));
      // (acknowledged: the flush round has written the snapshot of the roll before it)
      log.awaitFlushed(appended.lastOffset() + 1).get(10, TimeUnit.SECONDS);
    }
    // Then
    assertThat(new ProducerStateManager(TP, partitionDir()).snapshotOffsets())
        .containsExactly(4L, 5L);
  }
}
