package io.logstore.broker;

import io.logstore.broker.admin.ConfigAdmin;
import io.logstore.broker.cluster.ClusterNode;
import io.logstore.broker.cluster.LogBootstrap;
import io.logstore.broker.cluster.ReplicaManager;
import io.logstore.broker.config.BrokerConfig;
import io.logstore.broker.dispatch.Dispatcher;
import io.logstore.broker.dispatch.HandlerRegistry;
import io.logstore.broker.dispatch.OffLoopHandler;
import io.logstore.broker.group.LogGroupStore;
import io.logstore.broker.handler.AlterConfigsHandler;
import io.logstore.broker.handler.AlterPartitionReassignmentsHandler;
import io.logstore.broker.handler.ApiVersionsHandler;
import io.logstore.broker.handler.BrokerIdentity;
import io.logstore.broker.handler.ClusterView;
import io.logstore.broker.handler.CreatePartitionsHandler;
import io.logstore.broker.handler.CreateTopicsHandler;
import io.logstore.broker.handler.DeleteGroupsHandler;
import io.logstore.broker.handler.DeleteRecordsHandler;
import io.logstore.broker.handler.DeleteTopicsHandler;
import io.logstore.broker.handler.DescribeClusterHandler;
import io.logstore.broker.handler.DescribeConfigsHandler;
import io.logstore.broker.handler.DescribeGroupsHandler;
import io.logstore.broker.handler.DescribeLogDirsHandler;
import io.logstore.broker.handler.DescribeQuorumHandler;
import io.logstore.broker.handler.DescribeTopicPartitionsHandler;
import io.logstore.broker.handler.ElectLeadersHandler;
import io.logstore.broker.handler.FetchHandler;
import io.logstore.broker.handler.FindCoordinatorHandler;
import io.logstore.broker.handler.HeartbeatHandler;
import io.logstore.broker.handler.IncrementalAlterConfigsHandler;
import io.logstore.broker.handler.InitProducerIdHandler;
import io.logstore.broker.handler.JoinGroupHandler;
import io.logstore.broker.handler.LeaderHints;
import io.logstore.broker.handler.LeaveGroupHandler;
import io.logstore.broker.handler.ListGroupsHandler;
import io.logstore.broker.handler.ListOffsetsHandler;
import io.logstore.broker.handler.ListPartitionReassignmentsHandler;
import io.logstore.broker.handler.MetadataHandler;
import io.logstore.broker.handler.OffsetCommitHandler;
import io.logstore.broker.handler.OffsetDeleteHandler;
import io.logstore.broker.handler.OffsetFetchHandler;
import io.logstore.broker.handler.OffsetForLeaderEpochHandler;
import io.logstore.broker.handler.ProduceHandler;
import io.logstore.broker.handler.SyncGroupHandler;
import io.logstore.broker.network.KafkaServer;
import io.logstore.broker.partition.KafkaRecordBatchCodec;
import io.logstore.broker.partition.PartitionService;
import io.logstore.broker.partition.TopicController;
import io.logstore.broker.partition.TopicManager;
import io.logstore.broker.producer.ProducerIdManager;
import io.logstore.broker.topic.ConfigResolver;
import io.logstore.broker.topic.DynamicBrokerConfigs;
import io.logstore.broker.topic.TopicConfigStore;
import io.logstore.coordinator.group.GroupConfig;
import io.logstore.coordinator.group.GroupCoordinator;
import io.logstore.replication.controller.ControllerService;
import io.logstore.replication.metadata.CommandOutcome;
import io.logstore.replication.metadata.ControllerCommand;
import io.logstore.replication.metadata.MetadataImage;
import io.logstore.replication.metadata.MetadataRecord;
import io.logstore.replication.metadata.QuorumStatus;
import io.logstore.storage.LogDirLockedException;
import io.logstore.storage.LogManager;
import io.logstore.storage.LogManagerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.internals.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One LogStore broker: storage, topics, handlers and the listener, started and stopped in order.
 * Stopping closes the listener first, then flushes the logs and writes their checkpoints and the
 * clean-shutdown marker.
 */
