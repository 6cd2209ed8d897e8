package dev.postillion.core;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Identifies one message in the spool, as Postfix's queue id does, and is what the
 * {@code 250 2.0.0 Ok: queued as ID} reply and every log line name.
 *
 * <p>Twelve bytes: an eight-byte value that grows with time (so spool keys sort by arrival) and a
 * four-byte node tag chosen at start, so ids from restarts and from other nodes never collide.
 */
public record QueueId(long sequence, int nodeTag) implements Comparable<QueueId> {

    public static final int BYTES = 12;
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    /** The smallest id a {@link QueueIdGenerator} can have handed out at {@code instant}. */
    public static QueueId firstAt(java.time.Instant instant) {
        return new QueueId(instant.toEpochMilli() * 1000, 0);
    }

    public byte[] bytes() {
        return ByteBuffer.allocate(BYTES).putLong(sequence).putInt(nodeTag).array();
    }

    public static QueueId fromBytes(byte[] bytes, int offset) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, BYTES);
        return new QueueId(buffer.getLong(), buffer.getInt());
    }

    /** @throws IllegalArgumentException if the text is not a queue id */
    public static QueueId parse(String text) {
        if (text.length() != BYTES * 2) {
            throw new IllegalArgumentException("queue id must be " + BYTES * 2 + " hexadecimal digits");
        }
        return fromBytes(HEX.parseHex(text), 0);
    }

    @Override
    public String toString() {
        return HEX.formatHex(bytes());
    }

    @Override
    public int compareTo(QueueId other) {
        int bySequence = Long.compareUnsigned(sequence, other.sequence);
        return bySequence != 0 ? bySequence : Integer.compareUnsigned(nodeTag, other.nodeTag);
    }
}
