package io.logstore.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Locale;

/** Free loopback ports. There is a small race between closing the probe and the child binding. */
final class FreePorts {

  private FreePorts() {}

  static int next() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }

  /**
   * Whether {@code e} (or a cause or suppressed failure) reports a port that could not be bound: a
   * probed port was taken before the child bound it (any outgoing connection takes an ephemeral
   * port), so starting again on other ports is the remedy.
   */
  static boolean taken(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (message.contains("failed to bind") || message.contains("address already in use")) {
        return true;
      }
      for (Throwable suppressed : t.getSuppressed()) {
        if (taken(suppressed)) {
          return true;
        }
      }
    }
    return false;
  }
}
