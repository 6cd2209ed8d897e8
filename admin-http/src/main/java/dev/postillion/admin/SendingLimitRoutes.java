package dev.postillion.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.core.EmailAddress;
import dev.postillion.mailbox.Directory;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The limits on what authenticated users send (SPEC section 5): an address's standing and the
 * operator's override of its limits ({@code /api/v1/addresses/{address}/sending-limits}), and the
 * senders near their limits ({@code /api/v1/sending-limits}).
 */
final class SendingLimitRoutes extends JsonRoutes {

    private static final String ADDRESS_LIMITS = "/api/v1/addresses/{address}/sending-limits";
    private static final double DEFAULT_NEAR = 0.8;
    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1000;

    private final Directory directory;
    private final SendingLimitsAdmin limits;

    SendingLimitRoutes(Directory directory, SendingLimitsAdmin limits) {
        this.directory = directory;
        this.limits = limits;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get(ADDRESS_LIMITS, "getSendingLimits", p -> respond(StatusCodes.OK,
                        hosted(p.get("address"), address -> limits.standing(address)
                                .thenApply(standing -> standingJson(address, standing))))),
                Endpoint.put(ADDRESS_LIMITS, "setSendingLimits", p -> withJson(body -> {
                    Map<String, Integer> override = override(body);
                    return respond(StatusCodes.OK, hosted(p.get("address"), address ->
                            limits.override(address, override).thenApply(standing -> standingJson(address, standing))));
                })),
                Endpoint.delete(ADDRESS_LIMITS, "deleteSendingLimits", p -> respondEmpty(
                        hosted(p.get("address"), address -> limits.override(address, Map.of())))),
                Endpoint.get("/api/v1/sending-limits", "listSendersNearLimits", p -> parameterMap(this::near)));
    }

    /** {@code action} with the address's key, once the directory has it as a hosted address (else 404). */
    private <T> CompletionStage<T> hosted(String text, Function<String, CompletionStage<T>> action) {
        EmailAddress address = AddressRoutes.address(text);
        return directory.requireAddress(address).thenCompose(record -> action.apply(address.key()));
    }

    /** {@code {"messagesPerHour": 50}}: the limits named are set (0: none), the others inherited. */
    private Map<String, Integer> override(JsonNode body) {
        Json.onlyFields(body, new HashSet<>(limits.limitNames()));
        Map<String, Integer> override = new LinkedHashMap<>();
        for (String name : limits.limitNames()) {
            JsonNode value = body.get(name);
            if (value != null) {
                override.put(name, count(name, value));
            }
        }
        return override;
    }

    /** A limit's count as a request gives it: a whole number from 0 (no limit). */
    static int count(String name, JsonNode value) {
        if (!value.isInt() || value.intValue() < 0) {
            throw ApiError.badRequest("'" + name + "' must be a whole number of 0 (no limit) or more");
        }
        return value.intValue();
    }

    /** {@code ?near=0.8&limit=100}: the senders of the day at 80 % or more of a limit, nearest first. */
    private Route near(Map<String, String> parameters) {
        double share = share(parameters.get("near"));
        int page = (int) Math.min(AdminRoutes.longParameter(parameters, "limit", DEFAULT_PAGE), MAX_PAGE);
        if (page == 0) {
            throw ApiError.badRequest("parameter 'limit' must be at least 1");
        }
        return respond(StatusCodes.OK, limits.near(share).thenApply(senders -> Map.of("senders",
                senders.stream().limit(page).map(SendingLimitRoutes::senderJson).toList())));
    }

    private static double share(String value) {
        if (value == null) {
            return DEFAULT_NEAR;
        }
        try {
            double share = Double.parseDouble(value);
            if (share >= 0 && share <= 1) {
                return share;
            }
        } catch (NumberFormatException e) {
            // answered below, as a share out of range is
        }
        throw ApiError.badRequest("parameter 'near' must be a share of a limit from 0 to 1, such as 0.8, not '"
                + value + "'");
    }

    private static Map<String, Object> senderJson(SendingLimitsAdmin.Sender sender) {
        Map<String, Object> json = standingJson(sender.address(), sender.standing());
        json.put("nearest", sender.nearest());
        return json;
    }

    private static Map<String, Object> standingJson(String address, SendingLimitsAdmin.Standing standing) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("address", address);
        json.put("limits", standing.limits());
        json.put("used", standing.used());
        json.put("override", standing.override());
        json.put("hourEnds", standing.hourEnds().toString());
        json.put("dayEnds", standing.dayEnds().toString());
        return json;
    }
}
