package dev.postillion.mailbox.responder;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Header fields written so that any transport carries them: folded into lines of at most 78
 * characters where white space allows (RFC 5322 section 2.2.3), and text that is not plain
 * ASCII as RFC 2047 encoded-words.
 */
final class HeaderFields {

    /** RFC 5322 section 2.1.1: lines SHOULD be at most 78 characters. */
    private static final int WIDTH = 78;
    /** RFC 2047 section 2: a line holding an encoded-word is at most 76 characters. */
    private static final int ENCODED_WIDTH = 76;
    /**
     * Longer words are encoded rather than folded: folding only breaks at white space, and a line
     * must stay below 998 characters (RFC 5322 section 2.1.1).
     */
    private static final int LONGEST_WORD = 900;
    private static final String PREFIX = "=?UTF-8?Q?";
    private static final String SUFFIX = "?=";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private HeaderFields() {}

    /**
     * {@code name: words}, the words separated by one space and folded before a word that would
     * pass the line width; ends with CRLF.
     */
    static String folded(String name, List<String> words) {
        StringBuilder field = new StringBuilder(name).append(':');
        int lineStart = 0;
        boolean lineHasWord = false;
        for (String word : words) {
            if (lineHasWord && field.length() - lineStart + 1 + word.length() > WIDTH) {
                field.append("\r\n");
                lineStart = field.length();
            }
            field.append(' ').append(word);
            lineHasWord = true;
        }
        return field.append("\r\n").toString();
    }

    /**
     * An unstructured field such as Subject (RFC 5322 section 3.2.5). Control characters become
     * spaces and runs of white space one space. Text of printable ASCII is folded as it is;
     * other text becomes encoded-words (RFC 2047 section 5, rule 1), which readers decode back.
     */
    static String unstructured(String name, String text) {
        String spaced = spaced(text);
        List<String> words = spaced.isEmpty() ? List.of() : List.of(spaced.split(" "));
        boolean plain = words.stream().allMatch(word -> word.length() <= LONGEST_WORD && isPrintableAscii(word));
        return plain ? folded(name, words) : encoded(name, spaced);
    }

    /**
     * {@code name:} and {@code text} as Q-encoded words of UTF-8, each on a line of its own within
     * {@link #ENCODED_WIDTH}; a character's octets are never split between two words (RFC 2047
     * section 5). The white space between the words is not part of the text (section 6.2).
     */
    static String encoded(String name, String text) {
        StringBuilder field = new StringBuilder(name).append(':');
        StringBuilder word = new StringBuilder();
        int lineLength = field.length();
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
            String piece = qEncode(text.codePointAt(i));
            int room = ENCODED_WIDTH - lineLength - 1 - PREFIX.length() - SUFFIX.length();
            if (word.length() > 0 && word.length() + piece.length() > room) {
                field.append(' ').append(PREFIX).append(word).append(SUFFIX).append("\r\n");
                lineLength = 0;
                word.setLength(0);
            }
            word.append(piece);
        }
        return field.append(' ').append(PREFIX).append(word).append(SUFFIX).append("\r\n").toString();
    }

    /**
     * RFC 2047 section 4.2: space is '_'; printable ASCII but '=', '?' and '_' stands for itself,
     * as section 5 rule 1 allows in unstructured text; other octets are {@code =XX}.
     */
    private static String qEncode(int codePoint) {
        if (codePoint == ' ') {
            return "_";
        }
        if (codePoint > ' ' && codePoint < 127 && codePoint != '=' && codePoint != '?' && codePoint != '_') {
            return String.valueOf((char) codePoint);
        }
        StringBuilder octets = new StringBuilder();
        for (byte b : new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8)) {
            octets.append('=').append(HEX[(b & 0xFF) >> 4]).append(HEX[b & 0xF]);
        }
        return octets.toString();
    }

    private static String spaced(String text) {
        StringBuilder spaced = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean space = Character.isISOControl(c) || Character.isWhitespace(c);
            if (!space) {
                spaced.append(c);
            } else if (spaced.length() > 0 && spaced.charAt(spaced.length() - 1) != ' ') {
                spaced.append(' ');
            }
        }
        return spaced.toString().strip();
    }

    private static boolean isPrintableAscii(String word) {
        return word.chars().allMatch(c -> c > ' ' && c < 127);
    }
}
