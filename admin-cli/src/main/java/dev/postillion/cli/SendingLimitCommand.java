package dev.postillion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code postillion address limits}: where an address stands against its sending limits, and the
 * operator's override of them; the limits not overridden are its service's defaults, else the
 * node's.
 */
@Command(name = "limits", description = "Show an address's sending limits and what it sent, override them, or clear"
        + " the override.")
public final class SendingLimitCommand {

    @Command(name = "show", description = "The limits in force, what the current UTC hour and day counted, the"
            + " override, and when each count starts again.")
    int show(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address) {
        Address.parse(address);
        return node.listed(node.client().get(path(address)), SendingLimitCommand::table);
    }

    @Command(name = "set", description = "Replace the address's override with the limits given (0: no limit); the"
            + " others are inherited.")
    int set(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address,
            @Mixin SendingLimitOptions limits) {
        Address.parse(address);
        JsonNode standing = node.client().put(path(address), limits.body(false));
        return node.changed(standing, "sending limits of " + address + " overridden: " + standing.get("override"));
    }

    @Command(name = "clear", description = "Remove the address's override: every limit is inherited again.")
    int clear(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address) {
        Address.parse(address);
        return node.changed(node.client().delete(path(address)), "sending limits of " + address + " inherited");
    }

    private static Table table(JsonNode standing) {
        Table table = new Table("LIMIT", "IN FORCE", "USED", "OVERRIDE", "COUNT ENDS");
        for (Iterator<String> names = standing.get("limits").fieldNames(); names.hasNext();) {
            String name = names.next();
            JsonNode override = standing.get("override").path(name);
            table.row(name, standing.get("limits").get(name).asText(), standing.get("used").path(name).asText(),
                    override.isMissingNode() ? Table.NONE : override.asText(),
                    standing.get(name.endsWith("Hour") ? "hourEnds" : "dayEnds").asText());
        }
        return table;
    }

    private static String path(String address) {
        return "/api/v1/addresses/" + AdminClient.segment(address) + "/sending-limits";
    }
}
