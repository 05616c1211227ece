package io.logstore.coordinator.group;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The states of a classic group, with the states each may be entered from (Kafka's classic group
 * protocol). {@link ClassicGroup#transitionTo} is the one place a group changes state; an illegal
 * transition throws.
 *
 * <pre>
 *   Empty ──join──▶ PreparingRebalance ──all joined / timeout──▶ CompletingRebalance
 *     ▲                 │      ▲                                     │        │
 *     └─ all members ◀──┘      └──── join, leave, expiry ────────────┘        │ leader's sync
 *        left/expired          └──── join, leave, expiry ◀── Stable ◀─────────┘
 *   any state ──delete / all offsets expired──▶ Dead
 * </pre>
 */
public enum GroupState {
  EMPTY("Empty"),
  PREPARING_REBALANCE("PreparingRebalance"),
  COMPLETING_REBALANCE("CompletingRebalance"),
  STABLE("Stable"),
  DEAD("Dead");

  private final String kafkaName;
  private Set<GroupState> validPrevious;

  static {
    EMPTY.validPrevious = EnumSet.of(PREPARING_REBALANCE);
    PREPARING_REBALANCE.validPrevious = EnumSet.of(STABLE, COMPLETING_REBALANCE, EMPTY);
    COMPLETING_REBALANCE.validPrevious = EnumSet.of(PREPARING_REBALANCE);
    STABLE.validPrevious = EnumSet.of(COMPLETING_REBALANCE);
    DEAD.validPrevious = EnumSet.of(STABLE, PREPARING_REBALANCE, COMPLETING_REBALANCE, EMPTY, DEAD);
  }

  GroupState(String kafkaName) {
    this.kafkaName = kafkaName;
  }

  /** The name Kafka reports in DescribeGroups and ListGroups. */
  public String kafkaName() {
    return kafkaName;
  }

  /** Whether a group in {@code from} may move to this state. */
  public boolean canFollow(GroupState from) {
    return validPrevious.contains(from);
  }

  /** Parses a ListGroups states filter entry, case-insensitively; null if unknown. */
  public static GroupState parse(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (GroupState state : values()) {
      if (state.kafkaName.toLowerCase(Locale.ROOT).equals(lower)) {
        return state;
      }
    }
    return null;
  }
}
