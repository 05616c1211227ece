/** Topic configuration: definitions, precedence, persistence. */
package io.logstore.broker.topic;
