package dev.postillion.mta;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MailDateFormat;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A delivery status notification as it reached a mailbox, read by Jakarta Mail as any mail reader
 * would: the {@code multipart/report} (RFC 6522) and its parts, and the delivery-status part's
 * field groups (RFC 3464 section 2.1) read with Jakarta Mail's header parser, one group at a time.
 */
final class Report {

    static final String FAILURE = "Undelivered Mail Returned to Sender";
    static final String DELAY = "Delayed Mail (still being retried)";
    static final String SUCCESS = "Successful Mail Delivery Report";

    private final MimeMessage message;
    private final List<BodyPart> parts = new ArrayList<>();
    private final List<InternetHeaders> statusGroups = new ArrayList<>();

    private Report(MimeMessage message) throws MessagingException, IOException {
        this.message = message;
        MimeMultipart multipart = (MimeMultipart) message.getContent();
        for (int i = 0; i < multipart.getCount(); i++) {
            parts.add(multipart.getBodyPart(i));
        }
        if (parts.size() > 1) {
            byte[] status = parts.get(1).getInputStream().readAllBytes();
            InputStream fields = new ByteArrayInputStream(status);
            while (fields.available() > 0) {
                statusGroups.add(new InternetHeaders(fields));
            }
        }
    }

    static Report parse(byte[] raw) {
        try {
            return new Report(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw)));
        } catch (MessagingException | IOException e) {
            throw new AssertionError("not a MIME message", e);
        }
    }

    /** Waits for a report with this subject in the mailbox, and reads the first one. */
    static Report awaitIn(MailboxReader mailboxes, String address, String subject) {
        JsonNode found = mailboxes.awaitSubject(address, subject, 1).get(0);
        return parse(mailboxes.bytes(address, found));
    }

    String header(String name) throws MessagingException {
        return message.getHeader(name, null);
    }

    String subject() throws MessagingException {
        return message.getSubject();
    }

    ContentType contentType() throws MessagingException {
        return new ContentType(message.getContentType());
    }

    int partCount() {
        return parts.size();
    }

    /** The base type of part {@code index}, e.g. {@code message/delivery-status}. */
    String partType(int index) throws MessagingException {
        return new ContentType(parts.get(index).getContentType()).getBaseType();
    }

    /** The human-readable part with every run of white space (line breaks, indents) made one space. */
    String text() throws MessagingException, IOException {
        return ((String) parts.get(0).getContent()).replaceAll("\\s+", " ");
    }

    /** The per-message fields: Reporting-MTA, Arrival-Date... */
    InternetHeaders messageFields() {
        return statusGroups.get(0);
    }

    /** The per-recipient field groups, in order. */
    List<InternetHeaders> recipientFields() {
        return statusGroups.subList(1, statusGroups.size());
    }

    /** The single recipient group the report has. */
    InternetHeaders onlyRecipient() {
        assertEquals(1, recipientFields().size(), "recipient groups");
        return recipientFields().get(0);
    }

    /** The third part as it was attached: the returned message or its header section. */
    byte[] returned() throws MessagingException, IOException {
        return parts.get(2).getInputStream().readAllBytes();
    }

    /** A field's value, unfolded; null when the group lacks it. */
    static String field(InternetHeaders group, String name) {
        String value = group.getHeader(name, null);
        return value == null ? null : MimeUtility.unfold(value).replaceAll("\\s+", " ").trim();
    }

    /** A date field (RFC 5322 date-time) as an instant. */
    static Instant date(InternetHeaders group, String name) {
        try {
            return new MailDateFormat().parse(field(group, name)).toInstant();
        } catch (ParseException e) {
            throw new AssertionError(name + " is no date: " + field(group, name), e);
        }
    }
}
