package dev.postillion.queue.report;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.queue.BodyType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes delivery status notifications (the job of Postfix's bounce(8)): a {@code multipart/report}
 * message (RFC 6522) of a human-readable part, a delivery-status part (RFC 3464) and the message
 * reported on or its headers. It only writes; whether a report is wanted is
 * {@link ReportKind#isRequested}, and sending it is the spool's job.
 */
public final class ReportWriter {

    /** Where a report comes from in its envelope: made on this node, not received from a client. */
    private static final String LOCAL_ORIGIN = "127.0.0.1";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ReportSettings settings;

    public ReportWriter(ReportSettings settings) {
        this.settings = settings;
    }

    /**
     * The report about {@code recipients} of one message. Every recipient's action must belong to
     * the same {@link ReportKind}, which decides the subject and wording.
     *
     * @param queueId the message's queue id, part of the report's Message-ID
     * @param original the message's envelope: sender, RET and ENVID, arrival time, SMTPUTF8
     * @param content the message as it was queued
     * @param now the report's Date
     * @throws IllegalArgumentException for a message from the null sender (it never gets a report,
     *     RFC 5321 section 4.5.5), no recipients, or recipients of different kinds of report
     */
    public DeliveryReport write(QueueId queueId, Envelope original, byte[] content, List<RecipientReport> recipients,
            Instant now) {
        EmailAddress sender = original.sender()
                .orElseThrow(() -> new IllegalArgumentException("a message from the null sender gets no report"));
        ReportKind kind = kindOf(recipients);
        ReturnedMessage returned = ReturnedMessage.of(kind, original, content, settings.returnSizeLimit());
        String statusFields = DeliveryStatusPart.fields(original, recipients, settings);
        // Unpredictable, so that no returned message can contain the boundary by design or by chance.
        String unique = HexFormat.of().toHexDigits(RANDOM.nextLong());
        String boundary = "=_report_" + queueId + "." + unique;
        String hostname = ReportText.clean(settings.hostname());

        ByteArrayOutputStream body = new ByteArrayOutputStream(content.length + 4096);
        write(body, "This is a delivery status notification in MIME format.");
        part(body, boundary, "Notification", "text/plain; charset=utf-8",
                bytes(HumanReadablePart.text(kind, recipients, returned.whole(), settings)));
        part(body, boundary, "Delivery status", DeliveryStatusPart.contentType(statusFields), bytes(statusFields));
        part(body, boundary, returned.whole() ? "Returned message" : "Returned message headers",
                returned.contentType(), returned.content());
        write(body, "\r\n--" + boundary + "--\r\n");
        byte[] bodyBytes = body.toByteArray();

        ByteArrayOutputStream message = new ByteArrayOutputStream(bodyBytes.length + 1024);
        write(message, "Date: " + MailDate.format(now) + "\r\n"
                + "From: MAIL DELIVERY SYSTEM <MAILER-DAEMON@" + hostname + ">\r\n"
                + "To: " + ReportText.clean(sender.toString()) + "\r\n"
                + "Subject: " + kind.subject() + "\r\n"
                + "Message-ID: <" + queueId + "." + unique + "@" + hostname + ">\r\n"
                // RFC 3834 section 5: an automatic message, which responders never answer.
                + "Auto-Submitted: auto-replied\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/report; report-type=delivery-status;\r\n"
                + "\tboundary=\"" + boundary + "\"\r\n"
                + (BodyType.eightBit(bodyBytes) ? "Content-Transfer-Encoding: 8bit\r\n" : "")
                + "\r\n");
        message.writeBytes(bodyBytes);
        byte[] report = message.toByteArray();
        return new DeliveryReport(envelope(sender, original, report, now), report);
    }

    /**
     * From the null sender, so that a report is never reported on (RFC 3461 section 6.1), to the
     * original sender; with BODY=8BITMIME when it has 8-bit content (RFC 6152), and SMTPUTF8 when
     * the original had it, as the returned headers and the sender's address may need it. The node
     * wrote it, so it originated here and is DKIM-signed when the hostname's domain has keys.
     */
    private Envelope envelope(EmailAddress sender, Envelope original, byte[] report, Instant now) {
        Map<String, String> parameters = BodyType.eightBit(report) ? Map.of("BODY", "8BITMIME") : Map.of();
        return new Envelope(Optional.empty(), parameters, List.of(new Envelope.Recipient(sender, Map.of())),
                settings.hostname(), LOCAL_ORIGIN, now, original.smtputf8()).withOriginatedHere();
    }

    private static ReportKind kindOf(List<RecipientReport> recipients) {
        Set<ReportKind> kinds = recipients.stream().map(report -> report.action().kind()).collect(Collectors.toSet());
        if (kinds.size() != 1) {
            throw new IllegalArgumentException("a report tells of one kind of event for one or more recipients, not "
                    + kinds);
        }
        return kinds.iterator().next();
    }

    /** One body part (RFC 2046 section 5.1.1); the CRLF before each delimiter belongs to the delimiter. */
    private static void part(ByteArrayOutputStream body, String boundary, String description, String contentType,
            byte[] content) {
        write(body, "\r\n--" + boundary + "\r\n"
                + "Content-Description: " + description + "\r\n"
                + "Content-Type: " + contentType + "\r\n"
                + (BodyType.eightBit(content) ? "Content-Transfer-Encoding: 8bit\r\n" : "")
                + "\r\n");
        body.writeBytes(content);
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(bytes(text));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
