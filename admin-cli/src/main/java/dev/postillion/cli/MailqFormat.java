package dev.postillion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The queue as Postfix's {@code mailq} prints it (its long-queue-id layout), so that the scripts
 * and habits of Postfix operators carry over: per message its id marked {@code *} when active and
 * {@code !} when on hold, its size, its arrival in local time and its sender ({@code MAILER-DAEMON}
 * for the null sender); then each recipient still pending, under the last reply it got in
 * parentheses, right-aligned, printed only when it differs from the previous recipient's; and the
 * total. The id column is as wide as Postillion's ids, which are longer than Postfix's.
 */
final class MailqFormat {

    private static final int ID_WIDTH = 25;
    private static final String LINE = "%-" + ID_WIDTH + "s %8s %-19s %s\n";
    private static final int REASON_WIDTH = 76;
    /** asctime's, without its year, as mailq shows it. */
    private static final DateTimeFormatter ARRIVAL = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss", Locale.ENGLISH);

    private final ZoneId zone;

    MailqFormat(ZoneId zone) {
        this.zone = zone;
    }

    /** @param messages the queue's messages as {@code GET /api/v1/queue} lists them, each with its size */
    String format(List<JsonNode> messages) {
        if (messages.isEmpty()) {
            return "Mail queue is empty\n";
        }
        StringBuilder text = new StringBuilder(String.format(LINE,
                "-Queue ID-", "--Size--", "---Arrival Time----", "--Sender/Recipient------"));
        long bytes = 0;
        for (int i = 0; i < messages.size(); i++) {
            if (i > 0) {
                text.append('\n');
            }
            appendMessage(text, messages.get(i));
            bytes += messages.get(i).get("size").asLong();
        }
        return text.append(String.format("\n-- %d Kbytes in %d Request%s.\n",
                bytes / 1024, messages.size(), messages.size() == 1 ? "" : "s")).toString();
    }

    private void appendMessage(StringBuilder text, JsonNode message) {
        String sender = message.get("sender").asText();
        text.append(String.format(LINE, message.get("id").asText() + mark(message.get("state").asText()),
                message.get("size").asText(), ARRIVAL.format(Instant.parse(message.get("arrival").asText()).atZone(zone)),
                sender.isEmpty() ? "MAILER-DAEMON" : sender));
        String previousReason = "";
        for (JsonNode recipient : message.get("recipients")) {
            if (!recipient.get("state").asText().equals("pending")) {
                continue;
            }
            String reason = recipient.path("lastResult").isTextual() ? recipient.get("lastResult").asText() : "";
            if (!reason.equals(previousReason)) {
                String shown = reason.isEmpty() ? "reason unavailable" : reason;
                text.append(" ".repeat(Math.max(0, REASON_WIDTH - shown.length())))
                        .append('(').append(shown).append(")\n");
                previousReason = reason;
            }
            text.append(String.format(LINE, "", "", "", recipient.get("address").asText()));
        }
    }

    private static String mark(String state) {
        return switch (state) {
            case "active" -> "*";
            case "hold" -> "!";
            default -> "";
        };
    }
}
