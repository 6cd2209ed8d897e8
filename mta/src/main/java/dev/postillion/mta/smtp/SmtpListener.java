package dev.postillion.mta.smtp;

import dev.postillion.mta.net.ContentMemory;
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
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A Netty server socket for one SMTP role: MX, submission, or submission over implicit TLS. */
public final class SmtpListener {

    private static final Logger log = LoggerFactory.getLogger(SmtpListener.class);

    private final Channel serverChannel;

    private SmtpListener(Channel serverChannel) {
        this.serverChannel = serverChannel;
    }

    /**
     * @param context the sessions' context, whose role and settings this listener serves
     * @param memory the heap for message content, shared by all of the node's listeners
     */
    public static SmtpListener start(ListenerContext context, EventLoopGroup group, ConnectionLimits limits,
            ContentMemory memory, ActorRef<SmtpSessions.Command> sessions) throws InterruptedException {
        SmtpSettings settings = context.settings();
        Class<? extends ServerChannel> channelType =
                Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // Replies a client does not read stop its input (SmtpConnection.updateReading).
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                // Nothing is read until the connection's session exists to take it.
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (context.role().implicitTls()) {
                            channel.pipeline().addLast(context.tls().newHandler(channel.alloc(), false));
                        }
                        channel.pipeline()
                                .addLast(new IdleStateHandler(settings.idleTimeout().toMillis(), 0, 0,
                                        TimeUnit.MILLISECONDS))
                                .addLast(new FlushConsolidationHandler(64, true))
                                .addLast(new SmtpConnection(context, limits, memory, sessions));
                    }
                });
        Channel channel = bootstrap.bind(settings.bind(), settings.port()).sync().channel();
        SmtpListener listener = new SmtpListener(channel);
        log.info("SMTP {} listening on {}:{} ({})", context.role().configName(), settings.bind(), listener.port(),
                Epoll.isAvailable() ? "epoll" : "nio");
        return listener;
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Stops accepting connections; those already open go on. */
    public void stopAccepting() {
        serverChannel.close().syncUninterruptibly();
    }
}
