package io.logstore.replication.metadata.ratis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.logstore.replication.controller.ControllerLogic;
import io.logstore.replication.controller.ControllerService;
import io.logstore.replication.errors.ReplicationError;
import io.logstore.replication.metadata.BrokerState;
import io.logstore.replication.metadata.CommandOutcome;
import io.logstore.replication.metadata.ControllerCommand;
import io.logstore.replication.metadata.CorruptMetadataException;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.QuorumStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The quorum of one on a temporary directory: no network, so a unit test. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LocalMetadataQuorumTest {
  private static final Duration AWAIT = Duration.ofSeconds(10);
  private static final long TIMEOUT_SECONDS = 10;
  private static final int NODE = 1;
  private static final UUID ORDERS = new UUID(42, 1);
  private static final UUID PAYMENTS = new UUID(42, 2);
  private static final FileTime LONG_AGO = FileTime.fromMillis(1_000_000_000_000L);

  @TempDir Path tmp;

  private final List<LocalMetadataQuorum> started = new ArrayList<>();

  @AfterEach
  void closeAll() {
    started.forEach(LocalMetadataQuorum::close);
  }

  @Test
  void shouldApplyCommandsInOrderAndPublishEachImage() throws Exception {
    // Given a fresh quorum and a listener
    LocalMetadataQuorum quorum = start();
    List<MetadataImage> seen = new CopyOnWriteArrayList<>();
    List<String> listenerThreads = new CopyOnWriteArrayList<>();
    quorum.addListener(
        image -> {
          listenerThreads.add(Thread.currentThread().getName());
          seen.add(image);
        });

    // When a broker registers and a topic is created
    CommandOutcome registered = execute(quorum, register(1));
    CommandOutcome created =
        execute(quorum, new ControllerCommand.CreateTopic("orders", ORDERS, 2, 1));

    // Then both succeed and the image holds the broker and the topic, one offset per command
    assertThat(registered.error()).isEqualTo(ReplicationError.NONE);
    assertThat(created.error()).isEqualTo(ReplicationError.NONE);
    MetadataImage image = quorum.image();
    assertThat(image.broker(1).orElseThrow().state()).isEqualTo(BrokerState.ACTIVE);
    assertThat(image.topic("orders").orElseThrow().partitions()).hasSize(2);
    assertThat(image.partition(ORDERS, 1).orElseThrow().leader()).isEqualTo(1);
    assertThat(image.offset()).isEqualTo(1);
    // And the listener got the empty image, then each new one in order, on the listener thread
    await()
        .atMost(AWAIT)
        .untilAsserted(
            () -> assertThat(seen).extracting(MetadataImage::offset).containsExactly(-1L, 0L, 1L));
    assertThat(seen.get(1).broker(1)).isPresent();
    assertThat(seen.get(1).topic("orders")).isEmpty();
    assertThat(seen.get(2)).isEqualTo(image);
    assertThat(listenerThreads).containsOnly("logstore-metadata-listener-" + NODE);
  }

  @Test
  void shouldRecoverTheImageFromItsFileAfterARestart() throws Exception {
    // Given a quorum that registered a broker and created a topic, then closed
    LocalMetadataQuorum first = start();
    execute(first, register(1));
    execute(first, new ControllerCommand.CreateTopic("orders", ORDERS, 1, 1));
    MetadataImage before = first.image();
    first.close();

    // When it starts again from the same directory
    LocalMetadataQuorum second = start();

    // Then it holds the same image, and a listener added gets it at once
    assertThat(second.image()).isEqualTo(before);
    assertThat(second.image().broker(1)).isPresent();
    assertThat(second.image().topic("orders")).isPresent();
    assertThat(second.leaderStatus(0).orElseThrow().highWatermark()).isEqualTo(before.offset() + 1);
    List<MetadataImage> seen = new CopyOnWriteArrayList<>();
    second.addListener(seen::add);
    await().atMost(AWAIT).untilAsserted(() -> assertThat(seen).containsExactly(before));
    // And a new command applies after it, at the next offset
    CommandOutcome more =
        execute(second, new ControllerCommand.CreateTopic("payments", PAYMENTS, 1, 1));
    assertThat(more.error()).isEqualTo(ReplicationError.NONE);
    assertThat(second.image().offset()).isEqualTo(before.offset() + 1);
    assertThat(second.image().topic("orders")).isPresent();
    assertThat(second.image().topic("payments")).isPresent();
  }

  @Test
  void shouldCompleteARefusedCommandWithoutWritingAnything() throws Exception {
    // Given one registered broker, its image on disk with a recognisable modification time
    LocalMetadataQuorum quorum = start();
    execute(quorum, register(1));
    MetadataImage before = quorum.image();
    Path file = dir().resolve(LocalMetadataQuorum.IMAGE_FILE);
    byte[] bytesBefore = Files.readAllBytes(file);
    Files.setLastModifiedTime(file, LONG_AGO);

    // When a topic with two replicas per partition is asked for
    CommandOutcome refused =
        execute(quorum, new ControllerCommand.CreateTopic("orders", ORDERS, 1, 2));

    // Then the controller refuses it and neither the image nor the file changed
    assertThat(refused.error()).isEqualTo(ReplicationError.INVALID_REPLICATION_FACTOR);
    assertThat(refused.records()).isEmpty();
    assertThat(quorum.image()).isSameAs(before);
    assertThat(quorum.leaderStatus(0).orElseThrow().highWatermark()).isEqualTo(before.offset() + 1);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(LONG_AGO);
    assertThat(Files.readAllBytes(file)).isEqualTo(bytesBefore);
  }

  @Test
  void shouldKeepTheOldImageAndTakeNoOffsetWhenTheWriteFails() throws Exception {
    // Given a registered broker, a listener, and a directory where the temporary file goes
    LocalMetadataQuorum quorum = start();
    execute(quorum, register(1));
    MetadataImage before = quorum.image();
    List<MetadataImage> seen = new CopyOnWriteArrayList<>();
    quorum.addListener(seen::add);
    Path obstacle = dir().resolve(LocalMetadataQuorum.IMAGE_FILE + ".tmp");
    Files.createDirectory(obstacle);

    // When a topic is created
    CompletableFuture<CommandOutcome> failed =
        quorum.execute(new ControllerCommand.CreateTopic("orders", ORDERS, 1, 1));

    // Then the command fails with the I/O error and the image stays as it was
    assertThatThrownBy(() -> failed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class)
        .hasMessageContaining("could not write");
    assertThat(quorum.image()).isSameAs(before);
    assertThat(quorum.image().topic("orders")).isEmpty();
    // And once the disk works again the next change takes the offset the failed one did not
    Files.delete(obstacle);
    execute(quorum, new ControllerCommand.CreateTopic("orders", ORDERS, 1, 1));
    assertThat(quorum.image().offset()).isEqualTo(before.offset() + 1);
    await()
        .atMost(AWAIT)
        .untilAsserted(() -> assertThat(seen).containsExactly(before, quorum.image()));
  }

  @Test
  void shouldAnswerQueriesWithTheInstalledHandlerAndLeadAlone() throws Exception {
    // Given a fresh quorum without a query handler
    LocalMetadataQuorum quorum = start();

    // When it is queried, then it fails for want of a handler
    assertThatThrownBy(
            () -> quorum.queryController(new byte[] {1}).get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);

    // When a handler is installed, then it answers on the caller's thread
    List<Thread> handlerThreads = new CopyOnWriteArrayList<>();
    quorum.setControllerQueryHandler(
        request -> {
          handlerThreads.add(Thread.currentThread());
          return new byte[] {(byte) (request[0] + 1)};
        });
    byte[] answer = quorum.queryController(new byte[] {1}).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(answer).containsExactly(2);
    assertThat(handlerThreads).containsExactly(Thread.currentThread());

    // When the handler throws, then the query fails with its exception
    quorum.setControllerQueryHandler(
        request -> {
          throw new IllegalArgumentException("not a heartbeat");
        });
    assertThatThrownBy(
            () -> quorum.queryController(new byte[] {1}).get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasRootCauseMessage("not a heartbeat");

    // And the node is the leader of a quorum of one, caught up at its own log end
    assertThat(quorum.isController()).isTrue();
    assertThat(quorum.controllerId()).isEqualTo(OptionalInt.of(NODE));
    assertThat(quorum.leaderStatus(1_234))
        .contains(
            new QuorumStatus(NODE, 1, 0, List.of(new QuorumStatus.Voter(NODE, 0, 1_234, 1_234))));
    execute(quorum, register(1));
    assertThat(quorum.leaderStatus(1_234).orElseThrow().highWatermark()).isEqualTo(1);
  }

  @Test
  void shouldServeTheControllerServiceWithoutANetwork() throws Exception {
    // Given a registered broker and the controller service on the quorum (its timer idle)
    LocalMetadataQuorum quorum = start();
    execute(quorum, register(1));
    ControllerService controller = ControllerService.start(quorum, 60_000, () -> 5_000L, 60_000);
    try {
      // When the broker and an unknown one heartbeat, and the quorum is described
      BrokerState known =
          ControllerService.heartbeat(quorum, 1, 101).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      BrokerState unknown =
          ControllerService.heartbeat(quorum, 2, 1).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      QuorumStatus status =
          ControllerService.describeQuorum(quorum).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);

      // Then the answers come from this node's image and status
      assertThat(known).isEqualTo(BrokerState.ACTIVE);
      assertThat(unknown).isEqualTo(BrokerState.FENCED);
      assertThat(status).isEqualTo(quorum.leaderStatus(5_000).orElseThrow());
    } finally {
      controller.close();
    }
  }

  @Test
  void shouldFailCommandsAfterClose() throws Exception {
    // Given a closed quorum
    LocalMetadataQuorum quorum = start();
    quorum.close();

    // When a command is executed
    CompletableFuture<CommandOutcome> late = quorum.execute(register(1));

    // Then it fails because the quorum is closed, and the node no longer leads
    assertThatThrownBy(() -> late.get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class)
        .hasRootCauseMessage("metadata quorum " + NODE + " is closed");
    assertThat(quorum.isController()).isFalse();
    assertThat(quorum.leaderStatus(0)).isEmpty();
    assertThat(quorum.image()).isEqualTo(MetadataImage.EMPTY);
  }

  @Test
  void shouldRefuseToStartFromACorruptImageFile() throws Exception {
    // Given an image file with one byte flipped
    LocalMetadataQuorum quorum = start();
    execute(quorum, register(1));
    quorum.close();
    Path file = dir().resolve(LocalMetadataQuorum.IMAGE_FILE);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 1;
    Files.write(file, bytes);

    // When / Then starting from it fails, naming the file
    assertThatThrownBy(() -> start())
        .isInstanceOf(CorruptMetadataException.class)
        .hasMessageContaining(file.toString());
  }

  /** A directory below one that does not exist yet: start creates both. */
  private Path dir() {
    return tmp.resolve("data").resolve("__metadata");
  }

  private LocalMetadataQuorum start() throws IOException {
    LocalMetadataQuorum quorum = LocalMetadataQuorum.start(NODE, dir(), new ControllerLogic(false));
    started.add(quorum);
    return quorum;
  }

  private static CommandOutcome execute(LocalMetadataQuorum quorum, ControllerCommand command)
      throws Exception {
    return quorum.execute(command).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private static ControllerCommand.RegisterBroker register(int brokerId) {
    return new ControllerCommand.RegisterBroker(brokerId, 100 + brokerId, "localhost", 9092);
  }
}
