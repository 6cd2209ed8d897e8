package dev.postillion.queue.report;

import dev.postillion.core.Envelope;
import java.util.Arrays;

/**
 * The last part of a report: the message reported on, or only its header section.
 *
 * @param whole whether {@code content} is the whole message
 */
record ReturnedMessage(String contentType, byte[] content, boolean whole) {

    /**
     * The whole message when the report is a failure, the sender did not ask for headers only
     * ({@code RET=HDRS}, RFC 3461 section 4.3) and the message is within {@code sizeLimit}; its
     * header section otherwise. A message sent with SMTPUTF8 may have UTF-8 in its headers, so it
     * goes as {@code message/global} (RFC 6532 section 3.7) or {@code message/global-headers}
     * (RFC 6533) rather than {@code message/rfc822} or {@code text/rfc822-headers} (RFC 6522).
     */
    static ReturnedMessage of(ReportKind kind, Envelope envelope, byte[] message, long sizeLimit) {
        boolean global = envelope.smtputf8();
        if (kind.returnsWholeMessage() && !"HDRS".equalsIgnoreCase(envelope.mailParameters().get("RET"))
                && message.length <= sizeLimit) {
            return new ReturnedMessage(global ? "message/global" : "message/rfc822", message, true);
        }
        return new ReturnedMessage(global ? "message/global-headers" : "text/rfc822-headers",
                headerSection(message, sizeLimit), false);
    }

    /**
     * The header lines up to the blank line that ends them, each with its line ending. Headers
     * beyond {@code sizeLimit} are left out, at a line end, so a huge header section cannot make a
     * huge report.
     */
    private static byte[] headerSection(byte[] message, long sizeLimit) {
        int end = 0;
        while (end < message.length) {
            int next = nextLine(message, end);
            boolean blank = message[end] == '\n'
                    || (message[end] == '\r' && next - end == 2 && message[end + 1] == '\n');
            if (blank || next > sizeLimit) {
                break;
            }
            end = next;
        }
        return Arrays.copyOf(message, end);
    }

    /** Where the line starting at {@code from} ends, just past its LF, or at the end of the message. */
    private static int nextLine(byte[] message, int from) {
        for (int i = from; i < message.length; i++) {
            if (message[i] == '\n') {
                return i + 1;
            }
        }
        return message.length;
    }
}
