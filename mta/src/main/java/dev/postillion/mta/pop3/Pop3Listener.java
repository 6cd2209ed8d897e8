package dev.postillion.mta.pop3;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A Netty server socket for POP3: plain with STLS (port 110's role) or implicit TLS (995's). */
final class Pop3Listener {

    private static final Logger log = LoggerFactory.getLogger(Pop3Listener.class);

    private final Channel serverChannel;

    private Pop3Listener(Channel serverChannel) {
        this.serverChannel = serverChannel;
    }

    static Pop3Listener start(Pop3Context context, EventLoopGroup group, boolean implicitTls)
            throws InterruptedException {
        Pop3Settings settings = context.settings();
        Class<? extends ServerChannel> channelType =
                Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (implicitTls) {
                            channel.pipeline().addLast(context.tls().newHandler(channel.alloc(), false));
                        }
                        channel.pipeline()
                                .addLast(new IdleStateHandler(settings.idleTimeout().toMillis(), 0, 0,
                                        TimeUnit.MILLISECONDS))
                                .addLast(new Pop3Connection(context, implicitTls));
                    }
                });
        String bind = implicitTls ? settings.tlsBind() : settings.plainBind();
        int port = implicitTls ? settings.tlsPort() : settings.plainPort();
        Channel channel = bootstrap.bind(bind, port).sync().channel();
        Pop3Listener listener = new Pop3Listener(channel);
        log.info("POP3 {} listening on {}:{}", implicitTls ? "implicit-tls" : "plain", bind, listener.port());
        return listener;
    }

    int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Stops accepting connections; those already open go on. */
    void stopAccepting() {
        serverChannel.close().syncUninterruptibly();
    }
}
