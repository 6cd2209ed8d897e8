package dev.postillion.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import dev.postillion.mailbox.encryption.OpenPgpMessages;
import dev.postillion.mailbox.DeletedMessage;
import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.Folder;
import dev.postillion.mailbox.FolderName;
import dev.postillion.mailbox.MailMessage;
import dev.postillion.mailbox.MailboxEdit;
import dev.postillion.mailbox.Mailboxes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;
import org.roaringbitmap.RoaringBitmap;

/**
 * {@code /api/v1/mailboxes/{address}/...}: a hosted address's folders, the messages of each listed
 * by uid and read as delivered, reported as spam or not spam, and the messages deleted within
 * the retention period, which can be restored. Reads run on the store's reader threads, a restore
 * or a report's move in the address's mailbox actor, a report's teaching on the spam filter's
 * client threads; the route answers when they complete.
 */
final class MailboxRoutes extends JsonRoutes {

    private static final int DEFAULT_PAGE = 1000;
    private static final int MAX_PAGE = 10_000;
    private static final String MAILBOX = "/api/v1/mailboxes/{address}";
    private static final ContentType RFC822 = ContentTypes.create(MediaTypes.MESSAGE_RFC822);

    private static final Set<String> REPORT = Set.of("verdict", "folder");
    /**
     * A message kept encrypted at rest (SPEC section 7) is ciphertext to the filter: teaching it
     * that would only blur what it learned, so it is moved untaught, and the answer says why.
     */
    private static final SpamAdmin.Learned UNREADABLE = new SpamAdmin.Learned(false,
            "the message is encrypted at rest: the spam filter cannot read it");

    private final Directory directory;
    private final Mailboxes mailboxes;
    private final SpamAdmin spam;

