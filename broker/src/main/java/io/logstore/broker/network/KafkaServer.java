package io.logstore.broker.network;

import io.logstore.broker.dispatch.Dispatcher;
import io.logstore.wire.FrameDecoder;
import io.logstore.wire.ResponseEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener: one acceptor thread and {@code networkThreads} event loops (native epoll when
 * available, so plaintext fetches use {@code sendfile}). Each connection is owned by one event loop
 * for its whole life.
 */
public final class KafkaServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaServer.class);

  private final EventLoopGroup acceptGroup;
  private final EventLoopGroup workerGroup;
  private final Class<? extends ServerChannel> channelType;
  private final boolean epoll;
  private Channel serverChannel;

  public KafkaServer(int networkThreads) {
    this.epoll = Epoll.isAvailable();
    if (epoll) {
      acceptGroup = new EpollEventLoopGroup(1, new DefaultThreadFactory("logstore-accept"));
      workerGroup =
          new EpollEventLoopGroup(networkThreads, new DefaultThreadFactory("logstore-network"));
      channelType = EpollServerSocketChannel.class;
    } else {
      acceptGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("logstore-accept"));
      workerGroup =
          new NioEventLoopGroup(networkThreads, new DefaultThreadFactory("logstore-network"));
      channelType = NioServerSocketChannel.class;
    }
  }

  /** Binds and starts accepting; throws if the address is in use. */
  public InetSocketAddress start(
      InetSocketAddress address,
      Dispatcher dispatcher,
      Clock clock,
      int maxFrameBytes,
      int maxInflightRequests)
      throws InterruptedException {
    ResponseEncoder encoder = new ResponseEncoder();
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(acceptGroup, workerGroup)
            .channel(channelType)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast("frames", new FrameDecoder(maxFrameBytes))
                        .addLast("responses", encoder)
                        .addLast(
                            "requests",
                            new ConnectionHandler(dispatcher, clock, maxInflightRequests));
                  }
                });
    serverChannel = bootstrap.bind(address).sync().channel();
    InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
    log.info("Listening on {} (transport={})", bound, epoll ? "epoll" : "nio");
    return bound;
  }

  @Override
  public void close() {
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
    acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
