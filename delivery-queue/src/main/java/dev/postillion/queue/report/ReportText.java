package dev.postillion.queue.report;

import dev.postillion.core.Xtext;

/**
 * How text from outside (remote replies, client parameters, addresses) is laid into the lines of a
 * report: on lines of its own making only, and within the line lengths of RFC 5322 section 2.1.1.
 */
final class ReportText {

    /** RFC 5322 section 2.1.1: lines SHOULD be at most 78 characters. */
    static final int WIDTH = 78;

    /**
     * Longer words are cut, so that no line, indent included, comes near the 998-character limit
     * of RFC 5322 section 2.1.1. SMTP replies never have such words (RFC 5321 section 4.5.3.1.5
     * limits their lines to 512 octets); only a misbehaving server could send one.
     */
    private static final int LONGEST_WORD = 900;

    private ReportText() {}

    /**
     * The text an xtext value (RFC 3461 section 4: ENVID, ORCPT) stands for. The SMTP session
     * accepts only valid xtext; a value that is not is kept as it is, as a report is no place to
     * refuse it.
     */
    static String decodeXtext(String value) {
        try {
            return Xtext.decode(value);
        } catch (IllegalArgumentException notXtext) {
            return value;
        }
    }

    /**
     * {@code untrusted} with every control character, CR and LF first of all, turned into a space:
     * a remote server or a client must not be able to start a line of ours, such as a header field
     * or a field of the delivery-status part.
     */
    static String clean(String untrusted) {
        StringBuilder clean = new StringBuilder(untrusted.length());
        for (int i = 0; i < untrusted.length(); i++) {
            char c = untrusted.charAt(i);
            clean.append(Character.isISOControl(c) ? ' ' : c);
        }
        return clean.toString();
    }

    /**
     * {@code text} cleaned and filled into lines of at most {@link #WIDTH} characters, broken at
     * spaces, each line after the first starting with {@code indent}; lines are separated by CRLF,
     * with none after the last. With a whitespace indent this is header folding (RFC 5322 section
     * 2.2.3): unfolding gives back the text with single spaces between words.
     */
    static String wrap(String text, String indent) {
        StringBuilder wrapped = new StringBuilder();
        int lineStart = 0;
        boolean lineHasWord = false;
        for (String word : clean(text).split(" +")) {
            if (word.isEmpty()) {
                continue;
            }
            for (int cut = 0; cut < word.length(); cut += LONGEST_WORD) {
                String piece = word.substring(cut, Math.min(word.length(), cut + LONGEST_WORD));
                if (lineHasWord && wrapped.length() - lineStart + 1 + piece.length() > WIDTH) {
                    wrapped.append("\r\n");
                    lineStart = wrapped.length();
                    wrapped.append(indent);
                    lineHasWord = false;
                }
                if (lineHasWord) {
                    wrapped.append(' ');
                }
                wrapped.append(piece);
                lineHasWord = true;
            }
        }
        return wrapped.toString();
    }
}
