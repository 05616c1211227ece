package io.logstore.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free loopback ports for servers a test starts (in process or as child processes).
 *
 * <p>Ports are drawn below the kernel's ephemeral range ({@code ip_local_port_range}), one after
 * another from a random start, and probed free. A port from the ephemeral range could be taken
 * between the probe and the server's bind by any outgoing connection or {@code bind(0)}; below the
 * range only another explicit bind can take it.
 */
final class FreePorts {

  private static final int LOWEST = 10_000;
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int DEFAULT_EPHEMERAL_START = 32_768;
  private static final int LIMIT = ephemeralStart();
  private static final AtomicInteger NEXT =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(LIMIT - LOWEST));

  private FreePorts() {}

  /** A loopback port below the ephemeral range that was free a moment ago and not handed out. */
  static int next() {
    for (int probes = 0; probes < 1_000; probes++) {
      int port = LOWEST + Math.floorMod(NEXT.getAndIncrement(), LIMIT - LOWEST);
      if (free(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free loopback port in " + LOWEST + ".." + LIMIT);
  }

  private static boolean free(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      // Without SO_REUSEADDR a port still in TIME_WAIT counts as taken: the next one is used.
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first ephemeral port of this machine, or Linux' default where it cannot be read. */
  static int ephemeralStart() {
    try {
      String[] range = Files.readString(EPHEMERAL_RANGE).trim().split("\\s+");
      int start = Integer.parseInt(range[0]);
      return start > LOWEST + 1_000 ? start : DEFAULT_EPHEMERAL_START;
    } catch (IOException | RuntimeException e) {
      return DEFAULT_EPHEMERAL_START;
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
