package dev.postillion.mta.pop3;

import dev.postillion.mta.access.AccessSessions;

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
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O side of one POP3 connection: splits the input into lines on the event loop and hands
 * them to the connection's {@link Pop3Session} one at a time, when it asks for the next; writes
 * the session's responses. Between commands nothing more is split off, so a client that
 * pipelines (RFC 2449 section 6.6) holds at most a line here, and TCP holds back the rest.
 *
 * <p>TLS: on the implicit-TLS listener the handshake comes first (RFC 8314) and the session starts
 * after it; on the other, STLS (RFC 2595 section 4) puts the TLS handler in front once the command
 * is answered, dropping whatever the client sent after it in plain text, so that no command can
 * be injected before the handshake (as CVE-2011-0411 showed for SMTP).
 */
final class Pop3Connection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Pop3Connection.class);
    private static final byte[] TOO_LONG = "-ERR line too long\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Pop3Context context;
    private final boolean implicitTls;
    private Channel channel;
    private InetAddress client;
    private ByteBuf pending;
    private ActorRef<Pop3Session.Command> session;
    private boolean wantsLine;

    Pop3Connection(Pop3Context context, boolean implicitTls) {
        this.context = context;
        this.implicitTls = implicitTls;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        client = ((InetSocketAddress) channel.remoteAddress()).getAddress();
        pending = ctx.alloc().buffer();
        channel.config().setAutoRead(true);
        if (!implicitTls) {
            open(false);
        }
    }

    private void open(boolean tls) {
        context.sessions().tell(new AccessSessions.Open<>(Pop3Session.create(context, this, tls),
                new Pop3Session.Shutdown(), channel.eventLoop(), started -> {
            // The session is made on the sessions' parent; it is used on this connection's loop.
            channel.eventLoop().execute(() -> {
                session = started;
                split();
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
            session.tell(new Pop3Session.Idle());
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
        split();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (session != null) {
            session.tell(new Pop3Session.Disconnected());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("POP3 connection from [{}] failed: {}", client == null ? "?" : client.getHostAddress(),
                cause.toString());
        ctx.close();
    }

    /**
     * Hands the next line to the session if it asked for one and the input holds it; a line
     * longer than {@code max-line-length}, ended or not, is answered and ends the connection.
     */
    private void split() {
        if (wantsLine && pending != null && session != null) {
            int end = pending.indexOf(pending.readerIndex(), pending.writerIndex(), (byte) '\n');
            int length = (end < 0 ? pending.writerIndex() : end) - pending.readerIndex();
            if (length > context.settings().maxLineLength()) {
                pending.clear();
                wantsLine = false;
                send(TOO_LONG).whenComplete((written, failure) -> close());
                return;
            }
            if (end >= 0) {
                wantsLine = false;
                session.tell(new Pop3Session.Received(line(end)));
                pending.discardReadBytes();
            }
        }
        updateReading();
    }

    /** The line up to {@code end} (its LF), without its CR and LF. */
    private String line(int end) {
        int length = end - pending.readerIndex();
        if (length > 0 && pending.getByte(end - 1) == '\r') {
            length--;
        }
        String line = pending.toString(pending.readerIndex(), length, StandardCharsets.UTF_8);
        pending.readerIndex(end + 1);
        return line;
    }

    /** Reads from the socket only while a line is wanted or the input holds less than one. */
    private void updateReading() {
        if (channel != null && pending != null) {
            channel.config().setAutoRead(wantsLine || pending.readableBytes() <= context.settings().maxLineLength());
        }
    }

    /** The session is ready for the next line: a command, or a response of AUTH's exchange. */
    void next() {
        onLoop(() -> {
            wantsLine = true;
            split();
        });
    }

    /** Writes {@code bytes}; completes once they are handed to the socket. */
    CompletionStage<Void> send(byte[] bytes) {
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
     * Answers STLS with {@code ready} in plain text, then reads only TLS: input that came after
     * the command, in plain text, is dropped.
     */
    void startTls(byte[] ready) {
        onLoop(() -> {
            if (pending != null) {
                pending.clear();
            }
            channel.pipeline().addFirst(context.tls().newHandler(channel.alloc(), true));
            channel.writeAndFlush(Unpooled.wrappedBuffer(ready));
        });
    }

    /** Closes after what is written; idempotent. */
    void close() {
        onLoop(() -> {
            if (channel.isOpen()) {
                channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    InetAddress clientAddress() {
        return client;
    }

    private void onLoop(Runnable action) {
        if (channel.eventLoop().inEventLoop()) {
            action.run();
        } else {
            channel.eventLoop().execute(action);
        }
    }
}
