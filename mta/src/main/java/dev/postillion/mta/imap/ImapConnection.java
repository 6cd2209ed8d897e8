package dev.postillion.mta.imap;

import dev.postillion.mta.access.AccessSessions;
import dev.postillion.mta.smtp.ClientNetworks;
import dev.postillion.mta.smtp.ContentMemory;
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
 * The I/O side of one IMAP connection: frames whole commands with an {@link ImapFramer} on the
 * event loop and hands them to the connection's {@link ImapSession} one at a time, when it asks
 * for the next; writes the session's responses. Between commands nothing more is framed, so a
 * client that pipelines holds at most what fits its line and literal limits here, and TCP holds
 * back the rest. A literal takes its room in the node's {@link ContentMemory} when it is announced,
 * until the session is done with its command: while there is none, a synchronizing literal's "+"
 * waits, and a non-synchronizing one is not read (TCP holds the client back).
 *
 * <p>TLS: on the implicit-TLS listener the handshake comes first (RFC 8314) and the session starts
 * after it; on the other, STARTTLS puts the TLS handler in front once the command is answered,
 * dropping whatever the client sent after it in plain text (RFC 9051 section 6.2.1: no command
 * injection, as CVE-2011-0411 showed for SMTP).
 */
final class ImapConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ImapConnection.class);
    private static final byte[] CONTINUE_LITERAL = "+ Ready for literal data\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ImapContext context;
    private final ImapFramer framer;
    private final boolean implicitTls;
    private Channel channel;
    private InetAddress client;
    private String clientKey;
    private ByteBuf pending;
    private ActorRef<ImapSession.Command> session;
    private boolean wantsCommand;
    private boolean admitted;
    /** What the literals of the command being read hold of the content memory. */
    private ContentMemory.Share literals;
    /** A literal announced for which the memory had no room yet; null when none waits. */
    private ImapFramer.LiteralAnnounced waitingLiteral;

    ImapConnection(ImapContext context, boolean implicitTls) {
        this.context = context;
        this.implicitTls = implicitTls;
        this.framer = new ImapFramer(context.settings().maxLineLength(), ImapSettings.MAX_LITERAL_BEFORE_LOGIN);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        client = ((InetSocketAddress) channel.remoteAddress()).getAddress();
        clientKey = ClientNetworks.clientKey(client);
        if (!context.limits().admitClient(clientKey)) {
            log.info("IMAP connection from [{}] refused: too many connections", client.getHostAddress());
            channel.writeAndFlush(Unpooled.wrappedBuffer(("* BYE [UNAVAILABLE] too many connections from "
                    + client.getHostAddress() + "\r\n").getBytes(StandardCharsets.US_ASCII)))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        admitted = true;
        pending = ctx.alloc().buffer();
        channel.config().setAutoRead(true);
        if (!implicitTls) {
            open(false);
        }
    }

    private void open(boolean tls) {
        context.sessions().tell(new AccessSessions.Open<>(ImapSession.create(context, this, tls),
                new ImapSession.Shutdown(), channel.eventLoop(), started -> {
            // The session is made on the sessions' parent; it is used on this connection's loop.
            channel.eventLoop().execute(() -> {
                session = started;
                frame();
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
            } else if (session != null) {
                session.tell(new ImapSession.TlsStarted());
            }
        } else if (event instanceof IdleStateEvent && session != null) {
            session.tell(new ImapSession.Idle());
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
        frame();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (admitted) {
            context.limits().releaseClient(clientKey);
        }
        releaseLiterals();
        waitingLiteral = null;
        if (session != null) {
            session.tell(new ImapSession.Disconnected());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("IMAP connection from [{}] failed: {}", client == null ? "?" : client.getHostAddress(),
                cause.toString());
        ctx.close();
    }

    /** Frames the next command if the session asked for one and the input holds it. */
    private void frame() {
        if (!wantsCommand || pending == null || session == null || waitingLiteral != null) {
            updateReading();
            return;
        }
        while (true) {
            ImapFramer.Result result = framer.next(pending);
            if (result instanceof ImapFramer.LiteralAnnounced literal) {
                if (!roomFor(literal)) {
                    updateReading();
                    return;
                }
                continue;
            }
            if (result instanceof ImapFramer.Command command) {
                wantsCommand = false;
                session.tell(new ImapSession.Received(command.bytes()));
            } else if (result instanceof ImapFramer.Refused refused) {
                byte[] answer = (refused.tag() + " " + refused.response() + "\r\n").getBytes(StandardCharsets.UTF_8);
                if (refused.close()) {
                    pending.clear();
                    send(answer).thenRun(this::close);
                    return;
                }
                channel.writeAndFlush(Unpooled.wrappedBuffer(answer));
                continue;
            }
            pending.discardReadBytes();
            updateReading();
            return;
        }
    }

    /**
     * Takes the literal's room in the content memory, then asks a synchronizing literal's client
     * to send it; false, with the literal waiting, while there is no room.
     */
    private boolean roomFor(ImapFramer.LiteralAnnounced literal) {
        if (literals == null) {
            literals = context.memory().share();
        }
        if (!literals.grow(literal.size(), () -> onLoop(this::roomFreed))) {
            waitingLiteral = literal;
            return false;
        }
        waitingLiteral = null;
        if (literal.synchronizing()) {
            channel.writeAndFlush(Unpooled.wrappedBuffer(CONTINUE_LITERAL));
        }
        return true;
    }

    private void roomFreed() {
        if (waitingLiteral != null && channel.isOpen() && roomFor(waitingLiteral)) {
            frame();
        }
    }

    /** Reads from the socket only while a command is wanted and the input holds less than a line. */
    private void updateReading() {
        if (channel != null && pending != null) {
            channel.config().setAutoRead(waitingLiteral == null
                    && (wantsCommand || pending.readableBytes() < context.settings().maxLineLength()));
        }
    }

    /** The session is done with its command, and with the literals it held. */
    private void releaseLiterals() {
        if (literals != null) {
            literals.release();
            literals = null;
        }
    }

    /** The session is ready for the next command (or the next line of an exchange). */
    void next() {
        onLoop(() -> {
            releaseLiterals();
            wantsCommand = true;
            frame();
        });
    }

    /** Literals up to this size are taken from now on (more once logged in). */
    void maxLiteral(long bytes) {
        onLoop(() -> framer.maxLiteral(bytes));
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
     * Answers STARTTLS with {@code ready} in plain text, then reads only TLS: input that came after
     * the command, in plain text, is dropped.
     */
    void startTls(byte[] ready) {
        onLoop(() -> {
            pending.clear();
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

    boolean secure() {
        return channel.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null;
    }

    private void onLoop(Runnable action) {
        if (channel.eventLoop().inEventLoop()) {
            action.run();
        } else {
            channel.eventLoop().execute(action);
        }
    }
}
