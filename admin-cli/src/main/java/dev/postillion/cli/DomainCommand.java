package dev.postillion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code postillion domain}: the domains the service hosts. */
@Command(name = "domain", description = "List, add and remove hosted domains.")
public final class DomainCommand {

    static final String PATH = "/api/v1/domains";

    @Command(name = "list", description = "The hosted domains, alias domains among them.")
    int list(@Mixin NodeOptions node) {
        return node.listed(node.client().get(PATH), DomainCommand::table);
    }

    private static Table table(JsonNode domains) {
        Table table = new Table("DOMAIN", "SERVICE", "ALIAS OF", "CATCH-ALL", "MAINTENANCE", "CREATED");
        for (JsonNode domain : domains) {
            table.row(domain.get("name").asText(), Table.cell(domain.path("service")),
                    Table.cell(domain.path("aliasOf")), Table.cell(domain.path("catchAll")),
                    domain.has("maintenance") ? (domain.get("maintenance").asBoolean() ? "yes" : "no") : Table.NONE,
                    domain.get("createdAt").asText());
        }
        return table;
    }

    @Command(name = "add", description = "Host a domain.")
    int add(@Mixin NodeOptions node, @Parameters(paramLabel = "DOMAIN") String name,
            @Option(names = "--service", paramLabel = "SERVICE", description = "the mail service it joins, which must"
                    + " exist; without it, the service named after the domain (created without a quota if there is"
                    + " none)") String service) {
        ObjectNode body = AdminClient.JSON.createObjectNode().put("name", name);
        if (service != null) {
            body.put("service", service);
        }
        JsonNode created = node.client().post(PATH, body);
        return node.changed(created, "domain " + created.get("name").asText() + " added to service "
                + created.get("service").asText());
    }

    @Command(name = "remove", description = "Stop hosting a domain; it must have no addresses left.")
    int remove(@Mixin NodeOptions node, @Parameters(paramLabel = "DOMAIN") String name) {
        return node.changed(node.client().delete(PATH + "/" + AdminClient.segment(name)), "domain " + name + " removed");
    }
}
