package io.logstore.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Extra broker settings ({@code key=value}, Kafka property names) for the brokers that {@link
 * Brokers} starts for the annotated test class: server.properties lines for the Kafka reference,
 * {@code --override}s for LogStore.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface BrokerConfig {

  /** Settings as {@code key=value}. */
  String[] value();
}
