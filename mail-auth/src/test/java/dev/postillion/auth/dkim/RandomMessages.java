package dev.postillion.auth.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Messages made from a seed for differential tests of DKIM canonicalization: the same seed and
 * index always give the same message, so that a failing case can be made again from its report.
 * They are what canonicalization must get right (RFC 6376 sections 3.4.1 to 3.4.4): body lines of
 * 0 to 5,000 octets, most of them around the lengths where buffers grow; runs of spaces and tabs,
 * white space at the ends of lines, empty lines at the end, empty bodies, a last line without
 * CRLF; header fields folded, with 8-bit octets, runs of white space, names in any case. Lines end
 * in CRLF only: a lone CR or LF is read differently by implementations, and SMTP carries neither.
 */
final class RandomMessages {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final int LONGEST_LINE = 5_000;
    private static final String[] NAMES = {"Subject", "To", "Cc", "Date", "Message-ID", "X-Mailer", "Reply-To"};

    private final long seed;

    RandomMessages(long seed) {
        this.seed = seed;
    }

    /** The message number {@code index} of this seed. */
    byte[] message(int index) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + index);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        field(message, random, "From", "Sender <sender@example.com>");
        int fields = random.nextInt(1, 7);
        for (int i = 0; i < fields; i++) {
            String name = NAMES[random.nextInt(NAMES.length)];
            field(message, random, random.nextInt(5) == 0 ? name.toUpperCase() : name, "");
        }
        message.writeBytes(CRLF);
        body(message, random);
        return message.toByteArray();
    }

    /** A field, perhaps folded, with white space around and in its value, perhaps 8-bit. */
    private static void field(ByteArrayOutputStream message, SplittableRandom random, String name, String prefix) {
        message.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
        message.write(':');
        whiteSpace(message, random, 0, 3);
        message.writeBytes(prefix.getBytes(StandardCharsets.US_ASCII));
        int parts = random.nextInt(1, 4);
        for (int i = 0; i < parts; i++) {
            if (i > 0) {
                if (random.nextBoolean()) {
                    message.writeBytes(CRLF); // folding: the next line starts with white space
                    whiteSpace(message, random, 1, 4);
                } else {
                    whiteSpace(message, random, 1, 4);
                }
            }
            text(message, random, random.nextInt(1, 60), random.nextInt(4) == 0);
        }
        whiteSpace(message, random, 0, 3);
        message.writeBytes(CRLF);
    }

    private static void body(ByteArrayOutputStream message, SplittableRandom random) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            return; // an empty body
        }
        int lines = random.nextInt(1, 12);
        for (int i = 0; i < lines; i++) {
            int length = lineLength(random);
            line(message, random, length);
            if (i < lines - 1 || kind != 1) {
                message.writeBytes(CRLF);
            } else {
                // Kind 1: the last line has no CRLF, and ends in a word. RFC 6376 section 3.4.4
                // removes white space before the CRLF added there; dkimpy keeps it, in the one
                // case SMTP cannot carry (RFC 5321 section 4.1.1.4), so the two are not compared.
                text(message, random, 1, false);
            }
        }
        if (kind == 2) {
            for (int i = random.nextInt(1, 4); i > 0; i--) {
                whiteSpace(message, random, 0, 2); // empty lines at the end, some only white space
                message.writeBytes(CRLF);
            }
        }
    }

    /** Mostly short, often near 256 (the canonicalizer's first buffer) and 998, sometimes up to 5,000. */
    private static int lineLength(SplittableRandom random) {
        return switch (random.nextInt(6)) {
            case 0 -> 0;
            case 1, 2 -> random.nextInt(0, 100);
            case 3 -> random.nextInt(250, 262);
            case 4 -> random.nextInt(990, 1010);
            default -> random.nextInt(0, LONGEST_LINE + 1);
        };
    }

    /** A body line of about {@code length} octets: words, runs of white space, perhaps some at its end. */
    private static void line(ByteArrayOutputStream message, SplittableRandom random, int length) {
        boolean eightBit = random.nextInt(5) == 0;
        int written = 0;
        while (written < length) {
            int size = Math.min(length - written, random.nextInt(1, 40));
            if (random.nextInt(4) == 0) {
                whiteSpace(message, random, size, size + 1);
            } else {
                text(message, random, size, eightBit);
            }
            written += size;
        }
        if (random.nextInt(4) == 0) {
            whiteSpace(message, random, 1, 6);
        }
    }

    /** Spaces and tabs, from {@code least} to {@code most - 1} of them. */
    private static void whiteSpace(ByteArrayOutputStream message, SplittableRandom random, int least, int most) {
        for (int i = random.nextInt(least, most); i > 0; i--) {
            message.write(random.nextBoolean() ? ' ' : '\t');
        }
    }

    /** Printable ASCII without white space, or octets 0x80 to 0xFF too. */
    private static void text(ByteArrayOutputStream message, SplittableRandom random, int size, boolean eightBit) {
        for (int i = 0; i < size; i++) {
            message.write(eightBit && random.nextInt(3) == 0 ? random.nextInt(0x80, 0x100) : random.nextInt(0x21, 0x7F));
        }
    }
}
