package io.logstore.broker;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.epoll.Epoll;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;

/**
 * Loads and initialises the heavy classes the broker needs before its first answer, on a second
 * thread while the main thread reads the configuration, sets up logging and opens the logs.
 * Initialising {@link ApiKeys} alone loads every message schema of kafka-clients (about 190 ms);
 * Netty's epoll library and pooled allocator another 100 ms; {@link Errors} and the request classes
 * the first request needs another 100 ms. The JVM's class-initialisation lock makes the main thread
 * wait for (instead of repeat) whatever this thread has begun, so the work overlaps and is never
 * done twice. Failures here are ignored: the main thread will meet them again and report them where
 * they matter.
 */
final class StartupWarmup {
  private StartupWarmup() {}

  static void start() {
    Thread t = new Thread(StartupWarmup::run, "logstore-startup-warmup");
    t.setDaemon(true);
    t.start();
  }

  private static void run() {
    try {
      int apis = ApiKeys.values().length;
      boolean epoll = Epoll.isAvailable();
      int arenas = PooledByteBufAllocator.DEFAULT.metric().numDirectArenas();
      PooledByteBufAllocator.DEFAULT.directBuffer(4096).release();
      // Errors' initialiser builds every exception class of kafka-clients (about 70 ms).
      apis += Errors.NONE.code() + AbstractRequest.class.getModifiers();
      if (apis + arenas < 0 || !epoll && apis < 0) {
        throw new AssertionError("unreachable");
      }
    } catch (RuntimeException | LinkageError e) {
      // Ignored, see the class comment.
    }
  }
}
