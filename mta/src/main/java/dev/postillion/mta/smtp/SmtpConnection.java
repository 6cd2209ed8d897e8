package dev.postillion.mta.smtp;

import dev.postillion.mta.net.ContentMemory;
import dev.postillion.mta.net.EventLoopDispatchers;
import dev.postillion.mta.tls.TlsSession;
import dev.postillion.queue.SpoolStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O side of one SMTP connection: frames bytes with an {@link SmtpFramer} on the event loop
 * and hands the frames to the connection's {@link SmtpSession}; writes the session's replies.
 *
 * <p>Reading pauses while the session decides on DATA, and while too many frames wait for their
 * replies, so a client that pipelines without reading cannot fill the session's mailbox. It also
 * pauses while a message's content would need more of the node's {@link ContentMemory} than is
 * free, until another message is decided on: the client waits, the heap does not fill. A large
 * message's content goes to the spool in pieces while it arrives ({@link ContentPieces}), one
 * write at a time: reading pauses while a piece is ready and the last is still being written.
 *
 * <p>Before any session exists, the connection is held to its listener's {@link ConnectionLimits}
 * and, with a greeting delay, watched for input before the greeting: RFC 5321 section 3.1 has the
 * client wait for the 220, so a client talking first is not a conforming SMTP client. While a
 * message's content is read, {@code postillion.smtp.data-timeout} bounds the whole of it.
 *
 * <p>TLS: on an implicit-TLS listener the {@link SslHandler} is there from the start and the
 * session begins once the handshake is done (RFC 8314 section 3.3); elsewhere it is put in front
 * of this handler at STARTTLS (RFC 3207), when nothing of the plain-text input is left.
 */
final class SmtpConnection extends ChannelInboundHandlerAdapter implements SessionConnection {

    private static final Logger log = LoggerFactory.getLogger(SmtpConnection.class);
    /** Frames sent to the session and not yet answered, beyond which reading pauses. */
    private static final int MAX_UNANSWERED = 256;

    private final SmtpFramer framer;
    private final ListenerContext context;
    private final ActorRef<SmtpSessions.Command> sessions;
    private final ConnectionLimits limits;
    private final ContentMemory memory;
    private final long dataTimeoutMillis;
    private Channel channel;
    private InetAddress client;
    private ByteBuf pending;
    private ActorRef<SmtpSession.Command> session;
    private int unanswered;
    /** Admitted by the limits: released when the connection closes. */
    private boolean admitted;
    /** Waiting out the greeting delay: any input now is an early talker's. */
    private Future<?> greetingWait;
    /** Ends a content transfer that takes longer than the data timeout. */
    private Future<?> dataDeadline;
    /** What the TLS handshake agreed on; null before it. */
    private TlsSession tls;
    /** The memory of the content being read; null outside DATA. */
    private ContentMemory.Share reading;
    /** The memory of the content handed to the session, until it is decided on. */
    private ContentMemory.Share handedOver;
    /** The pieces of the content being read that went to the spool; null outside DATA. */
    private ContentPieces pieces;
    /** Those of the content handed to the session, until it is decided on. */
    private ContentPieces piecesHandedOver;
    /** Reading waits for the content memory to free up. */
    private boolean awaitingMemory;

    SmtpConnection(ListenerContext context, ConnectionLimits limits, ContentMemory memory,
            ActorRef<SmtpSessions.Command> sessions) {
        SmtpSettings settings = context.settings();
        this.framer = new SmtpFramer(settings.maxLineLength(), settings.maxMessageSize());
        this.context = context;
        this.sessions = sessions;
        this.limits = limits;
        this.memory = memory;
        this.dataTimeoutMillis = settings.dataTimeout().toMillis();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        // The listener accepts TCP connections only: the remote end is an IP address and a port.
        client = ((InetSocketAddress) channel.remoteAddress()).getAddress();
        if (context.role().implicitTls()) {
            // The handshake reads by itself; the session starts once it is done (userEventTriggered).
            channel.config().setAutoRead(true);
        }
        context.metrics().connected();
        Optional<Reply> refused = limits.admit(client);
        if (refused.isPresent()) {
            SessionLog.connectionRefused(client, context.role().configName(), refused.get());
            refuse(refused.get());
            return;
        }
        admitted = true;
        pending = ctx.alloc().buffer();
        if (!context.role().implicitTls()) {
            greet();
        }
    }

