package dev.postillion.queue.report;

import java.util.ArrayList;
import java.util.List;

/** The first part of a report: what happened, in words, for the sender to read (RFC 6522). */
final class HumanReadablePart {

    /** Recipient lines continue indented, so each recipient stands out. */
    private static final String INDENT = "    ";

    private HumanReadablePart() {}

    static String text(ReportKind kind, List<RecipientReport> recipients, boolean wholeMessage,
            ReportSettings settings) {
        List<String> paragraphs = new ArrayList<>();
        paragraphs.add(ReportText.wrap("This is the mail system at host " + settings.hostname() + ".", ""));
        paragraphs.addAll(explanation(kind, recipients, wholeMessage
                ? "A copy of your message is attached."
                : "The header section of your message is attached.", settings));
        for (RecipientReport report : recipients) {
            paragraphs.add(recipientLine(report));
        }
        return String.join("\r\n\r\n", paragraphs) + "\r\n";
    }

    private static List<String> explanation(ReportKind kind, List<RecipientReport> recipients, String attached,
            ReportSettings settings) {
        return switch (kind) {
            case FAILURE -> List.of(
                    ReportText.wrap("I'm sorry to have to inform you that your message could not be delivered to "
                            + "one or more recipients. Each is listed below with the reason. " + attached, ""),
                    ReportText.wrap("If you need help, ask your postmaster and include this report.", ""));
            case DELAY -> List.of(
                    ReportText.wrap("This is a warning only; there is no need to send your message again.", ""),
                    ReportText.wrap("Your message has not yet reached one or more recipients. The mail system goes "
                            + "on trying, and will write to you again if it has to give up:", ""),
                    // Kept on one line, unwrapped: operators and tests look for this exact sentence.
                    "message still undelivered after " + DurationWords.describe(settings.delayWarning())
                            + "; will keep trying until message is " + DurationWords.describe(settings.lifetime())
                            + " old.",
                    ReportText.wrap("Each recipient is listed below with the reason for the delay. " + attached, ""));
            case SUCCESS -> List.of(
                    ReportText.wrap("Your message was delivered to the recipients listed below, as you asked to be "
                            + "told. " + relayedNote(recipients) + attached, ""));
        };
    }

    /** RFC 3464 section 2.3.3: after "relayed", nothing further will be heard from the next system. */
    private static String relayedNote(List<RecipientReport> recipients) {
        boolean relayed = recipients.stream().anyMatch(report -> report.action() == Action.RELAYED);
        return relayed
                ? "Where it was handed on to a mail system that sends no such reports, this is the last news of it. "
                : "";
    }

    /** {@code <final>: detail}, naming the address the sender used when the message went elsewhere. */
    private static String recipientLine(RecipientReport report) {
        String address = report.recipient().address().toString();
        String original = report.originalRecipient()
                .map(TypedAddress::address)
                .filter(given -> !given.equalsIgnoreCase(address))
                .map(given -> " (originally <" + given + ">)")
                .orElse("");
        return ReportText.wrap("<" + address + ">" + original + ": " + report.detail(), INDENT);
    }
}
