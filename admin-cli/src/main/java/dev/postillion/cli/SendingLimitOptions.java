package dev.postillion.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine.Option;

/**
 * The four limits on what one user sends (SPEC section 5) as options, for an address's override
 * and a service's defaults: each a count, 0 for no limit; for a service's defaults, {@code inherit}
 * removes one, so that the node's applies again.
 */
final class SendingLimitOptions {

    static final String INHERIT = "inherit";

    @Option(names = "--messages-per-hour", paramLabel = "N", description = "messages per UTC hour")
    private String messagesPerHour;

    @Option(names = "--messages-per-day", paramLabel = "N", description = "messages per UTC day")
    private String messagesPerDay;

    @Option(names = "--recipients-per-hour", paramLabel = "N", description = "recipients per UTC hour")
    private String recipientsPerHour;

    @Option(names = "--recipients-per-day", paramLabel = "N", description = "recipients per UTC day")
    private String recipientsPerDay;

    /** The limits given, under the API's names, in its order. */
    private Map<String, String> given() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("messagesPerHour", messagesPerHour);
        given.put("messagesPerDay", messagesPerDay);
        given.put("recipientsPerHour", recipientsPerHour);
        given.put("recipientsPerDay", recipientsPerDay);
        given.values().removeIf(Objects::isNull);
        return given;
    }

    /**
     * The limits given, as the API takes them; {@code inherit} as null where {@code inheritable}.
     * None given is a usage error: the command would change nothing.
     */
    ObjectNode body(boolean inheritable) {
        Map<String, String> given = given();
        if (given.isEmpty()) {
            throw new CommandFailure(ExitCode.USAGE, "give at least one of --messages-per-hour, --messages-per-day,"
                    + " --recipients-per-hour, --recipients-per-day");
        }
        ObjectNode body = AdminClient.JSON.createObjectNode();
        given.forEach((name, value) -> {
            if (inheritable && value.equalsIgnoreCase(INHERIT)) {
                body.putNull(name);
            } else {
                body.put(name, count(value, inheritable));
            }
        });
        return body;
    }

    private static int count(String value, boolean inheritable) {
        try {
            int count = Integer.parseInt(value);
            if (count >= 0) {
                return count;
            }
        } catch (NumberFormatException e) {
            // refused below, as a negative count is
        }
        throw new CommandFailure(ExitCode.USAGE, "a limit is a whole number, 0 for no limit"
                + (inheritable ? ", or " + INHERIT : "") + ", not '" + value + "'");
    }
}
