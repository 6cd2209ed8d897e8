package dev.postillion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code postillion greylist}: what greylisting remembers, and the clients and senders it never delays. */
@Command(name = "greylist", description = "List greylisting's triplets and allow entries, allow a network or a sender"
        + " domain, and forget an entry.")
public final class GreylistCommand {

    private static final String PATH = "/api/v1/greylist";

    /** One of the two kinds of allow entry. */
    static final class Allowed {

        @Option(names = "--network", paramLabel = "CIDR", description = "a client network, such as 192.0.2.0/24")
        private String network;

        @Option(names = "--domain", paramLabel = "DOMAIN", description = "a sender domain")
        private String domain;
    }

    @Command(name = "list", description = "The triplets (client network, sender, recipient) in key order, or the allow entries.")
    int list(@Mixin NodeOptions node,
            @Option(names = "--allowed", description = "the allow entries instead of the triplets") boolean allowed,
            @Option(names = "--limit", paramLabel = "N", description = "one page of at most N triplets (at most 1000)")
            Integer limit) {
        return allowed ? listAllowed(node) : listTriplets(node, Optional.ofNullable(limit));
    }

    @Command(name = "allow", description = "Never greylist a client network or a sender domain.")
    int allow(@Mixin NodeOptions node, @ArgGroup(multiplicity = "1") Allowed entry) {
        ObjectNode body = AdminClient.JSON.createObjectNode();
        if (entry.network != null) {
            body.put("network", entry.network);
        } else {
            body.put("domain", entry.domain);
        }
        JsonNode created = node.client().post(PATH + "/allow", body);
        return node.changed(created, "allowed: " + created.get("key").asText());
    }

    @Command(name = "forget", description = "Forget a triplet (its next attempt is a first one) or remove an allow entry.")
    int forget(@Mixin NodeOptions node, @Parameters(paramLabel = "KEY", description = "as the listing shows it") String key) {
        return node.changed(node.client().delete(PATH + "/" + AdminClient.segment(key)), "forgotten: " + key);
    }

    private static int listTriplets(NodeOptions node, Optional<Integer> limit) {
        List<JsonNode> pages = node.client().pages(PATH, "", limit);
        ObjectNode listing = AdminClient.JSON.createObjectNode();
        ArrayNode triplets = listing.putArray("triplets");
        pages.forEach(page -> triplets.addAll((ArrayNode) page.get("triplets")));
        listing.set("next", pages.get(pages.size() - 1).get("next"));
        if (node.json()) {
            node.print(listing);
            return ExitCode.OK;
        }
        Table table = new Table("KEY", "STATE", "NETWORK", "SENDER", "RECIPIENT", "LAST SEEN");
        for (JsonNode triplet : triplets) {
            table.row(triplet.get("key").asText(), triplet.get("state").asText(), triplet.get("network").asText(),
                    triplet.get("sender").asText(), triplet.get("recipient").asText(), triplet.get("lastSeen").asText());
        }
        table.print(node.out());
        return ExitCode.OK;
    }

    private static int listAllowed(NodeOptions node) {
        JsonNode entries = node.client().get(PATH + "/allow");
        if (node.json()) {
            node.print(entries);
            return ExitCode.OK;
        }
        Table table = new Table("KEY", "NETWORK", "DOMAIN");
        for (JsonNode entry : entries) {
            table.row(entry.get("key").asText(), Table.cell(entry.path("network")),
                    Table.cell(entry.path("domain")));
        }
        table.print(node.out());
        return ExitCode.OK;
    }
}