    /**
     * Starts the session, after the greeting delay if there is one. With implicit TLS the delay
     * counts from the end of the handshake, in which the client speaks first.
     */
    private void greet() {
        long delay = limits.greetingDelay().toMillis();
        if (delay > 0) {
            // Read during the wait only to notice input; the session starts, and greets, after it.
            greetingWait = channel.eventLoop().schedule(this::openSession, delay, TimeUnit.MILLISECONDS);
            channel.config().setAutoRead(true);
        } else {
            openSession();
        }
    }

    private void openSession() {
        greetingWait = null;
        if (!channel.isActive()) {
            return;
        }
        channel.config().setAutoRead(false);
        sessions.tell(new SmtpSessions.Open(context, this, channel.eventLoop(), ref -> onLoop(() -> attach(ref))));
    }

    private void attach(ActorRef<SmtpSession.Command> ref) {
        session = ref;
        if (!channel.isActive()) {
            session.tell(new SmtpSession.Disconnected());
            return;
        }
        if (tls != null) {
            session.tell(new SmtpSession.TlsStarted(tls));
        }
        if (pending.isReadable()) {
            // Bytes of a read that was under way when reading stopped for the session to start.
            frame();
        } else {
            updateReading();
        }
    }

    /** Answers in place of the greeting and closes; no session is started. */
    private void refuse(Reply reply) {
        context.metrics().replied(reply);
        channel.writeAndFlush(Unpooled.wrappedBuffer(reply.bytes())).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (greetingWait != null) {
            in.release();
            greetingWait.cancel(false);
            greetingWait = null;
            channel.config().setAutoRead(false);
            SessionLog.connectionRefused(client, context.role().configName(), Replies.EARLY_TALKER);
            refuse(Replies.EARLY_TALKER);
            return;
        }
        if (pending == null) {
            in.release();
            return;
        }
        try {
            pending.writeBytes(in);
        } finally {
            in.release();
        }
        if (session != null) {
            frame();
        }
    }

    private void frame() {
        writePiece(); // first: a piece written frees memory that reading may be waiting for
        if (!roomForContent()) {
            updateReading();
            return;
        }
        List<SmtpFramer.Frame> frames = new ArrayList<>();
        framer.feed(pending, frames);
        pending.discardSomeReadBytes();
        writePiece();
        for (SmtpFramer.Frame frame : frames) {
            if (frame instanceof SmtpFramer.Content content) {
                cancelDataDeadline();
                handedOver = reading;
                reading = null;
                piecesHandedOver = pieces;
                pieces = null;
                frame = content.after(piecesHandedOver);
            }
            unanswered++;
            session.tell(new SmtpSession.Input(frame));
        }
        updateReading();
    }

    /** Hands the spool the next piece of the content being read, if one is ready and none is being written. */
    private void writePiece() {
        if (pieces == null || pieces.writing()) {
            return;
        }
        byte[] piece = framer.takeContent(SpoolStore.PIECE_BYTES);
        if (piece != null) {
            pieces.write(piece, () -> onLoop(this::resumeFraming));
        }
    }

    /** A piece is ready but the last one is still being written: the client waits for the disk. */
    private boolean pieceWaiting() {
        return pieces != null && pieces.writing() && framer.keptBytes() >= SpoolStore.PIECE_BYTES;
    }

    /**
     * While content is read, makes sure the memory covers all the framer may keep of what is
     * pending: at most every byte of it. Without room, reading waits until a message is decided
     * on somewhere in the node, and this is asked again.
     */
    private boolean roomForContent() {
        if (awaitingMemory) {
            return false;
        }
        if (reading == null || !framer.readingContent()) {
            return true;
        }
        long wanted = framer.keptBytes() + pending.readableBytes() - reading.held();
        if (wanted <= 0 || reading.grow(wanted, () -> onLoop(this::memoryFreed))) {
            return true;
        }
        awaitingMemory = true;
        return false;
    }

    private void memoryFreed() {
        awaitingMemory = false;
        resumeFraming();
    }

