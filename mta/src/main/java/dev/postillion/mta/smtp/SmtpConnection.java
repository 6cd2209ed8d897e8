package dev.postillion.mta.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O side of one SMTP connection: frames bytes with an {@link SmtpFramer} on the event loop
 * and hands the frames to the connection's {@link SmtpSession}; writes the session's replies.
 *
 * <p>Reading pauses while the session decides on DATA, and while too many frames wait for their
 * replies, so a client that pipelines without reading cannot fill the session's mailbox.
 */
final class SmtpConnection extends ChannelInboundHandlerAdapter implements SmtpSession.Connection {

    private static final Logger log = LoggerFactory.getLogger(SmtpConnection.class);
    /** Frames sent to the session and not yet answered, beyond which reading pauses. */
    private static final int MAX_UNANSWERED = 256;

    private final SmtpFramer framer;
    private final ActorRef<SmtpSessions.Command> sessions;
    private Channel channel;
    private InetAddress client;
    private ByteBuf pending;
    private ActorRef<SmtpSession.Command> session;
    private int unanswered;

    SmtpConnection(SmtpSettings settings, ActorRef<SmtpSessions.Command> sessions) {
        this.framer = new SmtpFramer(settings.maxLineLength(), settings.maxMessageSize());
        this.sessions = sessions;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        // The listener accepts TCP connections only: the remote end is an IP address and a port.
        client = ((InetSocketAddress) channel.remoteAddress()).getAddress();
        pending = ctx.alloc().buffer();
        sessions.tell(new SmtpSessions.Open(this, channel.eventLoop(), ref -> onLoop(() -> attach(ref))));
    }

    private void attach(ActorRef<SmtpSession.Command> ref) {
        session = ref;
        if (!channel.isActive()) {
            session.tell(new SmtpSession.Disconnected());
            return;
        }
        updateReading();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            pending.writeBytes(in);
        } finally {
            in.release();
        }
        frame();
    }

    private void frame() {
        List<SmtpFramer.Frame> frames = new ArrayList<>();
        framer.feed(pending, frames);
        pending.discardSomeReadBytes();
        for (SmtpFramer.Frame frame : frames) {
            unanswered++;
            session.tell(new SmtpSession.Input(frame));
        }
        updateReading();
    }

    /**
     * Reads only while the session can take more: not while it decides on DATA, not while many
     * frames wait for replies, and not while replies pile up unread by the client.
     */
    private void updateReading() {
        boolean read = session != null && !framer.awaitingDataDecision() && unanswered < MAX_UNANSWERED
                && channel.isWritable();
        if (channel.config().isAutoRead() != read) {
            channel.config().setAutoRead(read);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (pending != null) {
            updateReading();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent && session != null) {
            session.tell(new SmtpSession.IdleTimeout());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
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
            resumeFraming();
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
