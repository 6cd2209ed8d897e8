package dev.postillion.mta.access;

import dev.postillion.mta.net.ClientNetworks;
import dev.postillion.mta.tls.ServerTls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O side of one mail-access connection (IMAP, POP3), what the protocols share: the
 * session started once the connection is up (after the handshake on the implicit-TLS listener,
 * RFC 8314), the input gathered for the protocol's framing ({@link #input}), responses written,
 * and STARTTLS/STLS putting the TLS handler in front once answered, dropping whatever the client
 * sent after the command in plain text, so that no command can be injected before the handshake
 * (as CVE-2011-0411 showed for SMTP). Runs on the connection's event loop; what the session calls
 * is moved onto it.
 *
 * @param <C> the protocol of the connection's session
 */
public abstract class AccessConnection<C> extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(AccessConnection.class);

    private final ServerTls tls;
    private final ActorRef<AccessSessions.Command> sessions;
    private final ConnectionCounts clients;
    private final boolean implicitTls;
    protected Channel channel;
    /** The input not yet handed to the session; null once the connection is gone. */
    protected ByteBuf pending;
    /** Null until the session is started. */
    protected ActorRef<C> session;
    private InetAddress client;
    /** The client's key in {@link #clients} once the connection is counted there; null before. */
    private String clientKey;

    protected AccessConnection(ServerTls tls, ActorRef<AccessSessions.Command> sessions, ConnectionCounts clients,
            boolean implicitTls) {
        this.tls = tls;
        this.sessions = sessions;
        this.clients = clients;
        this.implicitTls = implicitTls;
    }

    /** The connection's session, which its client talks to. */
    protected abstract Behavior<C> session(boolean tls);

    /** What the session is told at shutdown, when idle too long, and when the client is gone. */
    protected abstract C shutdown();

    protected abstract C idle();

    protected abstract C disconnected();

    /** Hands the session what {@link #pending} holds for it, if it asked for more. */
    protected abstract void input();

    /** The protocol's answer to a client that has too many connections open, before closing. */
    protected abstract byte[] tooManyConnections(String client);

    /** The connection is gone: what it held is released. */
    protected void released() {}

    /** Counts the connection for its client, or refuses it when the client has too many open. */
    private boolean admit() {
        String key = ClientNetworks.clientKey(client);
        if (!clients.admit(key)) {
            log.info("{} connection from [{}] refused: too many connections", getClass().getSimpleName(),
                    client.getHostAddress());
            channel.writeAndFlush(Unpooled.wrappedBuffer(tooManyConnections(client.getHostAddress())))
                    .addListener(ChannelFutureListener.CLOSE);
            return false;
        }
        clientKey = key;
        return true;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        client = ((InetSocketAddress) channel.remoteAddress()).getAddress();
        if (!admit()) {
            return;
        }
        pending = ctx.alloc().buffer();
        channel.config().setAutoRead(true);
        if (!implicitTls) {
            open(false);
        }
    }

    private void open(boolean secure) {
        sessions.tell(new AccessSessions.Open<>(session(secure), shutdown(), channel.eventLoop(), started -> {
            // The session is made on the sessions' parent; it is used on this connection's loop.
            channel.eventLoop().execute(() -> {
                session = started;
                input();
            });
        }));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (!handshake.isSuccess()) {
                channel.close();
            } else if (implicitTls && session == null) {
                open(true);
            }
        } else if (event instanceof IdleStateEvent && session != null) {
            session.tell(idle());
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        ByteBuf input = (ByteBuf) message;
        try {
            if (pending != null) {
                pending.writeBytes(input);
            }
        } finally {
            input.release();
        }
        input();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (clientKey != null) {
            clients.release(clientKey);
            clientKey = null;
        }
        released();
        if (session != null) {
            session.tell(disconnected());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("connection from [{}] failed: {}", client == null ? "?" : client.getHostAddress(), cause.toString());
        ctx.close();
    }

    /** Writes {@code bytes}; completes once they are handed to the socket. */
    public CompletionStage<Void> send(byte[] bytes) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        onLoop(() -> channel.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(future -> {
            if (future.isSuccess()) {
                written.complete(null);
            } else {
                written.completeExceptionally(future.cause());
            }
        }));
        return written;
    }

    /**
     * Answers STARTTLS (STLS) with {@code ready} in plain text, then reads only TLS: input that
     * came after the command, in plain text, is dropped.
     */
    public void startTls(byte[] ready) {
        onLoop(() -> {
            if (pending != null) {
                pending.clear();
            }
            channel.pipeline().addFirst(tls.newHandler(channel.alloc(), true));
            channel.writeAndFlush(Unpooled.wrappedBuffer(ready));
        });
    }

    /** Closes after what is written; idempotent. */
    public void close() {
        onLoop(() -> {
            if (channel.isOpen()) {
                channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    public InetAddress clientAddress() {
        return client;
    }

    protected void onLoop(Runnable action) {
        if (channel.eventLoop().inEventLoop()) {
            action.run();
        } else {
            channel.eventLoop().execute(action);
        }
    }
}