    /**
     * Reads only while the session can take more: not while it decides on DATA, not while many
     * frames wait for replies, not while replies pile up unread by the client, and not while the
     * content memory is full.
     */
    private void updateReading() {
        boolean read = session != null && !framer.awaitingDecision() && unanswered < MAX_UNANSWERED
                && channel.isWritable() && !awaitingMemory && !pieceWaiting();
        if (channel.config().isAutoRead() != read) {
            channel.config().setAutoRead(read);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (pending != null && greetingWait == null) {
            updateReading();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent && session != null && !awaitingMemory && !pieceWaiting()) {
            // Not while reading waits for memory or the disk: the client is not idle, we are not reading.
            session.tell(new SmtpSession.IdleTimeout());
        } else if (event instanceof SslHandshakeCompletionEvent handshake && pending != null) {
            onHandshake(ctx, handshake);
        }
    }

    private void onHandshake(ChannelHandlerContext ctx, SslHandshakeCompletionEvent handshake) {
        if (!handshake.isSuccess()) {
            Throwable cause = handshake.cause();
            SessionLog.log.info("SSL_accept error from {}: {}", SessionLog.name(client),
                    cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
            ctx.close();
            return;
        }
        tls = TlsSession.of(ctx.pipeline().get(SslHandler.class).engine().getSession());
        if (session == null) {
            greet(); // implicit TLS: the handshake came first
        } else {
            session.tell(new SmtpSession.TlsStarted(tls));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (admitted) {
            admitted = false;
            limits.release(client);
        }
        if (greetingWait != null) {
            greetingWait.cancel(false);
            greetingWait = null;
        }
        cancelDataDeadline();
        if (reading != null) {
            reading.release(); // the content read so far goes with the connection
            reading = null;
        }
        if (pieces != null) {
            pieces.abandon();
            pieces = null;
        }
        if (piecesHandedOver != null) {
            if (piecesHandedOver.abandon() && handedOver != null) {
                // The session stopped before it took the content: nobody else will say it is decided.
                handedOver.release();
                handedOver = null;
            }
        }
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (session != null) {
            session.tell(new SmtpSession.Disconnected());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("SMTP connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    // The session's side. The session runs on this connection's event loop (EventLoopDispatchers),
    // so these normally act at once; from any other thread they are queued to the loop, in order.

    @Override
    public void send(Reply reply) {
        onLoop(() -> {
            channel.writeAndFlush(Unpooled.wrappedBuffer(reply.bytes()));
            answered();
        });
    }

    @Override
    public void sendAndClose(Reply reply) {
        onLoop(() -> channel.writeAndFlush(Unpooled.wrappedBuffer(reply.bytes())).addListener(ChannelFutureListener.CLOSE));
    }

    @Override
    public void startData() {
        onLoop(() -> {
            framer.startData();
            reading = memory.share();
            pieces = new ContentPieces(context.spool(), reading, memory.checks());
            if (dataTimeoutMillis > 0 && channel.isActive()) {
                dataDeadline = channel.eventLoop().schedule(this::dataTimedOut, dataTimeoutMillis,
                        TimeUnit.MILLISECONDS);
            }
            resumeFraming();
        });
    }

    /**
     * The content has taken longer than the data timeout: the session says 421 and closes, as for
     * the idle timeout. The content read so far is dropped with the connection.
     */
    private void dataTimedOut() {
        dataDeadline = null;
        if (session != null && channel.isActive()) {
            session.tell(new SmtpSession.IdleTimeout());
        }
    }

    private void cancelDataDeadline() {
        if (dataDeadline != null) {
            dataDeadline.cancel(false);
            dataDeadline = null;
        }
    }

    @Override
    public void contentDecided() {
        onLoop(() -> {
            if (handedOver != null) {
                handedOver.release();
                handedOver = null;
            }
            piecesHandedOver = null;
        });
    }

    @Override
    public void resumeCommands() {
        onLoop(() -> {
            framer.resumeCommands();
            resumeFraming();
        });
    }

    @Override
    public void startTls(Reply ready) {
        onLoop(() -> {
            if (pending == null) {
                return;
            }
            // RFC 3207 section 4.2: input the client sent after STARTTLS, in plain text, is not
            // part of the TLS session; executing it there would let a man in the middle inject
            // commands (CVE-2011-0411). The framer stopped at the STARTTLS line; all after it goes.
            pending.clear();
            framer.resumeCommands();
            // Before the 220 is written: every byte read from now on goes through TLS. The
            // handler lets that first write through in plain text (its startTls mode).
            channel.pipeline().addFirst(context.tls().newHandler(channel.alloc(), true));
            channel.writeAndFlush(Unpooled.wrappedBuffer(ready.bytes()));
            answered();
        });
    }

    @Override
    public void close() {
        onLoop(() -> {
            if (channel.isOpen()) {
                // After what is already written, such as a last 421.
                channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        });
    }

    private void onLoop(Runnable action) {
        if (channel.eventLoop().inEventLoop()) {
            action.run();
        } else {
            channel.eventLoop().execute(action);
        }
    }

    private void resumeFraming() {
        if (pending != null) {
            frame();
        }
    }

    private void answered() {
        if (unanswered > 0) {
            unanswered--;
        }
        if (pending != null) {
            updateReading();
        }
    }

    @Override
    public InetAddress clientAddress() {
        return client;
    }
}