    MailboxRoutes(Directory directory, Mailboxes mailboxes, SpamAdmin spam) {
        this.directory = directory;
        this.mailboxes = mailboxes;
        this.spam = spam;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get(MAILBOX + "/folders", "listFolders", p -> respond(StatusCodes.OK,
                        mailboxKey(p.get("address")).thenCompose(this::openedFolders)
                                .thenApply(folders -> folders.stream().map(MailboxRoutes::folderJson).toList()))),
                Endpoint.get(MAILBOX + "/messages", "listMessages", p -> parameterMap(parameters ->
                        listMessages(p.get("address"), parameters))),
                Endpoint.get(MAILBOX + "/messages/{uid}/raw", "getRawMessage", p -> uid(p.get("uid"), uid ->
                        parameterMap(parameters -> rawMessage(p.get("address"),
                                parameters.getOrDefault("folder", FolderName.INBOX), uid)))),
                Endpoint.post(MAILBOX + "/messages/{uid}/report", "reportMessage", p -> uid(p.get("uid"), uid ->
                        withJson(body -> report(p.get("address"), uid, body)))),
                Endpoint.get(MAILBOX + "/deleted", "listDeletedMessages", p -> parameterMap(parameters ->
                        listDeleted(p.get("address"), parameters))),
                Endpoint.post(MAILBOX + "/deleted/{id}/restore", "restoreMessage", p ->
                        restore(p.get("address"), p.get("id"))));
    }

    /** A uid is a whole number: any other segment is no path of the API (404), as with Pekko's longSegment. */
    private Route uid(String text, Function<Long, Route> inner) {
        long uid;
        try {
            uid = text.matches("[0-9]+") ? Long.parseLong(text) : -1;
        } catch (NumberFormatException tooLarge) {
            uid = -1;
        }
        return uid < 0 ? reject() : inner.apply(uid);
    }

    /**
     * Without {@code folder}, every folder's messages, folder by folder; {@code after} pages through
     * one folder's uids, so it needs {@code folder}.
     */
    private Route listMessages(String address, Map<String, String> parameters) {
        if (parameters.containsKey("after") && !parameters.containsKey("folder")) {
            return complete(Json.error(StatusCodes.BAD_REQUEST, "'after' pages through one folder: give 'folder' too"));
        }
        long after = AdminRoutes.longParameter(parameters, "after", 0);
        int limit = (int) Math.min(AdminRoutes.longParameter(parameters, "limit", DEFAULT_PAGE), MAX_PAGE);
        String only = parameters.get("folder");
        return respond(StatusCodes.OK, mailboxKey(address).thenCompose(key -> openedFolders(key).thenCompose(folders -> {
            List<Folder> listed = only == null ? folders
                    : List.of(folders.stream().filter(folder -> folder.name().equals(only)).findFirst()
                            .orElseThrow(() -> ApiError.notFound("no folder " + only + " in " + address)));
            return listFolders(key, listed, after, limit, new ArrayList<>());
        })));
    }

    /** The messages of {@code folders} one folder after the other, until {@code limit} are listed. */
    private CompletionStage<List<Map<String, Object>>> listFolders(String key, List<Folder> folders, long after,
            int limit, List<Map<String, Object>> listed) {
        if (folders.isEmpty() || listed.size() >= limit) {
            return CompletableFuture.completedFuture(listed);
        }
        Folder folder = folders.get(0);
        return mailboxes.store().messages(key, folder.id(), after + 1, Long.MAX_VALUE - 1, limit - listed.size())
                .thenCompose(messages -> {
                    messages.forEach(message -> listed.add(messageJson(folder.name(), message)));
                    return listFolders(key, folders.subList(1, folders.size()), after, limit, listed);
                });
    }

    private Route rawMessage(String address, String folderName, long uid) {
        return completeWithFuture(mailboxKey(address)
                .thenCompose(key -> openedFolder(key, address, folderName)
                        .thenCompose(folder -> mailboxes.store().message(key, folder.id(), uid))
                        .thenCompose(message -> message.isEmpty()
                                ? CompletableFuture.failedFuture(ApiError.notFound("no message with uid " + uid
                                        + " in " + folderName + " of " + address))
                                : mailboxes.store().content(key, message.get().contentId())))
                .handle((content, failure) -> {
                    if (failure != null) {
                        return AdminRoutes.errorResponse(failure);
                    }
                    if (content.isEmpty()) {
                        return Json.error(StatusCodes.NOT_FOUND, "message uid " + uid + " was deleted meanwhile");
                    }
                    if (OpenPgpMessages.isEncrypted(content.get())) {
                        // SPEC section 7: only the owner's password unwraps the key; ciphertext would read as garbage.
                        return Json.error(StatusCodes.FORBIDDEN, "message uid " + uid + " of " + address
                                + " is encrypted at rest; only its owner can read it, over IMAP or POP3");
                    }
                    return HttpResponse.create().withStatus(StatusCodes.OK)
                            .withEntity(HttpEntities.create(RFC822, content.get()));
                }));
    }

    /**
     * "Report as spam / not spam" (SPEC section 4): {@code {"verdict": "spam" | "ham", "folder": "INBOX"}}
     * teaches the spam filter the message, then moves it to Junk (spam) or INBOX (ham) as IMAP
     * MOVE would. The filter declining to learn it (known already, too little text) is said in
     * the answer and the message moved all the same, as is a message encrypted at rest, which it
     * is not shown; a filter that cannot be reached moves nothing (503, as for storage), so that
     * the report can be repeated.
     */
    private Route report(String address, long uid, JsonNode body) {
        Json.onlyFields(body, REPORT);
        String verdict = Json.requiredText(body, "verdict");
        if (!verdict.equals("spam") && !verdict.equals("ham")) {
            throw ApiError.badRequest("verdict must be \"spam\" or \"ham\", not \"" + verdict + "\"");
        }
        boolean isSpam = verdict.equals("spam");
        String folderName = Json.optionalText(body, "folder").orElse(FolderName.INBOX);
        if (!spam.configured()) {
            throw new ApiError(StatusCodes.CONFLICT, "no spam filter to teach on this node:"
                    + " postillion.spam.rspamd.controller-url is not set");
        }
        return respond(StatusCodes.OK, mailboxKey(address).thenCompose(key -> openedFolder(key, address, folderName)
                .thenCompose(folder -> mailboxes.store().message(key, folder.id(), uid))
                .thenCompose(message -> message.isEmpty()
                        ? CompletableFuture.failedFuture(ApiError.notFound("no message with uid " + uid + " in "
                                + folderName + " of " + address))
                        : mailboxes.store().content(key, message.get().contentId()))
                .thenCompose(content -> content.isEmpty()
                        ? CompletableFuture.failedFuture(ApiError.notFound("message uid " + uid
                                + " was deleted meanwhile"))
                        : OpenPgpMessages.isEncrypted(content.get()) ? CompletableFuture.completedFuture(UNREADABLE)
                        : learn(isSpam, content.get()))
                .thenCompose(learned -> moved(key, address, folderName, uid,
                        isSpam ? FolderName.JUNK : FolderName.INBOX)
                        .thenApply(placed -> reportJson(verdict, learned, placed)))));
    }

    /** The filter's answer; unreachable is the filter's fault, not the caller's: 503, logged by the filter. */
    private CompletionStage<SpamAdmin.Learned> learn(boolean isSpam, byte[] content) {
        return spam.learn(isSpam, content).exceptionallyCompose(failure -> CompletableFuture.failedFuture(
                new ApiError(StatusCodes.SERVICE_UNAVAILABLE, "the spam filter is unavailable, try again")));
    }

    /** Where the message is once moved to {@code target}: its folder and uid there. */
    private CompletionStage<Map<String, Object>> moved(String key, String address, String folder, long uid,
            String target) {
        if (folder.equals(target)) {
            return CompletableFuture.completedFuture(Map.of("folder", target, "uid", uid));
        }
        return mailboxes.edit(key, new MailboxEdit.Move(folder, RoaringBitmap.bitmapOf((int) uid), target))
                .thenApply(edited -> {
                    if (!edited.succeeded() || edited.uids().isEmpty()) {
                        throw edited.succeeded() || edited.refusal().reason() == MailboxEdit.Refusal.Reason.NONEXISTENT
                                ? ApiError.notFound("message uid " + uid + " was deleted meanwhile from " + folder
                                        + " of " + address)
                                : new ApiError(StatusCodes.SERVICE_UNAVAILABLE, edited.refusal().text());
                    }
                    return Map.of("folder", target, "uid", edited.uids().get(0));
                });
    }

    private static Map<String, Object> reportJson(String verdict, SpamAdmin.Learned learned,
            Map<String, Object> placed) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("verdict", verdict);
        json.put("learned", learned.learned());
        json.put("reason", learned.learned() ? null : learned.reason());
        json.put("folder", placed.get("folder"));
        json.put("uid", placed.get("uid"));
        return json;
    }

    private Route listDeleted(String address, Map<String, String> parameters) {
        int limit = (int) Math.min(AdminRoutes.longParameter(parameters, "limit", DEFAULT_PAGE), MAX_PAGE);
        return respond(StatusCodes.OK, mailboxKey(address)
                .thenCompose(key -> mailboxes.store().deleted(key, limit))
                .thenApply(deleted -> deleted.stream().map(MailboxRoutes::deletedJson).toList()));
    }

    private Route restore(String address, String id) {
        return respond(StatusCodes.OK, mailboxKey(address)
                .thenCompose(key -> mailboxes.edit(key, new MailboxEdit.Restore(id)))
                .thenApply(restored -> {
                    if (restored.refusal() != null) {
                        throw restored.refusal().reason() == MailboxEdit.Refusal.Reason.NONEXISTENT
                                ? ApiError.notFound(restored.refusal().text() + " in " + address)
                                : new ApiError(StatusCodes.SERVICE_UNAVAILABLE, restored.refusal().text());
                    }
                    Map<String, Object> json = new LinkedHashMap<>();
                    json.put("folder", restored.folder());
                    json.put("uid", restored.uids().get(0));
                    return json;
                }));
    }

    /** The mailbox's folders; a mailbox never opened is opened first, which writes its default folders. */
    private CompletionStage<List<Folder>> openedFolders(String key) {
        return mailboxes.store().folders(key).thenCompose(folders -> !folders.isEmpty()
                ? CompletableFuture.completedFuture(folders)
                : mailboxes.edit(key, new MailboxEdit.Open()).thenCompose(opened -> mailboxes.store().folders(key)));
    }

    private CompletionStage<Folder> openedFolder(String key, String address, String name) {
        return openedFolders(key).thenApply(folders -> folders.stream().filter(folder -> folder.name().equals(name))
                .findFirst().orElseThrow(() -> ApiError.notFound("no folder " + name + " in " + address)));
    }

    /** The canonical key of a hosted address, or 404 naming why there is no such mailbox. */
    private CompletionStage<String> mailboxKey(String address) {
        EmailAddress parsed;
        try {
            parsed = EmailAddress.parse(address, true);
        } catch (AddressSyntaxException e) {
            throw ApiError.badRequest("'" + address + "' is not an address: " + e.getMessage());
        }
        return directory.address(parsed).thenCombine(directory.services().inMaintenance(parsed.domain()),
                (mailbox, maintenance) -> {
            if (mailbox.isEmpty()) {
                throw ApiError.notFound("no mailbox " + address);
            }
            if (maintenance) {
                // SPEC section 1: a service in maintenance receives mail, but its mailboxes cannot be read.
                throw new ApiError(StatusCodes.LOCKED, parsed.domain() + " is in maintenance; its mailboxes cannot"
                        + " be read until maintenance ends");
            }
            return parsed.key();
        });
    }

    private static Map<String, Object> folderJson(Folder folder) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", folder.name());
        json.put("specialUse", folder.specialUse().isEmpty() ? null : "\\" + folder.specialUse());
        json.put("subscribed", folder.subscribed());
        json.put("messages", folder.messages());
        json.put("unseen", folder.unseen());
        json.put("uidValidity", folder.uidValidity());
        json.put("uidNext", folder.uidNext());
        json.put("highestModSeq", folder.highestModSeq());
        return json;
    }

    private static Map<String, Object> messageJson(String folder, MailMessage message) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("folder", folder);
        json.put("uid", message.uid());
        json.put("flags", message.flags().names());
        json.put("from", message.from());
        json.put("subject", message.subject());
        json.put("messageId", message.messageId());
        json.put("size", message.size());
        json.put("receivedAt", message.internalDate().toString());
        json.put("returnPath", message.returnPath());
        json.put("queueId", message.queueId());
        return json;
    }

    private static Map<String, Object> deletedJson(DeletedMessage deleted) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", deleted.id());
        json.put("deletedAt", deleted.deletedAt().toString());
        json.putAll(messageJson(deleted.folder(), deleted.message()));
        return json;
    }
}
