package dev.postillion.admin;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import dev.postillion.mailbox.Domain;
import dev.postillion.mailbox.MailboxEntry;
import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.Mailboxes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /api/v1/mailboxes/{address}/messages}: the messages a hosted address holds, listed by uid
 * and read as delivered. The directory and the mailbox are read on the store's reader threads; the
 * route answers when they complete.
 */
final class MailboxRoutes extends JsonRoutes {

    private static final int DEFAULT_PAGE = 1000;
    private static final int MAX_PAGE = 10_000;
    private static final ContentType RFC822 = ContentTypes.create(MediaTypes.MESSAGE_RFC822);

    private final Directory directory;
    private final Mailboxes mailboxes;

    MailboxRoutes(Directory directory, Mailboxes mailboxes) {
        this.directory = directory;
        this.mailboxes = mailboxes;
    }

    Route route() {
        return pathPrefix(PathMatchers.segment(), address -> pathPrefix("messages", () -> concat(
                pathEnd(() -> get(() -> parameterMap(parameters -> listMessages(address, parameters)))),
                path(PathMatchers.longSegment().slash("raw"), uid -> get(() -> rawMessage(address, uid))))));
    }

    private Route listMessages(String address, Map<String, String> parameters) {
        return respond(StatusCodes.OK, mailboxKey(address).thenCompose(key -> {
            long after = AdminRoutes.longParameter(parameters, "after", 0);
            int limit = (int) Math.min(AdminRoutes.longParameter(parameters, "limit", DEFAULT_PAGE), MAX_PAGE);
            return mailboxes.store().list(key, after, limit);
        }).thenApply(messages -> messages.stream().map(MailboxRoutes::messageJson).toList()));
    }

    private Route rawMessage(String address, long uid) {
        return completeWithFuture(mailboxKey(address).thenCompose(key -> mailboxes.store().content(key, uid))
                .handle((content, failure) -> {
                    if (failure != null) {
                        return AdminRoutes.errorResponse(failure);
                    }
                    if (content.isEmpty()) {
                        return Json.error(StatusCodes.NOT_FOUND, "no message with uid " + uid + " in " + address);
                    }
                    return HttpResponse.create().withStatus(StatusCodes.OK)
                            .withEntity(HttpEntities.create(RFC822, content.get()));
                }));
    }

    /** The canonical key of a hosted address, or 404 naming why there is no such mailbox. */
    private CompletionStage<String> mailboxKey(String address) {
        EmailAddress parsed;
        try {
            parsed = EmailAddress.parse(address, true);
        } catch (AddressSyntaxException e) {
            throw ApiError.badRequest("'" + address + "' is not an address: " + e.getMessage());
        }
        return directory.address(parsed).thenCombine(directory.domain(parsed.domain()), (mailbox, domain) -> {
            if (mailbox.isEmpty()) {
                throw ApiError.notFound("no mailbox " + address);
            }
            if (domain.map(Domain::maintenance).orElse(false)) {
                // SPEC section 1: a service in maintenance receives mail, but its mailboxes cannot be read.
                throw new ApiError(StatusCodes.LOCKED, parsed.domain() + " is in maintenance; its mailboxes cannot"
                        + " be read until maintenance ends");
            }
            return parsed.key();
        });
    }

    private static Map<String, Object> messageJson(MailboxEntry message) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("uid", message.uid());
        json.put("folder", message.folder());
        json.put("from", message.from());
        json.put("subject", message.subject());
        json.put("messageId", message.messageId());
        json.put("size", message.size());
        json.put("receivedAt", message.received().toString());
        json.put("returnPath", message.returnPath());
        json.put("queueId", message.queueId());
        return json;
    }
}
