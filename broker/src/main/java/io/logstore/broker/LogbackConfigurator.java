package io.logstore.broker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The broker's default logging setup, in code instead of {@code logback.xml}: parsing an XML file
 * with Joran took about 200 ms of the broker's start-up. Found by Logback through {@code
 * META-INF/services/ch.qos.logback.classic.spi.Configurator}.
 *
 * <p>Console output with {@code %d{ISO8601} %-5level [%thread] %logger{36} - %msg%n}; the root
 * level comes from {@code LOGSTORE_LOG_LEVEL} (default INFO); Netty, kafka-clients and Apache Ratis
 * log at WARN (Ratis's client retries during elections not at all). A user's own file still wins:
 * with {@code -Dlogback.configurationFile=...} (or a {@code logback-test.xml} on the class path, as
 * in tests) this configurator steps aside and Logback's usual lookup runs.
 */
public final class LogbackConfigurator extends ContextAwareBase implements Configurator {

  static final String PATTERN = "%d{ISO8601} %-5level [%thread] %logger{36} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    boolean userFile =
        System.getProperty("logback.configurationFile") != null
            || LogbackConfigurator.class.getClassLoader().getResource("logback-test.xml") != null;
    return configure(context, userFile, System.getenv("LOGSTORE_LOG_LEVEL"));
  }

  static ExecutionStatus configure(LoggerContext context, boolean userFile, String rootLevel) {
    if (userFile) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("STDOUT");
    console.setEncoder(encoder);
    console.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(rootLevel, Level.INFO));
    root.addAppender(console);
    context.getLogger("io.netty").setLevel(Level.WARN);
    context.getLogger("org.apache.kafka").setLevel(Level.WARN);
    context.getLogger("org.apache.ratis").setLevel(Level.WARN);
    // Ratis's client logs every retried request as an ERROR while a leader is being elected;
    // LogStore retries and reports real failures itself.
    context.getLogger("org.apache.ratis.client.impl.OrderedAsync").setLevel(Level.OFF);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
