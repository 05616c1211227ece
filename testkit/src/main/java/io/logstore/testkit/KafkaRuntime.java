package io.logstore.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Apache Kafka 4.3.1 broker and tools runtime, used only by forked JVMs.
 *
 * <p>testkit's build writes the resolved classpath (kafka_2.13, kafka-tools, log4j2 and their
 * dependencies, all {@code provided} so they never reach a consumer's classpath) into the resource
 * {@value #CLASSPATH_RESOURCE}.
 */
final class KafkaRuntime {

  static final String CLASSPATH_RESOURCE = "kafka-runtime.classpath";

  private static final String LOG4J2_TEMPLATE =
      String.join(
          "\n",
          "status = warn",
          "appender.out.type = Console",
          "appender.out.name = OUT",
          "appender.out.target = %s",
          "appender.out.layout.type = PatternLayout",
          "appender.out.layout.pattern = [%%d] %%p %%m (%%c)%%n",
          "rootLogger.level = %s",
          "rootLogger.appenderRef.out.ref = OUT",
          "");

  private static volatile String classpath;

  private KafkaRuntime() {}

  /** The runtime classpath, in the platform's path separator format. */
  static String classpath() {
    String cached = classpath;
    if (cached == null) {
      try (InputStream in = KafkaRuntime.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(
              "resource io/logstore/testkit/"
                  + CLASSPATH_RESOURCE
                  + " is missing: build testkit with Maven (generate-resources)");
        }
        cached = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + CLASSPATH_RESOURCE, e);
      }
      classpath = cached;
    }
    return cached;
  }

  /**
   * Writes a log4j2 configuration into {@code dir}: everything at {@code level} to the console
   * stream {@code target} ({@code SYSTEM_OUT} or {@code SYSTEM_ERR}).
   */
  static Path writeLog4jConfig(Path dir, String target, String level) {
    Path file = dir.resolve("log4j2.properties");
    try {
      Files.writeString(file, String.format(LOG4J2_TEMPLATE, target, level));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    return file;
  }

  /** {@code java -cp <kafka runtime> [jvmArgs] mainClass [args]}. */
  static List<String> javaCommand(
      Path log4jConfig, List<String> jvmArgs, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Processes.javaExecutable());
    command.add("-Dlog4j2.configurationFile=" + log4jConfig);
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add(classpath());
    command.add(mainClass);
    command.addAll(args);
    return command;
  }
}
