package io.logstore.replication.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logstore.replication.metadata.MetadataRecord.BrokerRecord;
import io.logstore.replication.metadata.MetadataRecord.PartitionRecord;
import io.logstore.replication.metadata.MetadataRecord.RemoveTopicRecord;
import io.logstore.replication.metadata.MetadataRecord.TopicConfigRecord;
import io.logstore.replication.metadata.MetadataRecord.TopicRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class MetadataRecordSerdeTest {
  private static final int SEEDS = 300;

  @Test
  void shouldRoundTripRandomRecordBatches() throws Exception {
    for (long seed = 0; seed < SEEDS; seed++) {
      // Given a random batch of records
      List<MetadataRecord> records = new RandomMetadata(seed).records(seed == 0 ? 0 : 20);

      // When it is encoded and decoded
      List<MetadataRecord> decoded =
          MetadataRecordSerde.decodeRecords(
              ByteBuffer.wrap(MetadataRecordSerde.encodeRecords(records)));

      // Then the same records come back, in order
      assertThat(decoded).as("seed %d", seed).isEqualTo(records);
    }
  }

  @Test
  void shouldRoundTripRandomImages() throws Exception {
    for (long seed = 0; seed < SEEDS; seed++) {
      // Given an image built by applying random records (topics created, changed and removed)
      MetadataImage image = new RandomMetadata(seed).image(seed == 0 ? 0 : 60);

      // When it is encoded and decoded
      MetadataImage decoded =
          MetadataRecordSerde.decodeImage(ByteBuffer.wrap(MetadataRecordSerde.encodeImage(image)));

      // Then it is equal in every part, and keeps applying records the same way
      assertThat(decoded).as("seed %d", seed).isEqualTo(image);
      assertThat(decoded.configsByTopicName()).isEqualTo(image.configsByTopicName());
      List<MetadataRecord> more = new RandomMetadata(seed + 1_000_000).records(20);
      MetadataImage a = image;
      MetadataImage b = decoded;
      for (MetadataRecord r : more) {
        a = a.apply(a.offset() + 1, r);
        b = b.apply(b.offset() + 1, r);
      }
      assertThat(b).as("seed %d after more records", seed).isEqualTo(a);
    }
  }

  @Test
  void shouldDecodeFromTheBufferPositionOnly() throws Exception {
    // Given an encoded batch inside a larger buffer
    List<MetadataRecord> records = new RandomMetadata(7).records(5);
    byte[] encoded = MetadataRecordSerde.encodeRecords(records);
    ByteBuffer buf = ByteBuffer.allocate(encoded.length + 10);
    buf.position(3);
    buf.put(encoded);
    buf.position(3).limit(3 + encoded.length);

    // When / Then it decodes the remaining bytes
    assertThat(MetadataRecordSerde.decodeRecords(buf)).isEqualTo(records);
  }

  @Test
  void shouldRejectEverySingleBitFlip() {
    // Given an encoded batch and an encoded image
    RandomMetadata random = new RandomMetadata(42);
    byte[] batch = MetadataRecordSerde.encodeRecords(random.records(10));
    byte[] image = MetadataRecordSerde.encodeImage(random.image(30));

    // When any one bit of either is flipped, Then decoding fails with a typed exception
    for (int i = 0; i < batch.length * 8; i++) {
      byte[] corrupt = flipBit(batch, i);
      assertThatThrownBy(() -> MetadataRecordSerde.decodeRecords(ByteBuffer.wrap(corrupt)))
          .as("bit %d", i)
          .isInstanceOf(CorruptMetadataException.class);
    }
    for (int i = 0; i < image.length * 8; i++) {
      byte[] corrupt = flipBit(image, i);
      assertThatThrownBy(() -> MetadataRecordSerde.decodeImage(ByteBuffer.wrap(corrupt)))
          .as("bit %d", i)
          .isInstanceOf(CorruptMetadataException.class);
    }
  }

  @Test
  void shouldRejectTruncatedAndExtendedBytes() {
    // Given an encoded batch
    byte[] batch = MetadataRecordSerde.encodeRecords(new RandomMetadata(3).records(8));

    // When it is cut at any length, or has a byte appended, Then decoding fails
    for (int length = 0; length < batch.length; length++) {
      byte[] cut = Arrays.copyOf(batch, length);
      assertThatThrownBy(() -> MetadataRecordSerde.decodeRecords(ByteBuffer.wrap(cut)))
          .as("length %d", length)
          .isInstanceOf(CorruptMetadataException.class);
    }
    byte[] extended = Arrays.copyOf(batch, batch.length + 1);
    assertThatThrownBy(() -> MetadataRecordSerde.decodeRecords(ByteBuffer.wrap(extended)))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining("payload length");
  }

  @Test
  void shouldRejectBadMagicAndUnknownVersion() {
    // Given an encoded batch
    byte[] batch = MetadataRecordSerde.encodeRecords(new RandomMetadata(5).records(3));

    // When the magic is wrong, Then it says so
    byte[] badMagic = batch.clone();
    ByteBuffer.wrap(badMagic).putInt(0, 0x12345678);
    assertThatThrownBy(() -> MetadataRecordSerde.decodeRecords(ByteBuffer.wrap(badMagic)))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining("magic");

    // When the version is one this code does not know, Then it says so
    byte[] newer = batch.clone();
    ByteBuffer.wrap(newer).putShort(4, (short) (MetadataRecordSerde.VERSION + 1));
    assertThatThrownBy(() -> MetadataRecordSerde.decodeRecords(ByteBuffer.wrap(newer)))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining("version");
  }

  @Test
  void shouldRejectAnImageDecodedAsARecordBatch() {
    // Given an encoded image
    byte[] image = MetadataRecordSerde.encodeImage(new RandomMetadata(9).image(10));

    // When / Then decoding it as a record batch fails on the kind
    assertThatThrownBy(() -> MetadataRecordSerde.decodeRecords(ByteBuffer.wrap(image)))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining("kind");
  }

  @Test
  void shouldRejectAnUnparseablePayloadEvenWithAValidCrc() {
    // Given a batch whose single record has an unknown type, with the CRC recomputed over it
    byte[] batch =
        MetadataRecordSerde.encodeRecords(List.of(new RemoveTopicRecord(new UUID(1, 2))));
    batch[MetadataRecordSerde.HEADER_BYTES + 4] = 99;
    recomputeCrc(batch);

    // When / Then decoding fails with a typed exception naming the problem
    assertThatThrownBy(() -> MetadataRecordSerde.decodeRecords(ByteBuffer.wrap(batch)))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining("unknown record type 99");
  }

  @Test
  void shouldRejectAHugeCountWithoutAllocatingIt() {
    // Given a batch whose record count claims two billion records, with a valid CRC
    byte[] batch = MetadataRecordSerde.encodeRecords(List.of());
    ByteBuffer.wrap(batch).putInt(MetadataRecordSerde.HEADER_BYTES, Integer.MAX_VALUE);
    recomputeCrc(batch);

    // When / Then decoding fails on the count
    assertThatThrownBy(() -> MetadataRecordSerde.decodeRecords(ByteBuffer.wrap(batch)))
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining("count");
  }

  private static byte[] flipBit(byte[] bytes, int bit) {
    byte[] copy = bytes.clone();
    copy[bit / 8] ^= (byte) (1 << (bit % 8));
    return copy;
  }

  private static void recomputeCrc(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, 10, bytes.length - 10);
    ByteBuffer.wrap(bytes).putInt(6, (int) crc.getValue());
  }

  /** Seeded random records over a small id space, so later records hit earlier topics. */
  static final class RandomMetadata {
    private final Random random;
    private final List<UUID> topicIds = new ArrayList<>();

    RandomMetadata(long seed) {
      this.random = new Random(seed);
    }

    List<MetadataRecord> records(int maxCount) {
      int count = maxCount == 0 ? 0 : random.nextInt(maxCount + 1);
      List<MetadataRecord> records = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        records.add(record());
      }
      return records;
    }

    MetadataImage image(int maxRecords) {
      MetadataImage image = MetadataImage.EMPTY;
      long offset = random.nextInt(5);
      for (MetadataRecord r : records(maxRecords)) {
        offset += 1 + random.nextInt(3);
        image = image.apply(offset, r);
      }
      return image;
    }

    MetadataRecord record() {
      switch (random.nextInt(6)) {
        case 0:
          return new BrokerRecord(
              random.nextInt(5),
              random.nextLong(),
              string(),
              random.nextInt(65536),
              BrokerState.values()[random.nextInt(BrokerState.values().length)]);
        case 1:
          UUID id = new UUID(random.nextLong(), random.nextLong());
          topicIds.add(id);
          return new TopicRecord(topicName(), id);
        case 2:
          return new PartitionRecord(
              topicId(),
              random.nextInt(4),
              ints(),
              ints(),
              random.nextInt(5) - 1,
              random.nextInt(100),
              random.nextInt(100));
        case 3:
          return new RemoveTopicRecord(topicId());
        case 4:
          return new MetadataRecord.ReassignmentRecord(
              topicId(), random.nextInt(4), ints(), random.nextInt(3) == 0 ? List.of() : ints());
        default:
          return new TopicConfigRecord(
              topicName(), "k" + random.nextInt(3), random.nextInt(4) == 0 ? null : string());
      }
    }

    private UUID topicId() {
      if (topicIds.isEmpty() || random.nextInt(5) == 0) {
        return new UUID(random.nextLong(), random.nextLong());
      }
      return topicIds.get(random.nextInt(topicIds.size()));
    }

    private String topicName() {
      return "topic-" + random.nextInt(6);
    }

    private String string() {
      String[] pieces = {"", "a", "broker.local", "ünïcødé", "日本", "x".repeat(300)};
      return pieces[random.nextInt(pieces.length)] + random.nextInt(1000);
    }

    private List<Integer> ints() {
      List<Integer> values = new ArrayList<>();
      for (int i = random.nextInt(5); i > 0; i--) {
        values.add(random.nextInt(10));
      }
      return values;
    }
  }
}
