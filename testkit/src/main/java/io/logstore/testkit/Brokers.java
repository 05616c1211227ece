package io.logstore.testkit;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;

/**
 * JUnit 5 arguments: one {@link BrokerUnderTest} per selected broker, each started once per test
 * class (on first use) and stopped when the class finishes.
 *
 * <p>Selection: system property {@value #SELECTION_PROPERTY} = {@code kafka}, {@code logstore} or
 * {@code kafka,logstore} (the default). With Maven: {@code mvn verify -Dcompat.brokers=kafka}.
 * Broker settings come from {@link BrokerConfig} on the test class.
 */
public final class Brokers implements ArgumentsProvider {

  /** System property selecting the brokers. */
  public static final String SELECTION_PROPERTY = "compat.brokers";

  /** Name of the Apache Kafka reference broker. */
  public static final String KAFKA = "kafka";

  /** Name of the LogStore broker. */
  public static final String LOGSTORE = "logstore";

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(Brokers.class);

  @Override
  public Stream<? extends Arguments> provideArguments(ExtensionContext context) {
    ExtensionContext classContext = classContext(context);
    Map<String, String> config = config(classContext);
    ExtensionContext.Store store = classContext.getStore(NAMESPACE);
    return selected().stream()
        .map(
            name ->
                store
                    .getOrComputeIfAbsent(
                        name, key -> new Running(startBroker(key, config)), Running.class)
                    .broker())
        .map(broker -> Arguments.of(Named.of(broker.name(), broker)));
  }

  /** The selected broker names, in a stable order: kafka first. */
  public static List<String> selected() {
    String value = System.getProperty(SELECTION_PROPERTY, KAFKA + "," + LOGSTORE);
    List<String> names =
        Arrays.stream(value.split(","))
            .map(s -> s.strip().toLowerCase(Locale.ROOT))
            .filter(s -> !s.isEmpty())
            .distinct()
            .sorted()
            .toList();
    for (String name : names) {
      if (!name.equals(KAFKA) && !name.equals(LOGSTORE)) {
        throw new IllegalArgumentException(
            SELECTION_PROPERTY + "=" + value + ": unknown broker " + name + " (kafka, logstore)");
      }
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException(SELECTION_PROPERTY + " selects no broker");
    }
    return names;
  }

  /** Starts a broker by name with {@code config}; the caller closes it. */
  public static AutoCloseableBroker startBroker(String name, Map<String, String> config) {
    return switch (name) {
      case KAFKA -> new AutoCloseableBroker(KafkaReferenceBroker.start(config));
      case LOGSTORE -> new AutoCloseableBroker(LogStoreBroker.start(config));
      default -> throw new IllegalArgumentException("unknown broker " + name);
    };
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext current = context;
    while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
      current = current.getParent().get();
    }
    return current;
  }

  private static Map<String, String> config(ExtensionContext classContext) {
    Map<String, String> config = new LinkedHashMap<>();
    classContext
        .getTestClass()
        .map(type -> type.getAnnotation(BrokerConfig.class))
        .ifPresent(
            annotation -> {
              for (String entry : annotation.value()) {
                int eq = entry.indexOf('=');
                if (eq <= 0) {
                  throw new IllegalArgumentException(
                      "@BrokerConfig entry is not key=value: " + entry);
                }
                config.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
              }
            });
    return config;
  }

  /** A started broker of either kind, closed through one handle. */
  public record AutoCloseableBroker(BrokerUnderTest broker) implements AutoCloseable {
    @Override
    public void close() {
      if (broker instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          throw new IllegalStateException("cannot stop " + broker, e);
        }
      }
    }
  }

  /** Keeps a broker in the class-level store; JUnit closes it when the class finishes. */
  private record Running(AutoCloseableBroker handle)
      implements ExtensionContext.Store.CloseableResource {

    BrokerUnderTest broker() {
      return handle.broker();
    }

    @Override
    public void close() {
      handle.close();
    }
  }
}
