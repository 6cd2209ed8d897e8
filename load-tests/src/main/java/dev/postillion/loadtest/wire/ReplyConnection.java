package dev.postillion.loadtest.wire;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of one virtual user, whose decoder turns what the server writes into replies of
 * type {@code R}. The channel lives on the user's own event loop, so every method here, and every
 * completion of the futures it returns, runs on that one thread: no locks, and no thread per user.
 *
 * <p>Replies are matched to commands in the order the commands were written, which is what SMTP
 * promises for pipelined commands (RFC 2920 §3.1) and POP3 and IMAP for a client that waits for
 * each command's completion (the IMAP decoder gathers a command's untagged responses into its
 * tagged reply); a reply that comes with no command waiting (the greeting, a 421 before closing)
 * is kept for the next one who asks.
 *
 * @param <R> the protocol's reply
 */
public final class ReplyConnection<R> {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyConnection.class);
    private static final String TLS_HANDLER = "tls";
    private static final String CLOSED_BY_SERVER = "connection closed by the server";

    private final String host;
    private final int port;
    private final Duration replyTimeout;
    private final ArrayDeque<CompletableFuture<R>> awaited = new ArrayDeque<>();
    private final ArrayDeque<R> unclaimed = new ArrayDeque<>();
    private Channel channel;
    private String brokenBecause;
    /** Since when the oldest awaited reply has been due: its command's write, or the reply before it. */
    private long waitingSince;
    /** The one timer of the connection, armed while a reply is awaited; not one per command. */
    private ScheduledFuture<?> replyTimer;

    private ReplyConnection(String host, int port, Duration replyTimeout) {
        this.host = host;
        this.port = port;
        this.replyTimeout = replyTimeout;
    }

    /**
     * Connects and, with {@code implicitTls}, makes the TLS handshake first (RFC 8314 §3.3). The
     * connection completes once the TCP (and TLS) connection stands; read its greeting with
     * {@link #nextReply()}.
     */
    static <R> CompletableFuture<ReplyConnection<R>> open(Bootstrap bootstrap, String host, int port,
            SslContext implicitTls, Duration replyTimeout, Supplier<ChannelHandler> decoder) {
        ReplyConnection<R> connection = new ReplyConnection<>(host, port, replyTimeout);
        CompletableFuture<ReplyConnection<R>> opened = new CompletableFuture<>();
        bootstrap.handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
                connection.channel = channel;
                if (implicitTls != null) {
                    channel.pipeline().addLast(TLS_HANDLER, connection.tlsHandler(implicitTls));
                }
                channel.pipeline().addLast(decoder.get(), connection.new Replies());
            }
        });
        bootstrap.connect(host, port).addListener((ChannelFutureListener) connect -> {
            if (!connect.isSuccess()) {
                opened.completeExceptionally(connectFailure(host, port, connect.cause()));
            } else if (implicitTls == null) {
                opened.complete(connection);
            } else {
                connection.handshake().whenComplete((done, failure) -> {
                    if (failure == null) {
                        opened.complete(connection);
                    } else {
                        opened.completeExceptionally(failure);
                    }
                });
            }
        });
        return opened;
    }

    private static RequestFailure connectFailure(String host, int port, Throwable cause) {
        LOG.debug("connect to {}:{} failed", host, port, cause);
        if (cause instanceof ConnectTimeoutException) {
            return new RequestFailure("connect timed out");
        }
        if (cause instanceof ConnectException) {
            return new RequestFailure("connection refused");
        }
        return new RequestFailure("connect failed");
    }

    /**
     * The next reply that no command asks for: the server's greeting (with implicit TLS, after
     * the handshake), or what it sends of its own accord, such as an IMAP server's news during IDLE.
     */
    public CompletableFuture<R> nextReply() {
        return awaitReply();
    }

    /** Writes one command line and completes with its reply. */
    public CompletableFuture<R> command(String line) {
        return pipelined(List.of(line)).get(0);
    }

    /**
     * Writes the lines in one flush and completes each future with its own reply, in order (RFC
     * 2920 §3.1). With one line this is an ordinary command.
     */
    public List<CompletableFuture<R>> pipelined(List<String> lines) {
        List<CompletableFuture<R>> replies = new ArrayList<>(lines.size());
        for (String line : lines) {
            if (isOpen()) {
                channel.write(ByteBufUtil.writeUtf8(channel.alloc(), line + "\r\n"));
            }
            replies.add(awaitReply());
        }
        if (isOpen()) {
            channel.flush();
        }
        return replies;
    }

    public ByteBufAllocator allocator() {
        return channel.alloc();
    }

    /** Writes {@code bytes} as they are (an SMTP message's DATA form) and completes with the reply they end with. */
    public CompletableFuture<R> write(ByteBuf bytes) {
        if (isOpen()) {
            channel.writeAndFlush(bytes);
        } else {
            bytes.release();
        }
        return awaitReply();
    }

    /**
     * Writes a line that has no reply of its own, as IMAP's DONE, which ends IDLE and is answered
     * by the IDLE command's completion (RFC 2177 §3).
     */
    public void send(String line) {
        if (isOpen()) {
            channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), line + "\r\n"));
        }
    }

    /** Runs {@code task} on the connection's event loop after {@code delay}, unless cancelled. */
    public ScheduledFuture<?> after(Duration delay, Runnable task) {
        return channel.eventLoop().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * After the server's yes to the upgrade command (SMTP's and IMAP's STARTTLS, POP3's STLS): the
     * TLS handshake over this connection (RFC 3207 §4, RFC 2595 §3.1).
     */
    public CompletableFuture<Void> startTls(SslContext tls) {
        if (!isOpen()) {
            return CompletableFuture.failedFuture(new RequestFailure(brokenBecause()));
        }
        channel.pipeline().addFirst(TLS_HANDLER, tlsHandler(tls));
        return handshake();
    }

    private SslHandler tlsHandler(SslContext tls) {
        SslHandler handler = tls.newHandler(channel.alloc(), host, port);
        handler.setHandshakeTimeoutMillis(replyTimeout.toMillis());
        return handler;
    }

    private CompletableFuture<Void> handshake() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        SslHandler handler = (SslHandler) channel.pipeline().get(TLS_HANDLER);
        handler.handshakeFuture().addListener((Future<Channel> handshake) -> {
            if (handshake.isSuccess()) {
                done.complete(null);
            } else {
                LOG.debug("TLS handshake with {}:{} failed", host, port, handshake.cause());
                breakOff("TLS handshake failed");
                done.completeExceptionally(new RequestFailure("TLS handshake failed"));
            }
        });
        return done;
    }

    /**
     * Writes {@code farewell} (QUIT, LOGOUT) without waiting for the answer and closes: for a user
     * who leaves the scenario.
     */
    public void leave(String farewell) {
        if (channel != null && !channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(() -> leave(farewell));
            return;
        }
        if (isOpen()) {
            channel.writeAndFlush(ByteBufUtil.writeUtf8(channel.alloc(), farewell + "\r\n"))
                    .addListener(ChannelFutureListener.CLOSE);
        }
        brokenBecause = "connection closed";
    }

    /** Closes the connection; anything still awaited fails. */
    public void close() {
        breakOff("connection closed");
    }

    /** Open, and no failure has made its replies unmatchable. */
    public boolean isOpen() {
        return brokenBecause == null && channel != null && channel.isActive();
    }

    private String brokenBecause() {
        return brokenBecause != null ? brokenBecause : CLOSED_BY_SERVER;
    }

    private CompletableFuture<R> awaitReply() {
        CompletableFuture<R> reply = new CompletableFuture<>();
        if (!unclaimed.isEmpty()) {
            reply.complete(unclaimed.poll());
        } else if (!isOpen()) {
            reply.completeExceptionally(new RequestFailure(brokenBecause()));
        } else {
            if (awaited.isEmpty()) {
                waitingSince = System.nanoTime();
            }
            awaited.add(reply);
            if (replyTimer == null) {
                replyTimer = channel.eventLoop().schedule(this::checkReplyDue, replyTimeout.toNanos(), TimeUnit.NANOSECONDS);
            }
        }
        return reply;
    }

    /**
     * The timer: a reply awaited for longer than the reply timeout breaks the connection off;
     * otherwise the timer is armed again for when the oldest awaited reply falls due.
     */
    private void checkReplyDue() {
        replyTimer = null;
        if (awaited.isEmpty()) {
            return;
        }
        long remaining = waitingSince + replyTimeout.toNanos() - System.nanoTime();
        if (remaining <= 0) {
            // once a reply is missing, later replies cannot be matched to their commands
            breakOff("no reply within " + readable(replyTimeout));
        } else {
            replyTimer = channel.eventLoop().schedule(this::checkReplyDue, remaining, TimeUnit.NANOSECONDS);
        }
    }

    private static String readable(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }

    /** Fails whatever is awaited with {@code reason} and closes; the first reason is the one kept. */
    private void breakOff(String reason) {
        if (brokenBecause == null) {
            brokenBecause = reason;
        }
        if (replyTimer != null) {
            replyTimer.cancel(false);
            replyTimer = null;
        }
        if (channel != null) {
            channel.close();
        }
        failAwaited();
    }

    private void failAwaited() {
        CompletableFuture<R> next;
        while ((next = awaited.poll()) != null) {
            next.completeExceptionally(new RequestFailure(brokenBecause()));
        }
    }

    /** The end of the pipeline: hands each reply to the command waiting longest for one. */
    private final class Replies extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            @SuppressWarnings("unchecked")
            R reply = (R) message;
            CompletableFuture<R> waiting = awaited.poll();
            if (waiting != null) {
                waitingSince = System.nanoTime();
                waiting.complete(reply);
            } else {
                unclaimed.add(reply);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (replyTimer != null) {
                replyTimer.cancel(false);
                replyTimer = null;
            }
            failAwaited();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (brokenBecause != null) {
                return;
            }
            LOG.debug("connection to {}:{} failed", host, port, cause);
            if (cause instanceof DecoderException && cause.getCause() instanceof SSLHandshakeException) {
                breakOff("TLS handshake failed");
            } else if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
                breakOff("TLS failure");
            } else if (cause instanceof DecoderException) {
                breakOff("malformed reply");
            } else {
                // a reset and a close look alike to a tester: the server dropped the connection
                breakOff(CLOSED_BY_SERVER);
            }
        }
    }
}