public final class Broker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Broker.class);

  private final BrokerConfig config;
  private final Clock clock;
  private final AtomicReference<BrokerIdentity> identity = new AtomicReference<>();
  private BrokerState state = BrokerState.CREATED;
  private LogManager logManager;
  private GroupCoordinator groupCoordinator;
  private KafkaServer server;

  /** Volatile: read by handlers on event loops without the broker's lock. */
  private volatile ClusterNode clusterNode;

  private volatile ReplicaManager replicaManager;

  private volatile TopicManager topics;

  private volatile TopicController topicController;

  /** Runs admin requests that create, delete or fsync files, off the event loops. */
  private ExecutorService adminExecutor;

  /** Writes producer id blocks ahead of demand, off the event loops. */
  private ExecutorService producerIdWriter;

  private InetSocketAddress boundAddress;

  private Broker(BrokerConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** Starts a broker; on failure everything already opened is closed again. */
  public static Broker start(BrokerConfig config, Clock clock) throws BrokerStartupException {
    Broker broker = new Broker(config, clock);
    try {
      broker.startUp();
      return broker;
    } catch (BrokerStartupException e) {
      broker.close();
      throw e;
    }
  }

  /**
   * Storage, then the metadata quorum (of one voter on a single broker) and the replica manager,
   * topics, groups and handlers, then the listener; the broker registers once it is bound and holds
   * requests (but ApiVersions) until its metadata caught up with its own registration.
   */
  private synchronized void startUp() throws BrokerStartupException {
    state = state.transitionTo(BrokerState.STARTING);
    Path dataDir = config.logDirs().get(0).toAbsolutePath();
    MetaProperties meta = openStorage(dataDir);
    ProducerIdManager producerIds = producerIds(dataDir, meta);
    clusterNode = startClusterNode(meta, dataDir);
    topics =
        new TopicManager(
            logManager,
            configResolver(dataDir),
            dataDir,
            meta.nodeId(),
            config.replicaLagTimeMaxMs());
    replicaManager =
        new ReplicaManager(
            clusterNode,
            topics,
            clock,
            config.replicaLagTimeMaxMs(),
            config.replicaFetchWaitMaxMs(),
            config.replicaFetchMaxBytes(),
            config.replicaSocketTimeoutMs());
    groupCoordinator = startGroups(topics, replicaManager);
    topicController = clusterNode.topicController(replicaManager, topics);
    adminExecutor = daemonExecutor("logstore-admin");
    HandlerRegistry registry =
        handlers(topics, topicController, producerIds, clusterView(clusterNode), meta);
    InetSocketAddress advertised = listen(registry, meta, replicaManager.caughtUp());
    clusterNode.join(advertised);
    state = state.transitionTo(BrokerState.RUNNING);
    log.info(
        "LogStore broker node.id={} cluster.id={} started on {} with data in {}",
        meta.nodeId(),
        meta.clusterId(),
        boundAddress,
        dataDir);
  }

  /** Opens the data directory and its logs (recovering them); returns its meta.properties. */
  private MetaProperties openStorage(Path dataDir) throws BrokerStartupException {
    try {
      Files.createDirectories(dataDir);
      logManager =
          LogManager.open(
              new LogManagerConfig(
                      config.logDirs(),
                      config.defaultLogConfig(),
                      config.retentionCheckIntervalMs(),
                      config.checkpointIntervalMs(),
                      config.flushThreads())
                  .withCleanerBackoffMs(config.logCleanerBackoffMs()),
              clock,
              config.logCleanerEnable() ? new KafkaRecordBatchCodec() : null);
      Map<Integer, InetSocketAddress> quorumVoters = config.controllerQuorumVoters();
      MetaProperties meta =
          MetaProperties.loadOrCreate(
              dataDir,
              config.nodeId(),
              quorumVoters.isEmpty() ? null : ClusterNode.clusterId(quorumVoters));
      return meta;
    } catch (LogDirLockedException e) {
      throw new BrokerStartupException(
          "Data directory " + dataDir + " is locked: another LogStore broker is using it", e);
    } catch (IOException e) {
      throw new BrokerStartupException(
          "Cannot open data directory " + dataDir + ": " + e.getMessage(), e);
    }
  }

  /** Producer ids unique for this broker (interleaved by node id across a cluster). */
  private ProducerIdManager producerIds(Path dataDir, MetaProperties meta)
      throws BrokerStartupException {
    producerIdWriter = daemonExecutor("logstore-producer-ids");
    try {
      return new ProducerIdManager(
          dataDir, meta.nodeId(), ProducerIdManager.CLUSTER_STRIDE, producerIdWriter);
    } catch (IOException e) {
      throw new BrokerStartupException(
          "Cannot read the producer id block in " + dataDir + ": " + e.getMessage(), e);
    }
  }

  private ConfigResolver configResolver(Path dataDir) throws BrokerStartupException {
    try {
      return new ConfigResolver(config, new DynamicBrokerConfigs(dataDir, config.nodeId()));
    } catch (IOException e) {
      throw new BrokerStartupException("Cannot load dynamic broker configs in " + dataDir, e);
    }
  }

  /**
   * Starts this broker's metadata-quorum voter and controller service: of the Raft group of {@code
   * controller.quorum.voters}, or of a quorum of one without voters (bootstrapped from the logs on
   * disk the first time, see {@link LogBootstrap}).
   */
  private ClusterNode startClusterNode(MetaProperties meta, Path dataDir)
      throws BrokerStartupException {
    Map<Integer, InetSocketAddress> voters = config.controllerQuorumVoters();
    try {
      return ClusterNode.start(
          meta.nodeId(),
          voters,
          dataDir,
          () -> bootstrapRecords(dataDir, meta.nodeId()),
          config.brokerSessionTimeoutMs(),
          config.brokerHeartbeatIntervalMs(),
          config.uncleanLeaderElectionEnable(),
          config.leaderBalanceIntervalMs(),
          clock);
    } catch (IOException | RuntimeException e) {
      throw new BrokerStartupException(
          "Cannot start the metadata quorum voter"
              + (voters.isEmpty() ? "" : " for " + voters)
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private List<MetadataRecord> bootstrapRecords(Path dataDir, int nodeId) {
    try {
      return LogBootstrap.records(
          logManager.logs(), new TopicConfigStore(dataDir).loadAll(), nodeId);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read topic configs in " + dataDir, e);
    }
  }

  /** The group coordinator, loading the groups of the offsets partitions this broker leads. */
  private GroupCoordinator startGroups(TopicManager topics, ReplicaManager replicas) {
    GroupCoordinator groups =
        GroupCoordinator.start(new LogGroupStore(topics, clock), groupConfig(config), clock);
    replicas.addRoleListener(
        changes -> {
          Set<Integer> led = new TreeSet<>();
          topics
              .topic(Topic.GROUP_METADATA_TOPIC_NAME)
              .ifPresent(
                  t ->
                      t.partitions().stream()
                          .filter(p -> p.isLeader())
                          .forEach(p -> led.add(p.index())));
          groups.onLeadership(led);
        });
    return groups;
  }

  /** One handler per API, in the registry ApiVersions is derived from. */
  private HandlerRegistry handlers(
      TopicManager topics,
      TopicController controller,
      ProducerIdManager producerIds,
      ClusterView cluster,
      MetaProperties meta) {
    ConfigAdmin configAdmin = new ConfigAdmin(topics, controller, meta.nodeId());
    LeaderHints hints = cluster.leaderHints();
    PartitionService partitions = new PartitionService(topics, replicaManager::send, clock);
    HandlerRegistry registry = new HandlerRegistry();
    registry
        .register(new ApiVersionsHandler(registry))
        .register(
            new MetadataHandler(
                identity::get,
                config.autoCreateTopicsEnable(),
                config.numPartitions(),
                cluster,
                config.defaultReplicationFactor()))
        .register(new ProduceHandler(topics, partitions, hints))
        .register(new FetchHandler(topics, partitions, hints))
        .register(new ListOffsetsHandler(partitions))
        .register(new InitProducerIdHandler(producerIds))
        .register(new OffsetForLeaderEpochHandler(partitions))
        .register(
            OffLoopHandler.on(
                adminExecutor,
                new CreateTopicsHandler(
                    topics, controller, config.numPartitions(), config.defaultReplicationFactor())))
        .register(
            OffLoopHandler.on(
                adminExecutor,
                new DeleteTopicsHandler(topics, controller, config.deleteTopicEnable())))
        .register(OffLoopHandler.on(adminExecutor, new CreatePartitionsHandler(topics, controller)))
        .register(new DescribeConfigsHandler(configAdmin))
        .register(OffLoopHandler.on(adminExecutor, new AlterConfigsHandler(configAdmin)))
        .register(OffLoopHandler.on(adminExecutor, new IncrementalAlterConfigsHandler(configAdmin)))
        .register(new DescribeClusterHandler(identity::get, cluster))
        .register(OffLoopHandler.on(adminExecutor, new ElectLeadersHandler(cluster)))
        .register(OffLoopHandler.on(adminExecutor, new AlterPartitionReassignmentsHandler(cluster)))
        .register(new ListPartitionReassignmentsHandler(cluster))
        .register(new DescribeTopicPartitionsHandler(cluster))
        .register(new DescribeLogDirsHandler(topics))
        .register(OffLoopHandler.on(adminExecutor, new DeleteRecordsHandler(partitions)))
        .register(
            new FindCoordinatorHandler(
                cluster, config.offsetsTopicPartitions(), config.offsetsTopicReplicationFactor()))
        .register(new JoinGroupHandler(groupCoordinator))
        .register(new SyncGroupHandler(groupCoordinator))
        .register(new HeartbeatHandler(groupCoordinator))
        .register(new LeaveGroupHandler(groupCoordinator))
        .register(
            new OffsetCommitHandler(groupCoordinator, topics, config.offsetMetadataMaxBytes()))
        .register(new OffsetFetchHandler(groupCoordinator, topics))
        .register(new ListGroupsHandler(groupCoordinator))
        .register(new DescribeGroupsHandler(groupCoordinator))
        .register(new DeleteGroupsHandler(groupCoordinator))
        .register(new OffsetDeleteHandler(groupCoordinator, topics))
        .register(
            OffLoopHandler.on(
                adminExecutor,
                new DescribeQuorumHandler(cluster, config.controllerQuorumVoters())));
    return registry;
  }

  /**
   * Binds the Kafka listener; returns the advertised address. Requests but ApiVersions are held
   * until {@code caughtUp} (the metadata holds this broker's registration).
   */
  private InetSocketAddress listen(
      HandlerRegistry registry, MetaProperties meta, CompletableFuture<Void> caughtUp)
      throws BrokerStartupException {
    InetSocketAddress listener = config.listenerAddress();
    InetSocketAddress advertised = config.advertisedAddress(listener.getPort());
    identity.set(
        new BrokerIdentity(
            meta.nodeId(), meta.clusterId(), advertised.getHostString(), advertised.getPort()));
    server = new KafkaServer(config.networkThreads());
    Dispatcher dispatcher = new Dispatcher(registry);
    dispatcher.holdUntil(caughtUp);
    try {
      boundAddress =
          server.start(
              new InetSocketAddress(listener.getHostString(), listener.getPort()),
              dispatcher,
              clock,
              config.socketRequestMaxBytes(),
              config.maxInflightRequestsPerConnection());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BrokerStartupException("Interrupted while binding " + listener, e);
    } catch (Exception e) {
      String address = listener.getHostString() + ":" + listener.getPort();
      if (isAddressInUse(e)) {
        throw new BrokerStartupException(
            "Cannot listen on " + address + ": address already in use", e);
      }
      throw new BrokerStartupException("Cannot listen on " + address + ": " + e, e);
    }
    if (listener.getPort() == 0) {
      advertised = config.advertisedAddress(boundAddress.getPort());
      identity.set(
          new BrokerIdentity(
              meta.nodeId(), meta.clusterId(), advertised.getHostString(), advertised.getPort()));
    }
    return advertised;
  }

  private static ExecutorService daemonExecutor(String threadName) {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, threadName);
          t.setDaemon(true);
          return t;
        });
  }

  private static GroupConfig groupConfig(BrokerConfig config) {
    return new GroupConfig(
        config.offsetsTopicPartitions(),
        config.groupInitialRebalanceDelayMs(),
        config.groupMinSessionTimeoutMs(),
        config.groupMaxSessionTimeoutMs(),
        config.groupMaxSize(),
        config.offsetsRetentionMs(),
        config.offsetsRetentionCheckIntervalMs(),
        config.offsetMetadataMaxBytes(),
        GroupConfig.defaults().newMemberJoinTimeoutMs());
  }

  /** A bind failure because the port is taken (epoll reports it as a native I/O error). */
  private static boolean isAddressInUse(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException
          || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
        return true;
      }
    }
    return false;
  }

  /** The handlers' view of the cluster. */
  private static ClusterView clusterView(ClusterNode node) {
    return new ClusterView() {
      @Override
      public MetadataImage image() {
        return node.image();
      }

      @Override
      public int controllerId() {
        return node.controllerId().orElse(-1);
      }

      @Override
      public CompletableFuture<CommandOutcome> execute(ControllerCommand command) {
        return node.quorum().execute(command);
      }

      @Override
      public CompletableFuture<QuorumStatus> describeQuorum() {
        return ControllerService.describeQuorum(node.quorum());
      }
    };
  }

  /** The topics and partitions this broker holds (for tests and tools in-process). */
  public TopicManager topics() {
    return topics;
  }

  /**
   * Completes once the broker serves requests: its metadata holds its own registration (at once for
   * a single broker; a cluster member needs its quorum).
   */
  public CompletableFuture<Void> ready() {
    return replicaManager.caughtUp();
  }

  /** Topic creation and deletion through the controller (for tests and tools in-process). */
  public TopicController topicController() {
    return topicController;
  }

  /** This broker's cluster membership (null only before it started). */
  public ClusterNode clusterNode() {
    return clusterNode;
  }

  public synchronized InetSocketAddress boundAddress() {
    return boundAddress;
  }

  @Override
  public synchronized void close() {
    if (state == BrokerState.STOPPED || state == BrokerState.STOPPING) {
      return;
    }
    if (state == BrokerState.CREATED) {
      state = BrokerState.STOPPED;
      return;
    }
    state = state.transitionTo(BrokerState.STOPPING);
    if (clusterNode != null) {
      clusterNode.close(); // controlled shutdown first, while clients can still be answered
    }
    if (replicaManager != null) {
      replicaManager.close();
    }
    if (server != null) {
      server.close();
    }
    if (adminExecutor != null) {
      adminExecutor.shutdown();
      try {
        if (!adminExecutor.awaitTermination(10, TimeUnit.SECONDS)) {
          log.warn("Admin requests still running at shutdown");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (producerIdWriter != null) {
      producerIdWriter.shutdown();
    }
    if (groupCoordinator != null) {
      groupCoordinator.close();
    }
    if (logManager != null) {
      logManager.close();
    }
    state = state.transitionTo(BrokerState.STOPPED);
    log.info("LogStore broker stopped");
  }
}
