package io.logstore.broker;

import io.logstore.broker.config.BrokerConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;

/**
 * {@code logstore [PROPERTIES_FILE] [--override key=value]...}: runs one broker in the foreground
 * until SIGTERM or SIGINT, then shuts down cleanly. With no arguments it listens on 127.0.0.1:9092
 * and keeps data under ./data.
 */
public final class LogStoreMain {
  private LogStoreMain() {}

  public static void main(String[] args) {
    StartupWarmup.start();
    Map<String, String> props;
    BrokerConfig config;
    try {
      props = parseArgs(args);
      config = BrokerConfig.parse(props);
    } catch (IllegalArgumentException | ConfigException | IOException e) {
      System.err.println("logstore: " + e.getMessage());
      System.err.println("usage: logstore [PROPERTIES_FILE] [--override key=value]...");
      System.exit(2);
      return;
    }
    Broker broker;
    try {
      broker = Broker.start(config, Clock.systemUTC());
    } catch (BrokerStartupException e) {
      System.err.println("logstore: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  broker.close();
                  stopped.countDown();
                },
                "logstore-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Map<String, String> parseArgs(String[] args) throws IOException {
    Map<String, String> props = new LinkedHashMap<>();
    int i = 0;
    if (args.length > 0 && !args[0].startsWith("--")) {
      props.putAll(load(Path.of(args[0])));
      i = 1;
    }
    for (; i < args.length; i++) {
      if (!args[i].equals("--override") || i + 1 >= args.length) {
        throw new IllegalArgumentException("unexpected argument: " + args[i]);
      }
      String pair = args[++i];
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--override takes key=value, got: " + pair);
      }
      props.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return props;
  }

  private static Map<String, String> load(Path file) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    Map<String, String> props = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      props.put(key, properties.getProperty(key).trim());
    }
    return props;
  }
}
