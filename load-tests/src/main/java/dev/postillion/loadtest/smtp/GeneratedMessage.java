package dev.postillion.loadtest.smtp;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An RFC 5322 message made from the envelope and the scenario's subject, body and attachment
 * size: a text/plain part and, with an attachment, a base64 application/octet-stream part of
 * that many bytes (RFC 2045, RFC 2046 §5.1).
 */
final class GeneratedMessage {

    // The attachment's bytes repeat one block: a load test needs their size, not their entropy,
    // and drawing megabytes of random numbers per message would load the generator, not the server.
    private static final byte[] BLOCK = new byte[57 * 1024];

    static {
        new Random(5321).nextBytes(BLOCK);
    }

    private GeneratedMessage() {}

    /**
     * @param sender the reverse-path, shown in From
     * @param recipients the forward-paths, shown in To
     * @param attachmentBytes the decoded size of the attachment; 0 for none
     */
    static String of(String sender, List<String> recipients, String subject, String body, int attachmentBytes) {
        StringBuilder message = new StringBuilder(256 + body.length() + attachmentBytes * 4 / 3 + attachmentBytes / 38);
        message.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now())).append("\r\n");
        message.append("From: <").append(sender).append(">\r\n");
        message.append("To: ");
        for (int i = 0; i < recipients.size(); i++) {
            // one address a line keeps long lists within RFC 5322 §2.1.1's 998 characters
            message.append(i == 0 ? "<" : ",\r\n <").append(recipients.get(i)).append('>');
        }
        message.append("\r\n");
        message.append("Subject: ").append(encodedWord(subject)).append("\r\n");
        message.append("Message-ID: <").append(Long.toHexString(ThreadLocalRandom.current().nextLong()))
                .append('.').append(System.nanoTime()).append('@').append(domainOf(sender)).append(">\r\n");
        message.append("MIME-Version: 1.0\r\n");
        if (attachmentBytes <= 0) {
            textPart(message, body);
            return message.toString();
        }
        String boundary = "=_part_" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        message.append("Content-Type: multipart/mixed; boundary=\"").append(boundary).append("\"\r\n\r\n");
        message.append("--").append(boundary).append("\r\n");
        textPart(message, body);
        message.append("\r\n--").append(boundary).append("\r\n");
        message.append("Content-Type: application/octet-stream; name=\"attachment.bin\"\r\n");
        message.append("Content-Disposition: attachment; filename=\"attachment.bin\"\r\n");
        message.append("Content-Transfer-Encoding: base64\r\n\r\n");
        message.append(Base64.getMimeEncoder().encodeToString(attachment(attachmentBytes))).append("\r\n");
        message.append("--").append(boundary).append("--\r\n");
        return message.toString();
    }

    private static void textPart(StringBuilder message, String body) {
        boolean ascii = isAscii(body);
        message.append("Content-Type: text/plain; charset=UTF-8\r\n");
        message.append("Content-Transfer-Encoding: ").append(ascii ? "7bit" : "8bit").append("\r\n\r\n");
        message.append(body);
        if (!body.endsWith("\n")) {
            message.append("\r\n");
        }
    }

    /** RFC 2047 §4.1: a subject that is not ASCII travels as a base64 encoded-word. */
    private static String encodedWord(String text) {
        if (isAscii(text)) {
            return text;
        }
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    /** A scan, not a charset encoder: this runs for every message a load sends. */
    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at >= 0 && at < address.length() - 1 ? address.substring(at + 1) : "gatling.invalid";
    }

    private static byte[] attachment(int size) {
        byte[] bytes = Arrays.copyOf(BLOCK, size);
        for (int filled = BLOCK.length; filled < size; filled += BLOCK.length) {
            System.arraycopy(BLOCK, 0, bytes, filled, Math.min(BLOCK.length, size - filled));
        }
        return bytes;
    }
}
