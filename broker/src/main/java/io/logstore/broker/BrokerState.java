package io.logstore.broker;

import java.util.EnumSet;
import java.util.Set;

/** The broker's lifecycle. Transitions are checked in one place; an illegal one throws. */
enum BrokerState {
  CREATED,
  STARTING,
  RUNNING,
  STOPPING,
  STOPPED;

  Set<BrokerState> next() {
    return switch (this) {
      case CREATED -> EnumSet.of(STARTING);
      case STARTING -> EnumSet.of(RUNNING, STOPPING);
      case RUNNING -> EnumSet.of(STOPPING);
      case STOPPING -> EnumSet.of(STOPPED);
      case STOPPED -> EnumSet.noneOf(BrokerState.class);
    };
  }

  BrokerState transitionTo(BrokerState target) {
    if (!next().contains(target)) {
      throw new IllegalStateException("broker cannot go from " + this + " to " + target);
    }
    return target;
  }
}
