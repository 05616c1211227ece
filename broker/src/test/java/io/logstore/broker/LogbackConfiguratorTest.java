package io.logstore.broker;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import org.junit.jupiter.api.Test;

class LogbackConfiguratorTest {

  @Test
  void withoutAUserFileTheBrokerLogsToTheConsoleAtInfoAndQuietensNettyAndKafka() {
    // Given a fresh logging context and no user configuration file
    LoggerContext context = new LoggerContext();

    // When the broker's configurator runs
    ExecutionStatus status = LogbackConfigurator.configure(context, false, null);

    // Then it is the only configuration, with the console appender and the documented levels
    assertThat(status).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getLevel()).isEqualTo(Level.INFO);
    assertThat(root.getAppender("STDOUT")).isNotNull();
    assertThat(root.getAppender("STDOUT").isStarted()).isTrue();
    assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
    assertThat(context.getLogger("org.apache.kafka").getLevel()).isEqualTo(Level.WARN);
  }

  @Test
  void theRootLevelFollowsLogstoreLogLevel() {
    LoggerContext context = new LoggerContext();

    LogbackConfigurator.configure(context, false, "DEBUG");

    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
  }

  @Test
  void aUserFileTakesPrecedence() {
    // Given -Dlogback.configurationFile (or a logback-test.xml) is present
    LoggerContext context = new LoggerContext();

    // When the configurator runs
    ExecutionStatus status = LogbackConfigurator.configure(context, true, null);

    // Then it steps aside and adds nothing
    assertThat(status).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDOUT")).isNull();
  }
}
