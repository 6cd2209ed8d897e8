package dev.postillion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code postillion address encryption}: whether an address's mail is encrypted at rest (OpenPGP,
 * RFC 9580), and turning it on with the user's own password, which wraps the secret key.
 */
@Command(name = "encryption", description = "Show whether an address's mail is encrypted at rest, and turn it on.")
public final class EncryptionCommand {

    @Command(name = "show", description = "Whether it is on, since when, and the key's fingerprint.")
    int show(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address) {
        JsonNode encryption = node.client().get(path(address));
        if (node.json()) {
            node.print(encryption);
        } else {
            node.out().println("encryption at rest of " + address + ": " + state(encryption));
        }
        return ExitCode.OK;
    }

    @Command(name = "enable", description = "Encrypt the mail stored from now on; it cannot be turned off. Give the"
            + " address's own password: the secret key is kept wrapped under it.")
    int enable(@Mixin NodeOptions node, @Parameters(paramLabel = "ADDRESS") String address,
            @ArgGroup(multiplicity = "1") AddressCommand.Password password) {
        JsonNode encryption = node.client().post(path(address),
                AdminClient.JSON.createObjectNode().put("password", password.read()));
        return node.changed(encryption, "encryption at rest of " + address + " turned on; key fingerprint "
                + encryption.get("fingerprint").asText());
    }

    private static String state(JsonNode encryption) {
        return encryption.get("enabled").asBoolean()
                ? "on since " + encryption.get("since").asText() + ", key fingerprint "
                        + encryption.get("fingerprint").asText()
                : "off";
    }

    private static String path(String address) {
        Address.parse(address);
        return AddressCommand.path(address) + "/encryption";
    }
}
