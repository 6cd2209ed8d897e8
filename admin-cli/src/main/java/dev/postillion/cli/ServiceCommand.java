package dev.postillion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.StringJoiner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code postillion service}: the mail services, which own domains and a quota of addresses, can
 * be put in maintenance, and give their addresses default sending limits.
 */
@Command(name = "service", description = "List, show, create and delete mail services, set their quotas of"
        + " addresses and default sending limits, and put them in maintenance.")
public final class ServiceCommand {

    static final String PATH = "/api/v1/services";
    private static final String UNLIMITED = "unlimited";

    @Command(name = "list", description = "The mail services with their quotas, addresses and domains.")
    int list(@Mixin NodeOptions node) {
        return node.listed(node.client().get(PATH), ServiceCommand::table);
    }

    @Command(name = "show", description = "One mail service.")
    int show(@Mixin NodeOptions node, @Parameters(paramLabel = "SERVICE") String name) {
        return node.listed(node.client().get(path(name)), service -> table(List.of(service)));
    }

    @Command(name = "create", description = "Create a mail service; domains join it with domain add --service.")
    int create(@Mixin NodeOptions node, @Parameters(paramLabel = "SERVICE") String name,
            @Option(names = "--quota", paramLabel = "N|unlimited", required = true,
                    description = "how many addresses its domains may have in all") String quota) {
        ObjectNode body = quota(AdminClient.JSON.createObjectNode().put("name", name), quota);
        JsonNode created = node.client().post(PATH, body);
        return node.changed(created, "service " + created.get("name").asText() + " created");
    }

    @Command(name = "set-quota", description = "Raise or lower a service's quota of addresses; lowered below what it"
            + " has, no address is deleted, but none is created until it has fewer.")
    int setQuota(@Mixin NodeOptions node, @Parameters(index = "0", paramLabel = "SERVICE") String name,
            @Parameters(index = "1", paramLabel = "N|unlimited") String quota) {
        JsonNode changed = node.client().patch(path(name), quota(AdminClient.JSON.createObjectNode(), quota));
        return node.changed(changed, "quota of service " + changed.get("name").asText() + " set to " + quota);
    }

    @Command(name = "set-limits", description = "Set the defaults of the service's addresses' sending limits (0: no"
            + " limit; inherit: the node's); an address's override comes first.")
    int setLimits(@Mixin NodeOptions node, @Parameters(paramLabel = "SERVICE") String name,
            @Mixin SendingLimitOptions limits) {
        JsonNode changed = node.client().patch(path(name), AdminClient.JSON.createObjectNode()
                .set("sendingLimits", limits.body(true)));
        return node.changed(changed, "sending limits of service " + changed.get("name").asText() + ": "
                + limitsCell(changed));
    }

    @Command(name = "maintenance", description = "Put all the service's domains in maintenance (mail is received, its"
            + " mailboxes cannot be read over IMAP or POP3) or end it.")
    int maintenance(@Mixin NodeOptions node, @Parameters(index = "0", paramLabel = "SERVICE") String name,
            @Parameters(index = "1", paramLabel = "on|off") String state) {
        if (!state.equals("on") && !state.equals("off")) {
            throw new CommandFailure(ExitCode.USAGE, "maintenance is on or off, not '" + state + "'");
        }
        JsonNode changed = node.client().patch(path(name), AdminClient.JSON.createObjectNode()
                .put("maintenance", state.equals("on")));
        return node.changed(changed, "service " + changed.get("name").asText()
                + (state.equals("on") ? " in maintenance" : " out of maintenance"));
    }

    @Command(name = "delete", description = "Delete a mail service; it must own no domain any more.")
    int delete(@Mixin NodeOptions node, @Parameters(paramLabel = "SERVICE") String name) {
        return node.changed(node.client().delete(path(name)), "service " + name + " deleted");
    }

    private static Table table(Iterable<JsonNode> services) {
        Table table = new Table("SERVICE", "QUOTA", "ADDRESSES", "DOMAINS", "MAINTENANCE", "SENDING LIMITS",
                "CREATED");
        for (JsonNode service : services) {
            StringJoiner domains = new StringJoiner(",").setEmptyValue(Table.NONE);
            service.get("domains").forEach(domain -> domains.add(domain.asText()));
            JsonNode quota = service.get("addressQuota");
            table.row(service.get("name").asText(), quota.isNull() ? UNLIMITED : quota.asText(),
                    service.get("addresses").asText(), domains.toString(),
                    service.get("maintenance").asBoolean() ? "yes" : "no", limitsCell(service),
                    service.get("createdAt").asText());
        }
        return table;
    }

    /** {@code messagesPerHour=100,recipientsPerDay=2000}, or none. */
    private static String limitsCell(JsonNode service) {
        StringJoiner limits = new StringJoiner(",").setEmptyValue(Table.NONE);
        service.get("sendingLimits").fields().forEachRemaining(limit ->
                limits.add(limit.getKey() + "=" + limit.getValue().asText()));
        return limits.toString();
    }

    /** The quota as the API takes it: a whole number, or null for "unlimited". */
    private static ObjectNode quota(ObjectNode body, String quota) {
        if (quota.equalsIgnoreCase(UNLIMITED)) {
            return body.putNull("addressQuota");
        }
        try {
            return body.put("addressQuota", Integer.parseInt(quota));
        } catch (NumberFormatException e) {
            throw new CommandFailure(ExitCode.USAGE, "the quota must be a whole number or unlimited, not '" + quota
                    + "'");
        }
    }

    private static String path(String name) {
        return PATH + "/" + AdminClient.segment(name);
    }
}
