package dev.postillion.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.mailbox.Address;
import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.encryption.MailboxKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * {@code /api/v1/addresses/{address}/encryption}: an address's encryption at rest (SPEC section
 * 7). GET says whether it is on, with the public key; POST turns it on with the address's own
 * password, which a hosting provider's account page sends for its user: the operator alone
 * cannot, since only the password unwraps the key that reads the mail.
 */
final class EncryptionRoutes extends JsonRoutes {

    private static final String ENCRYPTION = "/api/v1/addresses/{address}/encryption";
    private static final Set<String> ENABLE = Set.of("password");

    private final Directory directory;

    EncryptionRoutes(Directory directory) {
        this.directory = directory;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get(ENCRYPTION, "getEncryption", p -> respond(StatusCodes.OK,
                        directory.requireAddress(AddressRoutes.address(p)).thenApply(EncryptionRoutes::encryptionJson))),
                Endpoint.post(ENCRYPTION, "enableEncryption", p -> withJson(body -> respond(StatusCodes.CREATED,
                        directory.encryption().enable(AddressRoutes.address(p), password(body))
                                .thenApply(EncryptionRoutes::encryptionJson)))));
    }

    private static String password(JsonNode body) {
        Json.onlyFields(body, ENABLE);
        return Json.requiredText(body, "password");
    }

    private static Map<String, Object> encryptionJson(Address address) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("enabled", address.encryption().isPresent());
        address.encryption().ifPresent(encryption -> {
            json.put("since", encryption.since().toString());
            json.put("fingerprint", encryption.fingerprint());
            json.put("publicKey", MailboxKeys.armored(encryption.publicKey()));
        });
        return json;
    }
}
