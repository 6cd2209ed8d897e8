package dev.postillion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code postillion address}: a domain's addresses and their passwords. */
@Command(name = "address", description = "List, add, remove, disable and enable addresses, set their passwords and"
        + " turn their spam filter on or off; their Sieve scripts, app passwords, sending limits, encryption"
        + " at rest and imports.",
        subcommands = {AppPasswordCommand.class, SieveCommand.class, SendingLimitCommand.class,
                EncryptionCommand.class, ImportCommand.class})
public final class AddressCommand {

    /** Where a new password comes from: never only the command line, which others can read in ps. */
    static final class Password {

        @Option(names = "--password", paramLabel = "PASSWORD", arity = "0..1", interactive = true, prompt = "Password: ",
                description = "the password; alone, it is asked for without echo")
        private char[] typed;

        @Option(names = "--password-stdin", description = "read the password from the first line of standard input")
        private boolean stdin;

        String read() {
            return stdin ? StandardInput.lines("password").get(0) : new String(typed);
        }
    }

    @Command(name = "list", description = "A domain's addresses, or every hosted domain's.")
    int list(@Mixin NodeOptions node, @Parameters(paramLabel = "DOMAIN", arity = "0..1",
            description = "the domain; without it, every domain's (alias domains have none of their own)") String domain) {
        AdminClient client = node.client();
        ArrayNode addresses = AdminClient.JSON.createArrayNode();
        for (String name : domain == null ? primaryDomains(client) : List.of(domain)) {
            addresses.addAll((ArrayNode) client.get(addresses(name)));
        }
        if (node.json()) {
            node.print(addresses);
            return ExitCode.OK;
        }
        Table table = new Table("ADDRESS", "TYPE", "STATUS", "ALIASES", "CREATED");
        for (JsonNode address : addresses) {
            StringJoiner aliases = new StringJoiner(",").setEmptyValue(Table.NONE);
            address.get("aliases").forEach(alias -> aliases.add(alias.asText()));
            table.row(address.get("address").asText(), address.get("type").asText(),
                    address.get("disabled").asBoolean() ? "disabled" : "enabled",
                    aliases.toString(), address.get("createdAt").asText());
        }
        table.print(node.out());
        return ExitCode.OK;
    }

    @Command(name = "add", description = "Create an address with its password and mailbox.")
    int add(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS", description = "local-part@domain") String address,
            @ArgGroup(multiplicity = "1") Password password,
            @Option(names = "--type", paramLabel = "TYPE", defaultValue = "mailbox",
                    description = "mailbox (the default) or no-reply (sends, never receives)") String type) {
        Address parts = Address.parse(address);
        ObjectNode body = AdminClient.JSON.createObjectNode()
                .put("localPart", parts.localPart()).put("password", password.read()).put("type", type);
        JsonNode created = node.client().post(addresses(parts.domain()), body);
        return node.changed(created, "address " + created.get("address").asText() + " added");
    }

    @Command(name = "remove", description = "Delete an address with its aliases, and destroy its mailbox.")
    int remove(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address) {
        Address parts = Address.parse(address);
        return node.changed(node.client().delete(addresses(parts.domain()) + "/" + AdminClient.segment(parts.localPart())),
                "address " + address + " removed");
    }

    @Command(name = "disable", description = "Refuse mail for the address (at RCPT) and its logins.")
    int disable(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address) {
        return setDisabled(node, address, true);
    }

    @Command(name = "enable", description = "Accept mail and logins for a disabled address again.")
    int enable(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address) {
        return setDisabled(node, address, false);
    }

    @Command(name = "spam-filter", description = "Turn the address's spam filter on (the default) or off.")
    int spamFilter(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address,
            @Parameters(paramLabel = "on|off",
                    description = "on: Rspamd's verdict files spam in Junk; off: it does not") String state) {
        Address.parse(address);
        if (!state.equals("on") && !state.equals("off")) {
            throw new CommandFailure(ExitCode.USAGE, "on or off, not '" + state + "'");
        }
        JsonNode changed = node.client().patch(path(address),
                AdminClient.JSON.createObjectNode().put("spamFilter", state.equals("on")));
        return node.changed(changed, "spam filter of " + changed.get("address").asText() + " turned " + state);
    }

    @Command(name = "password", description = "Set the address's password; its sessions logged in with the old one end.")
    int password(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address,
            @ArgGroup(multiplicity = "1") Password password) {
        Address.parse(address);
        JsonNode answer = node.client().put(path(address) + "/password",
                AdminClient.JSON.createObjectNode().put("password", password.read()));
        return node.changed(answer, "password of " + address + " changed");
    }

    private static int setDisabled(NodeOptions node, String address, boolean disabled) {
        Address.parse(address);
        JsonNode changed = node.client().patch(path(address), AdminClient.JSON.createObjectNode().put("disabled", disabled));
        return node.changed(changed, "address " + changed.get("address").asText() + (disabled ? " disabled" : " enabled"));
    }

    private static List<String> primaryDomains(AdminClient client) {
        List<String> names = new ArrayList<>();
        for (JsonNode domain : client.get(DomainCommand.PATH)) {
            if (!domain.has("aliasOf")) {
                names.add(domain.get("name").asText());
            }
        }
        return names;
    }

    static String path(String address) {
        return "/api/v1/addresses/" + AdminClient.segment(address);
    }

    private static String addresses(String domain) {
        return DomainCommand.PATH + "/" + AdminClient.segment(domain) + "/addresses";
    }
}
