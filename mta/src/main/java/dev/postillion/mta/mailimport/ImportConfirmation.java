package dev.postillion.mta.mailimport;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.mta.mailimport.proto.ImportJobRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mail that tells the address's user how an import ended: the messages copied, skipped and
 * failed, and why it failed if it did. From the null sender, as the node's reports are, so that
 * nothing answers it (RFC 3834 section 2).
 */
final class ImportConfirmation {

    /** Where the node's own messages say they come from (SMTP's local origin). */
    private static final String LOCAL_ORIGIN = "127.0.0.1";

    private ImportConfirmation() {}

    static Envelope envelope(ImportJobRecord job, String hostname, Instant now) {
        EmailAddress recipient = EmailAddress.parse(job.getAddress(), true);
        return new Envelope(Optional.empty(), Map.of("BODY", "8BITMIME"),
                List.of(new Envelope.Recipient(recipient, Map.of())), hostname, LOCAL_ORIGIN, now,
                !StandardCharsets.US_ASCII.newEncoder().canEncode(job.getAddress())).withOriginatedHere();
    }

    static byte[] message(ImportJobRecord job, String hostname, Instant now) {
        boolean done = job.getState().equals("done");
        String server = job.getHost() + ":" + job.getPort();
        StringBuilder text = new StringBuilder()
                .append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atOffset(ZoneOffset.UTC)))
                .append("\r\nFrom: Mail import <MAILER-DAEMON@").append(hostname).append(">\r\n")
                .append("To: <").append(job.getAddress()).append(">\r\n")
                .append("Subject: ").append(done ? "Mail import from " + job.getHost() + " done: " + job.getCopied()
                        + " messages copied" : "Mail import from " + job.getHost() + " failed").append("\r\n")
                .append("Message-ID: <import.").append(job.getId()).append('@').append(hostname).append(">\r\n")
                // RFC 3834 section 5: written by a machine, answered by no responder.
                .append("Auto-Submitted: auto-generated\r\n")
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: text/plain; charset=utf-8\r\n")
                .append("Content-Transfer-Encoding: 8bit\r\n\r\n");
        text.append(done
                ? "The import of " + job.getUsername() + " at " + server + " into " + job.getAddress() + " is done.\r\n"
                : "The import of " + job.getUsername() + " at " + server + " into " + job.getAddress()
                        + " stopped: " + job.getError() + ".\r\n");
        text.append("\r\nMessages copied: ").append(job.getCopied())
                .append("\r\nMessages you had already, not copied again: ").append(job.getSkipped())
                .append("\r\nMessages that could not be copied: ").append(job.getFailed())
                .append("\r\nFolders read: ").append(job.getFoldersDoneCount()).append("\r\n");
        if (job.getFailed() > 0) {
            text.append("\r\nNot copied:\r\n");
            job.getFailuresList().forEach(reason -> text.append("- ").append(reason).append("\r\n"));
            long unnamed = job.getFailed() - job.getFailuresCount();
            if (unnamed > 0) {
                text.append("- and ").append(unnamed).append(" more\r\n");
            }
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
