package dev.postillion.mta.managesieve;

import dev.postillion.mta.access.AccessConnection;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.typed.Behavior;

/**
 * The I/O side of one ManageSieve connection: frames whole commands on the event loop, their
 * lines and literals ({@code {n+}} as RFC 5804 section 4 has clients send them, and {@code {n}},
 * taken the same way, as the protocol has no continuation for it), and hands them to the
 * connection's {@link ManageSieveSession} one at a time, when it asks for the next. A literal
 * larger than the largest script is not kept: its octets are dropped as they come, and the
 * session hears {@link ManageSieveSession.Oversized} once the command ends, so a connection holds
 * at most one script and a line or two. STARTTLS and the rest as {@link AccessConnection}.
 */
final class ManageSieveConnection extends AccessConnection<ManageSieveSession.Command> {

    private static final byte[] TOO_LONG = "BYE \"line too long\"\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Digits of a literal's length beyond which it is too large whatever the limit. */
    private static final int MAX_DIGITS = 10;
    /**
     * Literals a command may have: no command of RFC 5804 section 2 takes more than two strings
     * (PUTSCRIPT, RENAMESCRIPT, AUTHENTICATE), so that a command held whole stays within two
     * literals and its lines, however many literals a client sends.
     */
    private static final int MAX_LITERALS = 2;

    private final ManageSieveContext context;
    private boolean wantsCommand;
    /** Octets of the command being framed already looked at (its complete lines and literals). */
    private int scanned;
    /** Octets of an oversized literal still to drop. */
    private long dropping;
    /** The command being framed has an oversized literal: it is dropped, not handed on. */
    private boolean oversized;
    /** Literals of the command being framed taken so far. */
    private int literals;
    /** The command being framed is dropped for a literal beyond {@link #MAX_LITERALS}. */
    private boolean tooManyLiterals;

    ManageSieveConnection(ManageSieveContext context) {
        super(context.tls(), context.sessions(), context.clients(), false);
        this.context = context;
    }

    @Override
    protected Behavior<ManageSieveSession.Command> session(boolean tls) {
        return ManageSieveSession.create(context, this, tls);
    }

    @Override
    protected ManageSieveSession.Command shutdown() {
        return new ManageSieveSession.Shutdown();
    }

    @Override
    protected ManageSieveSession.Command idle() {
        return new ManageSieveSession.Idle();
    }

    @Override
    protected ManageSieveSession.Command disconnected() {
        return new ManageSieveSession.Disconnected();
    }

    @Override
    protected byte[] tooManyConnections(String client) {
        return ("BYE (TRYLATER) \"too many connections from " + client + "\"\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    protected void input() {
        if (wantsCommand && pending != null && session != null) {
            frame();
        }
        updateReading();
    }

    /** Frames as much of the command as the input holds; hands it on once it is whole. */
    private void frame() {
        while (true) {
            if (dropping > 0) {
                int dropped = (int) Math.min(dropping, pending.readableBytes());
                pending.skipBytes(dropped);
                pending.discardReadBytes();
                dropping -= dropped;
                if (dropping > 0) {
                    return;
                }
            }
            int from = pending.readerIndex() + scanned;
            int end = pending.indexOf(from, pending.writerIndex(), (byte) '\n');
            if ((end < 0 ? pending.writerIndex() : end) - from > context.settings().maxLineLength()) {
                tooLong();
                return;
            }
            if (end < 0) {
                return;
            }
            long literal = literalLength(from, end);
            if (literal < 0) {
                commandEnds(end);
                return;
            }
            if (oversized || literal > context.maxLiteral() || literals == MAX_LITERALS) {
                tooManyLiterals |= !oversized && literal <= context.maxLiteral();
                oversized = true;
                pending.readerIndex(end + 1);
                pending.discardReadBytes();
                scanned = 0;
                dropping = literal;
                continue;
            }
            if (pending.writerIndex() < end + 1 + literal) {
                return; // the literal is within bounds: wait for all of it
            }
            literals++;
            scanned = end + 1 + (int) literal - pending.readerIndex();
        }
    }

    private void commandEnds(int end) {
        wantsCommand = false;
        scanned = 0;
        boolean tooMany = tooManyLiterals;
        literals = 0;
        tooManyLiterals = false;
        if (oversized) {
            oversized = false;
            pending.readerIndex(end + 1);
            session.tell(new ManageSieveSession.Oversized(tooMany));
        } else {
            byte[] command = new byte[end + 1 - pending.readerIndex()];
            pending.readBytes(command);
            session.tell(new ManageSieveSession.Received(command));
        }
        pending.discardReadBytes();
    }

    /** The length of the literal the line {@code [from, end)} ends with, {@code {n+}} or {@code {n}}; -1 if none. */
    private long literalLength(int from, int end) {
        int last = end - 1;
        if (last >= from && pending.getByte(last) == '\r') {
            last--;
        }
        if (last < from || pending.getByte(last) != '}') {
            return -1;
        }
        int digitsEnd = last - 1 >= from && pending.getByte(last - 1) == '+' ? last - 1 : last;
        int open = digitsEnd - 1;
        while (open >= from && Character.isDigit(pending.getByte(open))) {
            open--;
        }
        if (open < from || pending.getByte(open) != '{' || open == digitsEnd - 1) {
            return -1;
        }
        if (digitsEnd - open - 1 > MAX_DIGITS) {
            return Long.MAX_VALUE;
        }
        return Long.parseLong(pending.toString(open + 1, digitsEnd - open - 1, StandardCharsets.US_ASCII));
    }

    private void tooLong() {
        pending.clear();
        wantsCommand = false;
        literals = 0;
        tooManyLiterals = false;
        send(TOO_LONG).whenComplete((written, failure) -> close());
    }

    /** Reads from the socket while a command is wanted, or while the input holds less than a line. */
    private void updateReading() {
        if (channel != null && pending != null) {
            channel.config().setAutoRead(wantsCommand || pending.readableBytes() <= context.settings().maxLineLength());
        }
    }

    /** The session is ready for the next command, or the client's response in AUTHENTICATE. */
    void next() {
        onLoop(() -> {
            wantsCommand = true;
            input();
        });
    }
}
