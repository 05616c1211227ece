package io.logstore.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NoTimestampBatchTest extends LogTestSupport {
  @Test
  void shouldKeepAppendingBatchesWithoutTimestampsPastTheIndexInterval() throws Exception {
    // Given a log indexing every 256 bytes and batches whose timestamps are -1 (no timestamp)
    PartitionLog log = createLog(baseConfig().withIndexIntervalBytes(256));
    // When many such batches are appended, crossing the index interval many times
    for (int i = 0; i < 200; i++) {
      AppendResult result = append(log, TestBatches.sized(1, 100).timestamp(-1));
      // Then every append succeeds at the next offset
      assertThat(result.firstOffset()).isEqualTo(i);
    }
    // And every offset is readable through the offset index
    for (long offset = 0; offset < 200; offset += 37) {
      LogSlice slice = log.read(offset, 1024, Long.MAX_VALUE, true);
      assertThat(slice.firstOffset()).isEqualTo(offset);
    }
    // And the log survives a restart with its end offset
    assertThat(reopen().logEndOffset()).isEqualTo(200);
  }
}
