package dev.postillion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code postillion queue list}: the cluster's queue in arrival order, every page of it unless
 * {@code --limit} asks for one, as a table, as mailq prints it, or as the API's JSON.
 */
@Command(name = "list", description = "The cluster's queued messages in arrival order.")
final class QueueListCommand implements Callable<Integer> {

    /** Read case-insensitively (the root command line allows it), and offered in lower case by completion. */
    enum Format {
        TABLE, MAILQ;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Mixin
    private NodeOptions node;

    @Option(names = "--state", paramLabel = "STATE", description = "active, deferred or hold")
    private String state;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "only messages with a recipient pending there")
    private String domain;

    @Option(names = "--sender", paramLabel = "ADDRESS", description = "only messages from this envelope sender (<> for the null sender)")
    private String sender;

    @Option(names = "--limit", paramLabel = "N", description = "one page of at most N messages (at most 1000) instead of the whole queue")
    private Integer limit;

    @Option(names = "--after", paramLabel = "ID", description = "start after this queue id (the `next` of a previous page)")
    private String after;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (the default) or mailq (Postfix's mailq layout)")
    private Format format;

    @Override
    public Integer call() {
        AdminClient client = node.client();
        List<JsonNode> pages = client.pages("/api/v1/queue", query(), Optional.ofNullable(limit));
        JsonNode listing = merged(pages);
        QueueCommand.warnAboutSilentNodes(node, listing.get("nodes"));
        if (node.json()) {
            node.print(listing);
        } else if (format == Format.MAILQ) {
            node.printText(new MailqFormat(ZoneId.systemDefault()).format(withSizes(client, listing.get("messages"))));
        } else {
            table(listing.get("messages"));
        }
        if (!node.json() && listing.path("next").isTextual()) {
            node.err().println("more messages follow: add --after " + listing.get("next").asText());
        }
        return ExitCode.OK;
    }

    private String query() {
        StringJoiner query = new StringJoiner("&");
        Map<String, String> filters = new LinkedHashMap<>();
        filters.put("state", state);
        filters.put("domain", domain);
        filters.put("sender", sender);
        filters.put("after", after);
        filters.forEach((name, value) -> {
            if (value != null) {
                query.add(name + "=" + AdminClient.segment(value));
            }
        });
        return query.toString();
    }

    /**
     * The pages as one answer of the API's shape: every page's messages, the last page's
     * {@code next}, and each node as answered only if it answered every page.
     */
    private static JsonNode merged(List<JsonNode> pages) {
        ObjectNode listing = AdminClient.JSON.createObjectNode();
        ArrayNode messages = listing.putArray("messages");
        Map<String, JsonNode> nodes = new LinkedHashMap<>();
        for (JsonNode page : pages) {
            messages.addAll((ArrayNode) page.get("messages"));
            for (JsonNode answer : page.get("nodes")) {
                JsonNode known = nodes.get(answer.get("node").asText());
                if (known == null || known.get("answered").asBoolean() && !answer.get("answered").asBoolean()) {
                    nodes.put(answer.get("node").asText(), answer);
                }
            }
        }
        listing.set("next", pages.get(pages.size() - 1).get("next"));
        listing.putArray("nodes").addAll(nodes.values());
        return listing;
    }

    /**
     * mailq shows sizes, which the listing has but for a message queued before the spool kept
     * them: that one's own answer gives it, and if it left the queue meanwhile it is left out.
     */
    private static List<JsonNode> withSizes(AdminClient client, JsonNode messages) {
        List<JsonNode> sized = new ArrayList<>();
        for (JsonNode message : messages) {
            if (message.path("size").isNumber()) {
                sized.add(message);
            } else {
                client.find("/api/v1/queue/" + AdminClient.segment(message.get("id").asText())).ifPresent(sized::add);
            }
        }
        return sized;
    }

    private void table(JsonNode messages) {
        Table table = new Table("ID", "STATE", "ARRIVAL", "ATTEMPTS", "NEXT ATTEMPT", "SENDER", "PENDING RECIPIENTS");
        for (JsonNode message : messages) {
            StringJoiner pending = new StringJoiner(",").setEmptyValue(Table.NONE);
            for (JsonNode recipient : message.get("recipients")) {
                if (recipient.get("state").asText().equals("pending")) {
                    pending.add(recipient.get("address").asText());
                }
            }
            table.row(message.get("id").asText(), message.get("state").asText(), seconds(message.get("arrival")),
                    message.get("attempts").asText(), seconds(message.get("nextAttempt")), QueueCommand.sender(message),
                    pending.toString());
        }
        table.print(node.out());
    }

    /** An instant of the API to the second, which is what an operator reads. */
    private static String seconds(JsonNode instant) {
        return instant.isTextual() ? Instant.parse(instant.asText()).truncatedTo(ChronoUnit.SECONDS).toString() : Table.NONE;
    }
}
