package dev.postillion.mta.access;

import dev.postillion.mta.net.EventLoopDispatchers;
import dev.postillion.mta.tls.ServerTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
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
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mail-access protocol's service (IMAP, POP3, ManageSieve): its Netty listeners, one plain
 * where the client starts TLS itself (STARTTLS, STLS) and, but for ManageSieve, which has none
 * (RFC 5804 section 1.8), one with TLS from the first byte (RFC 8314), and the parent of their
 * sessions.
 */
public final class AccessServer {

    private static final Logger log = LoggerFactory.getLogger(AccessServer.class);

    /** Where a listener binds. */
    public record Endpoint(String bind, int port) {}

    /** Makes the handler of a new connection; {@code implicitTls} says which listener took it. */
    public interface Connections {
        ChannelHandler connection(boolean implicitTls);
    }

    private final Channel plain;
    private final Channel implicitTls;
    private final ActorRef<AccessSessions.Command> sessions;

    private AccessServer(Channel plain, Channel implicitTls, ActorRef<AccessSessions.Command> sessions) {
        this.plain = plain;
        this.implicitTls = implicitTls;
        this.sessions = sessions;
    }

    /**
     * Starts the sessions' parent, then the listeners; {@code connections} is given the parent,
     * which the connections start their sessions with. Sessions run on the event loops of {@code io}.
     *
     * @param implicitTls null for a protocol without an implicit-TLS port
     */
    public static AccessServer start(ActorSystem<?> system, String protocol, Endpoint plain, Endpoint implicitTls,
            Duration idleTimeout, ServerTls tls, EventLoopGroup io, EventLoopDispatchers dispatchers,
            Function<ActorRef<AccessSessions.Command>, Connections> connections) throws InterruptedException {
        ActorRef<AccessSessions.Command> sessions = system.systemActorOf(AccessSessions.create(dispatchers),
                protocol.toLowerCase(Locale.ROOT) + "-sessions", Props.empty());
        Connections handlers = connections.apply(sessions);
        Channel plainChannel = bind(protocol, plain, false, idleTimeout, tls, io, handlers);
        Channel tlsChannel = implicitTls == null ? null : bind(protocol, implicitTls, true, idleTimeout, tls, io,
                handlers);
        return new AccessServer(plainChannel, tlsChannel, sessions);
    }

    private static Channel bind(String protocol, Endpoint endpoint, boolean implicitTls, Duration idleTimeout,
            ServerTls tls, EventLoopGroup io, Connections handlers) throws InterruptedException {
        Class<? extends ServerChannel> channelType =
                Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(io)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024))
                // Nothing is read until the connection's session exists to take it.
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (implicitTls) {
                            channel.pipeline().addLast(tls.newHandler(channel.alloc(), false));
                        }
                        channel.pipeline()
                                .addLast(new IdleStateHandler(idleTimeout.toMillis(), 0, 0,
                                        java.util.concurrent.TimeUnit.MILLISECONDS))
                                .addLast(handlers.connection(implicitTls));
                    }
                });
        Channel channel = bootstrap.bind(endpoint.bind(), endpoint.port()).sync().channel();
        log.info("{} {} listening on {}:{}", protocol, implicitTls ? "implicit-tls" : "plain", endpoint.bind(),
                port(channel));
        return channel;
    }

    public int plainPort() {
        return port(plain);
    }

    /** -1 when the protocol has no implicit-TLS listener. */
    public int implicitTlsPort() {
        return implicitTls == null ? -1 : port(implicitTls);
    }

    private static int port(Channel channel) {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Stops accepting connections; those already open go on. */
    public void stopAccepting() {
        plain.close().syncUninterruptibly();
        if (implicitTls != null) {
            implicitTls.close().syncUninterruptibly();
        }
    }

    /** Every session ends (IMAP says BYE; POP3 closes, a QUIT under way finishing its deletions). */
    public void closeAll() {
        sessions.tell(new AccessSessions.CloseAll());
    }
}
