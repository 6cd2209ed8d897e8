package dev.postillion.mta.mime;

/**
 * A range of a byte array, {@code from} inclusive, {@code to} exclusive: parts of a message are
 * looked at where they are, not copied.
 */
public record Slice(byte[] bytes, int from, int to) {

    public Slice {
        if (from < 0 || to < from || to > bytes.length) {
            throw new IndexOutOfBoundsException("[" + from + ", " + to + ") of " + bytes.length);
        }
    }

    public static Slice of(byte[] bytes) {
        return new Slice(bytes, 0, bytes.length);
    }

    public int length() {
        return to - from;
    }

    /** The range {@code [start, end)} of the same array, in the array's positions. */
    public Slice range(int start, int end) {
        return new Slice(bytes, start, end);
    }

    /** The position after the LF that ends the line starting at {@code at}, or {@code to}. */
    public int nextLine(int at) {
        for (int i = at; i < to; i++) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return to;
    }

    /** The end of the line's content: the line's LF, or the CR before it, is not part of it. */
    public int lineContentEnd(int lineStart, int nextLine) {
        int end = nextLine;
        if (end > lineStart && bytes[end - 1] == '\n') {
            end--;
        }
        if (end > lineStart && bytes[end - 1] == '\r') {
            end--;
        }
        return end;
    }
}
