package dev.postillion.mailbox.responder;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.MessageHeaders;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Writes a responder's reply (RFC 3834 section 3): a {@code text/plain} message in UTF-8 marked
 * {@code Auto-Submitted: auto-replied}, threaded under the original, in a transfer encoding that
 * a 7-bit transport carries. It only writes; whether to answer is {@link AutoReplyPolicy}'s
 * question, and the caller sends the reply from the null sender (RFC 3834 section 3.3) to the
 * envelope sender. A sender address with UTF-8 in it appears as such in To, so the reply then
 * needs SMTPUTF8 (RFC 6531).
 */
public final class AutoReply {

    /** RFC 5322 section 3.3 date-time, in UTC with a numeric zone. */
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    /** RFC 5322 section 3.6.4 id-left as a dot-atom-text (section 3.2.3). */
    private static final String ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
    private static final Pattern DOT_ATOM = Pattern.compile(ATEXT + "(\\." + ATEXT + ")*");
    /** RFC 5322 section 2.1.1: longer lines are sent quoted-printable, so no line passes what it recommends. */
    private static final int PLAIN_LINE = 78;
    private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

    private final String hostname;
    private final Clock clock;
    private final Supplier<String> uniqueIds;

    /**
     * @param hostname the right side of each reply's Message-ID, this node's name
     * @param clock gives the Date
     * @param uniqueIds the left side of each Message-ID, never the same twice for this hostname; a
     *     dot-atom-text (RFC 5322 section 3.6.4)
     */
    public AutoReply(String hostname, Clock clock, Supplier<String> uniqueIds) {
        try {
            EmailAddress.checkDomain(hostname, false);
        } catch (AddressSyntaxException e) {
            throw new IllegalArgumentException("hostname '" + hostname + "' is not a domain name: " + e.getMessage());
        }
        this.hostname = hostname;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.uniqueIds = Objects.requireNonNull(uniqueIds, "uniqueIds");
    }

    /** Message-IDs from 128 random bits: unique without coordination between nodes. */
    public static AutoReply withRandomIds(String hostname, Clock clock) {
        SecureRandom random = new SecureRandom();
        return new AutoReply(hostname, clock, () -> {
            byte[] bits = new byte[16];
            random.nextBytes(bits);
            return HexFormat.of().formatHex(bits);
        });
    }

    /**
     * The reply to {@code incoming}, as it goes into the spool: header section, blank line, body,
     * every line ended by CRLF.
     *
     * @param address the answering address, the reply's From unless the responder names another
     * @throws IllegalArgumentException for a message from the null sender, which is never answered
     */
    public byte[] build(Responder responder, String address, IncomingMessage incoming) {
        String sender = incoming.sender();
        if (sender.isEmpty()) {
            throw new IllegalArgumentException("a message from the null sender gets no reply (RFC 3834 section 2)");
        }
        MessageHeaders original = incoming.headers();
        List<String> lines = lines(responder.text());
        boolean plain = lines.stream().allMatch(AutoReply::isPlainLine);
        StringBuilder message = new StringBuilder()
                .append("Date: ").append(DATE.format(clock.instant())).append("\r\n")
                .append("From: ").append(clean(responder.from().orElse(address))).append("\r\n")
                .append("To: ").append(clean(sender)).append("\r\n")
                .append(HeaderFields.unstructured("Subject", subject(responder, original)))
                .append("Message-ID: ").append(newMessageId()).append("\r\n");
        thread(message, original);
        message.append("Auto-Submitted: auto-replied\r\n")
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: text/plain; charset=UTF-8\r\n")
                .append("Content-Transfer-Encoding: ").append(plain ? "7bit" : "quoted-printable").append("\r\n")
                .append("\r\n")
                .append(plain ? String.join("\r\n", lines) + "\r\n" : QuotedPrintable.encode(lines));
        return message.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The responder's subject, else {@code Auto: } and the original's (RFC 3834 section 3.1.5). */
    private static String subject(Responder responder, MessageHeaders original) {
        return responder.subject().orElseGet(() -> "Auto: " + original.first("Subject").orElse(""));
    }

    /**
     * In-Reply-To and References as RFC 5322 section 3.6.4 builds them: the parent's References,
     * or failing those its In-Reply-To when that holds a single id, then the parent's Message-ID.
     * Nothing to write without any of them.
     */
    private static void thread(StringBuilder message, MessageHeaders original) {
        Optional<String> parent = original.first("Message-ID")
                .flatMap(value -> MessageIds.in(value).stream().findFirst());
        parent.ifPresent(id -> message.append("In-Reply-To: ").append(id).append("\r\n"));
        List<String> references = new ArrayList<>(ancestors(original));
        parent.ifPresent(references::add);
        if (!references.isEmpty()) {
            message.append(HeaderFields.folded("References", references));
        }
    }

    private static List<String> ancestors(MessageHeaders original) {
        Optional<String> references = original.first("References");
        if (references.isPresent()) {
            return MessageIds.in(references.get());
        }
        List<String> inReplyTo = original.first("In-Reply-To").map(MessageIds::in).orElse(List.of());
        return inReplyTo.size() == 1 ? inReplyTo : List.of();
    }

    private String newMessageId() {
        String unique = uniqueIds.get();
        if (!DOT_ATOM.matcher(unique).matches()) {
            throw new IllegalStateException("unique id '" + unique + "' cannot be the left side of a Message-ID");
        }
        return "<" + unique + "@" + hostname + ">";
    }

    /** The text's lines, however they were ended; a line break at the very end adds no empty line. */
    private static List<String> lines(String text) {
        List<String> lines = new ArrayList<>(List.of(LINE_BREAK.split(text, -1)));
        if (lines.size() > 1 && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** A line that 7bit carries as it is (RFC 2045 section 2.7), within the recommended width. */
    private static boolean isPlainLine(String line) {
        return line.length() <= PLAIN_LINE && line.chars().allMatch(c -> c == '\t' || (c >= ' ' && c < 127));
    }

    /** Addresses come from SMTP and configuration; still, none may start a header line of its own. */
    private static String clean(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        text.chars().forEach(c -> clean.append(Character.isISOControl(c) ? ' ' : (char) c));
        return clean.toString();
    }
}
