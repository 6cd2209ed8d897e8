package dev.postillion.mta.smtp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the client's byte stream into command lines and message contents, on the I/O thread
 * (ARCHITECTURE rule 1). It holds no protocol state beyond framing: the session decides, and tells
 * the framer through {@link #startData()} or {@link #resumeCommands()} after each DATA command,
 * and through its connection after each STARTTLS command: nothing after a STARTTLS line is
 * framed before the session has answered it, so that what a client pipelined after it in plain
 * text is never taken for a command sent under TLS (RFC 3207 section 4.2, CVE-2011-0411).
 *
 * <p><b>A command line ends with CRLF only</b> (RFC 5321 section 2.3.8): a line ending in a bare
 * LF is reported as such and never executed, so {@code EHLO a<LF>X: 1<CRLF>} is not two commands.
 *
 * <p><b>End of data is only {@code <CRLF>.<CRLF>}</b> (RFC 5321 section 4.1.1.4). A line starts
 * only after CRLF, so {@code <LF>.<LF>}, {@code <CR>.<CR>}, {@code <LF>.<CR><LF>} and their kin are
 * content, never an end: no client can end a message early and smuggle a second one in (the 2023
 * "SMTP smuggling" class). A message that holds a bare CR, a bare LF or a NUL anywhere is marked so
 * the session refuses it, because a server further on might read those bytes differently.
 * Dot-unstuffing follows RFC 5321 section 4.5.2. Content beyond the size limit is counted and
 * dropped, never buffered.
 *
 * <p>Content is kept in blocks of {@value #BLOCK} bytes, joined once at the end: a growing array
 * would hold its old and its new copy at each step, twice the message at the last one. While a
 * message arrives its connection takes what is kept from the front ({@link #takeContent}) and
 * writes it to the spool; the {@link Content} frame then holds the rest.
 */
final class SmtpFramer {

    sealed interface Frame {}

    /**
     * A command line without its line ending, parsed once here: the framer needs to know a DATA
     * command when it sees one, and the session then takes the parsed command as it is.
     */
    record CommandLine(String text, SmtpCommand command) implements Frame {
        CommandLine(String text) {
            this(text, SmtpCommand.parse(text));
        }
    }

    /** A command line longer than the limit; its bytes up to the next LF were discarded. */
    record LineTooLong() implements Frame {}

    /**
     * A command line that ended in a bare LF, discarded unread: commands end with CRLF only (RFC
     * 5321 section 2.3.8), and a server further on could split the same bytes differently.
     */
    record BareLineFeed() implements Frame {}

    /**
     * The content of one DATA transaction, unstuffed, ending with the CRLF before the final dot.
     *
     * @param content what the framer kept of it after what its connection took
     * @param size octets received, including any beyond the limit
     * @param oversized more than the size limit arrived; {@code content} is then incomplete
     * @param unsafeLineEndings a bare CR, bare LF or NUL occurred
     * @param pieces what the connection took and wrote to the spool, which comes before {@code
     *     content}; null from the framer, which knows nothing of it
     */
    record Content(byte[] content, long size, boolean oversized, boolean unsafeLineEndings, ContentPieces pieces)
            implements Frame {

        /** This content, after the pieces its connection wrote. */
        Content after(ContentPieces written) {
            return new Content(content, size, oversized, unsafeLineEndings, written);
        }
    }

    private enum Mode { COMMANDS, DISCARDING_LINE, AWAITING_DECISION, DATA }

    /** Where the data scanner is within the current content line. */
    private enum DataState {
        /** Just after CRLF (or the start of data): a dot here is special. */
        LINE_START,
        /** A dot at line start. */
        DOT,
        /** A dot at line start, then CR. */
        DOT_CR,
        IN_LINE,
        /** A CR inside a line; only LF after it makes a line ending. */
        CR
    }

    private static final int BLOCK = 64 * 1024;

    private final int maxLineLength;
    private final long maxMessageSize;
    private Mode mode = Mode.COMMANDS;
    private DataState dataState;
    /** The content kept so far: full blocks, then {@code block} filled up to {@code blockLength}. */
    private List<byte[]> blocks;
    private byte[] block;
    private int blockLength;
    private long dataSize;
    /** Octets of the current content taken from the front by {@link #takeContent}. */
    private long taken;
    private boolean unsafe;

    SmtpFramer(int maxLineLength, long maxMessageSize) {
        this.maxLineLength = maxLineLength;
        this.maxMessageSize = maxMessageSize;
    }

    /** Consumes what it can of {@code in}; stops after DATA or STARTTLS until the session decides. */
    void feed(ByteBuf in, List<Frame> out) {
        boolean progress = true;
        while (progress && in.isReadable()) {
            progress = switch (mode) {
                case COMMANDS -> readCommand(in, out);
                case DISCARDING_LINE -> discardLine(in);
                case DATA -> readData(in, out);
                case AWAITING_DECISION -> false;
            };
        }
    }

    boolean awaitingDecision() {
        return mode == Mode.AWAITING_DECISION;
    }

    /** Reading a message's content: what is fed now may be kept, up to its whole length. */
    boolean readingContent() {
        return mode == Mode.DATA;
    }

    /** Octets of the current content kept now (those beyond the size limit are not, nor those taken). */
    long keptBytes() {
        return Math.min(dataSize, maxMessageSize) - taken;
    }

    /**
     * Takes the first {@code length} octets kept of the current content, a multiple of {@value
     * #BLOCK}, if that many are kept in full blocks; else null.
     */
    byte[] takeContent(int length) {
        int count = length / BLOCK;
        if (length % BLOCK != 0) {
            throw new IllegalArgumentException("not a whole number of blocks: " + length);
        }
        if (mode != Mode.DATA || blocks.size() < count) {
            return null;
        }
        byte[] front = new byte[length];
        for (int i = 0; i < count; i++) {
            System.arraycopy(blocks.get(i), 0, front, i * BLOCK, BLOCK);
        }
        blocks.subList(0, count).clear();
        taken += length;
        return front;
    }

    /** The session answered DATA with 354: what follows is content. */
    void startData() {
        mode = Mode.DATA;
        dataState = DataState.LINE_START;
        blocks = new ArrayList<>();
        block = new byte[BLOCK];
        blockLength = 0;
        dataSize = 0;
        taken = 0;
        unsafe = false;
    }

    /** The session refused DATA or STARTTLS, or TLS has started: what follows are commands. */
    void resumeCommands() {
        mode = Mode.COMMANDS;
    }

    /** @return false when only an incomplete line is left, to wait for more bytes */
    private boolean readCommand(ByteBuf in, List<Frame> out) {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        // The limit counts the line ending too (RFC 5321 section 4.5.3.1.4): with the LF still to
        // come, maxLineLength octets are already too many.
        if (lf < 0) {
            if (in.readableBytes() < maxLineLength) {
                return false;
            }
            in.skipBytes(in.readableBytes());
            mode = Mode.DISCARDING_LINE;
            out.add(new LineTooLong());
            return true;
        }
        int length = lf - in.readerIndex();
        if (length + 1 > maxLineLength) {
            in.readerIndex(lf + 1);
            out.add(new LineTooLong());
            return true;
        }
        if (length == 0 || in.getByte(lf - 1) != '\r') {
            in.readerIndex(lf + 1);
            out.add(new BareLineFeed());
            return true;
        }
        String line = in.toString(in.readerIndex(), length - 1, StandardCharsets.UTF_8);
        in.readerIndex(lf + 1);
        CommandLine command = new CommandLine(line);
        out.add(command);
        // Wait exactly when the session will see a DATA or STARTTLS command: it answers any
        // other line without calling startData() or resumeCommands().
        if (command.command() instanceof SmtpCommand.Data || command.command() instanceof SmtpCommand.StartTls) {
            mode = Mode.AWAITING_DECISION;
        }
        return true;
    }

    private boolean discardLine(ByteBuf in) {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (lf < 0) {
            in.skipBytes(in.readableBytes());
        } else {
            in.readerIndex(lf + 1);
            mode = Mode.COMMANDS;
        }
        return true;
    }

    private boolean readData(ByteBuf in, List<Frame> out) {
        while (in.isReadable()) {
            if (dataState == DataState.IN_LINE) {
                copyOrdinaryRun(in);
                if (!in.isReadable()) {
                    break;
                }
            }
            byte b = in.readByte();
            if (b == 0) {
                unsafe = true;
            }
            switch (dataState) {
                case LINE_START -> {
                    if (b == '.') {
                        dataState = DataState.DOT;
                    } else {
                        inLine(b);
                    }
                }
                case DOT -> {
                    if (b == '\r') {
                        dataState = DataState.DOT_CR;
                    } else {
                        inLine(b); // a stuffed dot: the first dot of the line is dropped
                    }
                }
                case DOT_CR -> {
                    if (b == '\n') {
                        finish(out);
                        return true;
                    }
                    append((byte) '\r'); // ".<CR>" then not LF: a bare CR after a stuffed dot
                    unsafe = true;
                    inLine(b);
                }
                case CR -> {
                    if (b == '\n') {
                        append((byte) '\r');
                        append((byte) '\n');
                        dataState = DataState.LINE_START;
                    } else {
                        append((byte) '\r');
                        unsafe = true;
                        inLine(b);
                    }
                }
                case IN_LINE -> inLine(b);
                default -> throw new IllegalStateException(dataState.name());
            }
        }
        return true;
    }

    /** A byte inside a line. A CR waits for its LF; an LF without CR is content, never a line end. */
    private void inLine(byte b) {
        if (b == '\r') {
            dataState = DataState.CR;
            return;
        }
        if (b == '\n') {
            unsafe = true;
        }
        append(b);
        dataState = DataState.IN_LINE;
    }

    /** Inside a line, everything up to the next CR, LF or NUL is plain content: copied in one go. */
    private void copyOrdinaryRun(ByteBuf in) {
        int special = in.forEachByte(in.readerIndex(), in.readableBytes(), SmtpFramer::isOrdinary);
        int length = (special < 0 ? in.writerIndex() : special) - in.readerIndex();
        long room = Math.max(0, maxMessageSize - dataSize);
        int kept = (int) Math.min(length, room);
        int from = in.readerIndex();
        while (kept > 0) {
            int part = Math.min(kept, roomInBlock());
            in.getBytes(from, block, blockLength, part);
            blockLength += part;
            from += part;
            kept -= part;
        }
        dataSize += length;
        in.skipBytes(length);
    }

    /** Room left in the current block, after starting a new one if it is full. */
    private int roomInBlock() {
        if (blockLength == block.length) {
            blocks.add(block);
            block = new byte[BLOCK];
            blockLength = 0;
        }
        return block.length - blockLength;
    }

    private static boolean isOrdinary(byte b) {
        return b != '\r' && b != '\n' && b != 0;
    }

    private void append(byte b) {
        dataSize++;
        if (dataSize > maxMessageSize) {
            return; // counted, not kept
        }
        roomInBlock();
        block[blockLength++] = b;
    }

    private void finish(List<Frame> out) {
        out.add(new Content(joined(), dataSize, dataSize > maxMessageSize, unsafe, null));
        blocks = null;
        block = null;
        mode = Mode.COMMANDS;
    }

    /** The kept content as one array, each block let go as soon as it is copied. */
    private byte[] joined() {
        byte[] content = new byte[Math.toIntExact(keptBytes())];
        int at = 0;
        for (int i = 0; i < blocks.size(); i++) {
            System.arraycopy(blocks.get(i), 0, content, at, BLOCK);
            at += BLOCK;
            blocks.set(i, null);
        }
        System.arraycopy(block, 0, content, at, blockLength);
        return content;
    }
}
