package dev.postillion.queue.report;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A report as a mail reader sees it: parsed by Jakarta Mail, with the delivery-status part read
 * into its field groups by a parser of its own, so that the test does not trust the writer's view
 * of its output.
 */
final class ParsedReport {

    final MimeMessage message;
    final ContentType contentType;
    final List<MimeBodyPart> parts = new ArrayList<>();

    ParsedReport(byte[] report) throws MessagingException, IOException {
        message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(report));
        contentType = new ContentType(message.getContentType());
        MimeMultipart multipart = (MimeMultipart) message.getContent();
        for (int i = 0; i < multipart.getCount(); i++) {
            parts.add((MimeBodyPart) multipart.getBodyPart(i));
        }
    }

    String header(String name) throws MessagingException {
        return message.getHeader(name, null);
    }

    /** The base type of each part, e.g. {@code message/delivery-status}. */
    List<String> partTypes() throws MessagingException {
        List<String> types = new ArrayList<>();
        for (MimeBodyPart part : parts) {
            types.add(new ContentType(part.getContentType()).getBaseType());
        }
        return types;
    }

    /** The human-readable part, decoded from its charset. */
    String text() throws MessagingException, IOException {
        return (String) parts.get(0).getContent();
    }

    /** The human-readable part with line breaks and indents turned into single spaces. */
    String unwrappedText() throws MessagingException, IOException {
        return text().replaceAll("\\s+", " ");
    }

    byte[] rawPart(int index) throws MessagingException, IOException {
        return parts.get(index).getRawInputStream().readAllBytes();
    }

    /**
     * The delivery-status part's field groups (RFC 3464 section 2.1): the per-message group, then
     * one per recipient. Folded fields are unfolded; a field given twice in a group fails the test.
     */
    List<Map<String, String>> statusGroups() throws MessagingException, IOException {
        String status = new String(rawPart(1), StandardCharsets.UTF_8);
        assertTrue(status.endsWith("\r\n"), "delivery-status ends with a line ending");
        List<Map<String, String>> groups = new ArrayList<>();
        Map<String, String> group = new LinkedHashMap<>();
        String lastName = null;
        for (String line : status.split("\r\n", -1)) {
            if (line.isEmpty()) {
                if (!group.isEmpty()) {
                    groups.add(group);
                    group = new LinkedHashMap<>();
                }
            } else if (line.startsWith(" ") || line.startsWith("\t")) {
                group.put(lastName, group.get(lastName) + line.replaceFirst("^[ \t]+", " "));
            } else {
                int colon = line.indexOf(':');
                assertTrue(colon > 0, "a field line: " + line);
                lastName = line.substring(0, colon);
                assertNull(group.put(lastName, line.substring(colon + 1).trim()), "field given twice: " + lastName);
            }
        }
        assertTrue(group.isEmpty(), "the last group ends with a line ending");
        return groups;
    }
}
