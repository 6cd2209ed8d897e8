package dev.postillion.mta.imap;

import dev.postillion.mta.access.AccessConnection;
import dev.postillion.mta.net.ContentMemory;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.typed.Behavior;

/**
 * The I/O side of one IMAP connection: frames whole commands with an {@link ImapFramer} on the
 * event loop and hands them to the connection's {@link ImapSession} one at a time, when it asks
 * for the next. Between commands nothing more is framed, so a client that pipelines holds at most
 * what fits its line and literal limits here, and TCP holds back the rest. A literal takes its
 * room in the node's {@link ContentMemory} when it is announced, until the session is done with
 * its command: while there is none, a synchronizing literal's "+" waits, and a non-synchronizing
 * one is not read (TCP holds the client back). TLS and the rest as {@link AccessConnection}.
 */
final class ImapConnection extends AccessConnection<ImapSession.Command> {

    private static final byte[] CONTINUE_LITERAL = "+ Ready for literal data\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ImapContext context;
    private final ImapFramer framer;
    private boolean wantsCommand;
    /** What the literals of the command being read hold of the content memory. */
    private ContentMemory.Share literals;
    /** A literal announced for which the memory had no room yet; null when none waits. */
    private ImapFramer.LiteralAnnounced waitingLiteral;

    ImapConnection(ImapContext context, boolean implicitTls) {
        super(context.tls(), context.sessions(), context.clients(), implicitTls);
        this.context = context;
        this.framer = new ImapFramer(context.settings().maxLineLength(), ImapSettings.MAX_LITERAL_BEFORE_LOGIN);
    }

    @Override
    protected Behavior<ImapSession.Command> session(boolean tls) {
        return ImapSession.create(context, this, tls);
    }

    @Override
    protected ImapSession.Command shutdown() {
        return new ImapSession.Shutdown();
    }

    @Override
    protected ImapSession.Command idle() {
        return new ImapSession.Idle();
    }

    @Override
    protected ImapSession.Command disconnected() {
        return new ImapSession.Disconnected();
    }

    @Override
    protected byte[] tooManyConnections(String client) {
        return ("* BYE [UNAVAILABLE] too many connections from " + client + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    protected void released() {
        releaseLiterals();
        waitingLiteral = null;
    }

    /** Frames the next command if the session asked for one and the input holds it. */
    @Override
    protected void input() {
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
            input();
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
            input();
        });
    }

    /** Literals up to this size are taken from now on (more once logged in). */
    void maxLiteral(long bytes) {
        onLoop(() -> framer.maxLiteral(bytes));
    }
}
