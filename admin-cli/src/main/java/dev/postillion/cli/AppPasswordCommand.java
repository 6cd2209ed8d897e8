package dev.postillion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code postillion address app-password}: an address's app passwords, for phones and sync tools.
 * The password is printed once, when it is created; the node keeps only its hash.
 */
@Command(name = "app-password", description = "Create, list and revoke an address's app passwords.")
public final class AppPasswordCommand {

    @Command(name = "create", description = "Make an app password and print it: it is shown this once.")
    int create(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address,
            @Parameters(paramLabel = "NAME", description = "what it is for, e.g. phone; unique per address")
            String name) {
        Address.parse(address);
        JsonNode created = node.client().post(path(address), AdminClient.JSON.createObjectNode().put("name", name));
        return node.changed(created, "app password " + created.get("name").asText() + " of " + address + ": "
                + created.get("password").asText());
    }

    @Command(name = "list", description = "An address's app passwords, with their last use; never the passwords.")
    int list(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address) {
        Address.parse(address);
        JsonNode appPasswords = node.client().get(path(address));
        if (node.json()) {
            node.print(appPasswords);
            return ExitCode.OK;
        }
        Table table = new Table("NAME", "CREATED", "LAST USED", "PROTOCOL");
        for (JsonNode appPassword : appPasswords) {
            JsonNode use = appPassword.get("lastUse");
            table.row(appPassword.get("name").asText(), appPassword.get("createdAt").asText(),
                    Table.cell(use.path("at")), Table.cell(use.path("protocol")));
        }
        table.print(node.out());
        return ExitCode.OK;
    }

    @Command(name = "revoke", description = "Revoke an app password; the sessions it logged in end.")
    int revoke(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address,
            @Parameters(paramLabel = "NAME") String name) {
        Address.parse(address);
        return node.changed(node.client().delete(path(address) + "/" + AdminClient.segment(name)),
                "app password " + name + " of " + address + " revoked");
    }

    private static String path(String address) {
        return "/api/v1/addresses/" + AdminClient.segment(address) + "/app-passwords";
    }
}
