/**
 * What every coordinator runs on: {@link io.logstore.coordinator.runtime.CoordinatorThread}, the
 * single thread that owns a coordinator's state, its commands, timers ({@link
 * io.logstore.coordinator.runtime.CoordinatorTimer}) and periodic tasks. Knows no coordinator.
 */
package io.logstore.coordinator.runtime;
