package dev.postillion.queue.report;

import dev.postillion.core.Envelope;
import java.util.List;

/**
 * The machine-readable part of a report (RFC 3464 section 2): a group of per-message fields, then
 * one group of per-recipient fields for each recipient, groups separated by a blank line.
 */
final class DeliveryStatusPart {

    private DeliveryStatusPart() {}

    static String fields(Envelope envelope, List<RecipientReport> recipients, ReportSettings settings) {
        StringBuilder fields = new StringBuilder();
        String envid = envelope.mailParameters().get("ENVID");
        if (envid != null) {
            // Section 2.2.1: the ENVID as the sender gave it, so without its xtext encoding.
            field(fields, "Original-Envelope-Id", ReportText.decodeXtext(envid));
        }
        field(fields, "Reporting-MTA", "dns; " + settings.hostname());
        field(fields, "Arrival-Date", MailDate.format(envelope.arrival()));
        for (RecipientReport report : recipients) {
            fields.append("\r\n");
            report.originalRecipient()
                    .ifPresent(original -> field(fields, "Original-Recipient", original.fieldValue()));
            field(fields, "Final-Recipient", TypedAddress.of(report.recipient().address()).fieldValue());
            field(fields, "Action", report.action().fieldValue());
            field(fields, "Status", report.status());
            report.remote().ifPresent(answer -> {
                field(fields, "Remote-MTA", "dns; " + answer.host());
                field(fields, "Diagnostic-Code", "smtp; " + answer.reply());
            });
            field(fields, "Last-Attempt-Date", MailDate.format(report.lastAttempt()));
            if (report.action() == Action.DELAYED) {
                // Section 2.3.9: retries stop when the message reaches the queue lifetime.
                field(fields, "Will-Retry-Until", MailDate.format(envelope.arrival().plus(settings.lifetime())));
            }
        }
        return fields.toString();
    }

    /**
     * {@code message/global-delivery-status} (RFC 6533) when the fields carry UTF-8, as non-ASCII
     * addresses, diagnostics or envelope ids do; {@code message/delivery-status} is ASCII only.
     */
    static String contentType(String fields) {
        return fields.chars().allMatch(c -> c < 0x80) ? "message/delivery-status" : "message/global-delivery-status";
    }

    /** One field, folded; what comes from outside cannot start a field of its own (see {@link ReportText#clean}). */
    private static void field(StringBuilder fields, String name, String value) {
        fields.append(ReportText.wrap(name + ": " + value, " ")).append("\r\n");
    }
}
