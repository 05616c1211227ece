package io.logstore.broker.handler;

import io.logstore.broker.dispatch.AbstractApiHandler;
import io.logstore.broker.dispatch.RequestContext;
import io.logstore.broker.partition.Partition;
import io.logstore.broker.partition.TopicInfo;
import io.logstore.broker.partition.TopicManager;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeLogDirs v1-4: the data directory with each partition's size and lag (log end offset minus
 * high watermark), and the volume's total and usable bytes.
 */
public final class DescribeLogDirsHandler extends AbstractApiHandler<DescribeLogDirsRequestData> {
  private final TopicManager topics;

  public DescribeLogDirsHandler(TopicManager topics) {
    super(ApiKeys.DESCRIBE_LOG_DIRS, 1, 4);
    this.topics = topics;
  }

  @Override
  public CompletionStage<ApiMessage> handle(
      RequestContext context, DescribeLogDirsRequestData request) {
    DescribeLogDirsResult dir =
        new DescribeLogDirsResult()
            .setLogDir(topics.dataDir().toAbsolutePath().toString())
            .setErrorCode(Errors.NONE.code());
    try {
      FileStore store = Files.getFileStore(topics.dataDir());
      dir.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
    } catch (IOException e) {
      dir.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
    }
    List<DescribableLogDirTopic> wanted = new ArrayList<>();
    if (request.topics() == null) {
      for (TopicInfo topic : topics.topics()) {
        DescribableLogDirTopic all = new DescribableLogDirTopic().setTopic(topic.name());
        topic.partitions().forEach(p -> all.partitions().add(p.index()));
        wanted.add(all);
      }
    } else {
      wanted.addAll(request.topics());
    }
    for (DescribableLogDirTopic want : wanted) {
      DescribeLogDirsTopic result = new DescribeLogDirsTopic().setName(want.topic());
      for (int index : want.partitions()) {
        Optional<Partition> partition = topics.partition(want.topic(), index);
        partition.ifPresent(
            p ->
                result
                    .partitions()
                    .add(
                        new DescribeLogDirsPartition()
                            .setPartitionIndex(index)
                            .setPartitionSize(p.sizeInBytes())
                            .setOffsetLag(p.offsetLag())
                            .setIsFutureKey(false)));
      }
      if (!result.partitions().isEmpty()) {
        dir.topics().add(result);
      }
    }
    DescribeLogDirsResponseData response = new DescribeLogDirsResponseData();
    response.results().add(dir);
    return CompletableFuture.completedFuture(response.setErrorCode(Errors.NONE.code()));
  }
}
