package dev.postillion.mta.pop3;

import dev.postillion.mta.access.AccessConnection;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.typed.Behavior;

/**
 * The I/O side of one POP3 connection: splits the input into lines on the event loop and hands
 * them to the connection's {@link Pop3Session} one at a time, when it asks for the next; writes
 * the session's responses. Between commands nothing more is split off, so a client that
 * pipelines (RFC 2449 section 6.6) holds at most a line here, and TCP holds back the rest. STLS
 * (RFC 2595 section 4) and the rest as {@link AccessConnection}.
 */
final class Pop3Connection extends AccessConnection<Pop3Session.Command> {

    private static final byte[] TOO_LONG = "-ERR line too long\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Pop3Context context;
    private boolean wantsLine;

    Pop3Connection(Pop3Context context, boolean implicitTls) {
        super(context.tls(), context.sessions(), context.clients(), implicitTls);
        this.context = context;
    }

    @Override
    protected Behavior<Pop3Session.Command> session(boolean tls) {
        return Pop3Session.create(context, this, tls);
    }

    @Override
    protected Pop3Session.Command shutdown() {
        return new Pop3Session.Shutdown();
    }

    @Override
    protected Pop3Session.Command idle() {
        return new Pop3Session.Idle();
    }

    @Override
    protected Pop3Session.Command disconnected() {
        return new Pop3Session.Disconnected();
    }

    @Override
    protected byte[] tooManyConnections(String client) {
        return ("-ERR [SYS/TEMP] too many connections from " + client + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Hands the next line to the session if it asked for one and the input holds it; a line
     * longer than {@code max-line-length}, ended or not, is answered and ends the connection.
     */
    @Override
    protected void input() {
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
            input();
        });
    }
}
