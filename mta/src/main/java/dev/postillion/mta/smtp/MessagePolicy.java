package dev.postillion.mta.smtp;

import dev.postillion.auth.AuthenticationResults;
import dev.postillion.auth.MessageAuthenticator.Authentication;
import dev.postillion.auth.OnCheckError;
import dev.postillion.auth.dkim.DkimResult;
import dev.postillion.auth.dmarc.DmarcPolicy;
import dev.postillion.auth.dmarc.DmarcVerdict;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.core.MessageHeaders;
import dev.postillion.core.QueueId;
import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.SenderLists;
import dev.postillion.mta.login.SaslAuthenticator;
import dev.postillion.mta.policy.content.ContentViolation;
import dev.postillion.mta.policy.greylist.GreylistTriplet;
import dev.postillion.mta.policy.spam.RspamdClient;
import dev.postillion.mta.policy.spam.SpamSettings;
import dev.postillion.mta.policy.spam.SpamVerdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * What happens to a message once its content is complete, before the reply to it (the checks of
 * Postfix's smtpd(8) after DATA, and cleanup(8)): the content rules, the hop count, the sender
 * guard on From for authenticated users, greylisting of the null sender, SPF, DKIM and DMARC, the
 * spam filter, then the spool. Each step may refuse the message; the
 * outcome is the reply the session sends.
 *
 * <p>The steps run on the session's own thread (the executor given), as the session's handlers
 * did, except the scan of a large message and the checks' own work: nothing here blocks. A
 * message small enough to have arrived whole is copied once, when our trace fields are put in
 * front of it for the spool; a large one, whose pieces are in the spool already, is read back
 * whole for the checks and spooled with the trace fields as its record.
 */
final class MessagePolicy {

    /** How a message ends: in the spool, or refused with a reply (a 4xx when the fault is ours). */
    sealed interface Outcome {
        Reply reply();
    }

    record Queued(QueueId id) implements Outcome {
        @Override
        public Reply reply() {
            return Replies.queued(id.toString());
        }
    }

    record Refused(Reply reply) implements Outcome {}

    private static final Logger log = LoggerFactory.getLogger(MessagePolicy.class);
    /** Messages up to this size are scanned on the session's thread: their scan is bounded and short. */
    private static final int INLINE_SCAN_LIMIT = 64 * 1024;
    /** A step that lets the message go on to the next. */
    private static final CompletionStage<Optional<Outcome>> PASS = CompletableFuture.completedFuture(Optional.empty());

    private final ListenerContext context;
    private final Executor session;

    /** @param session the session's thread, where each step goes on when what it waited for is there */
    MessagePolicy(ListenerContext context, Executor session) {
        this.context = context;
        this.session = session;
    }

    /**
     * Decides on the message. Its pieces in the spool, if it has any, are read back in front of
     * what the session holds first (the checks read a message whole), and deleted unless the
     * message is spooled with them.
     */
    CompletionStage<Outcome> admit(CompletedMessage arrived) {
        ContentPieces pieces = arrived.pieces();
        return pieces.readBack(arrived.content())
                .handleAsync((whole, failure) -> {
                    if (failure != null) {
                        log.error("{}: reading the content back from the spool failed: {}", pieces.id(),
                                failure.getMessage());
                        return done(new Refused(Replies.QUEUE_WRITE_ERROR));
                    }
                    CompletedMessage message = arrived.whole(whole);
                    return then(scan(message), () -> then(guardSender(message),
                            () -> then(greylistNullSender(message), () -> authenticate(message))));
                }, session)
                .thenCompose(outcome -> outcome)
                .whenComplete((outcome, failure) -> {
                    pieces.decided();
                    if (!(outcome instanceof Queued queued && queued.id().equals(pieces.id()))) {
                        pieces.discard();
                    }
                });
    }

    /** Runs {@code next} unless {@code step} ended the message. */
    private CompletionStage<Outcome> then(CompletionStage<Optional<Outcome>> step,
            Supplier<CompletionStage<Outcome>> next) {
        return step.thenComposeAsync(ended -> ended.map(MessagePolicy::done).orElseGet(next), session);
    }

    private static CompletionStage<Outcome> done(Outcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }

    private static Optional<Outcome> refused(Reply reply) {
        return Optional.of(new Refused(reply));
    }

    /**
     * The content rules (SPEC section 4), then the hop count. The scan walks MIME parts and
     * archives of up to max-message-size: a large message is scanned off the I/O thread the
     * session runs on (ARCHITECTURE rule 1), so that other connections are not held up; a small
     * one costs less than the hand-over would.
     */
    private CompletionStage<Optional<Outcome>> scan(CompletedMessage message) {
        byte[] content = message.content();
        Executor scanner = content.length <= INLINE_SCAN_LIMIT ? Runnable::run : context.work();
        return CompletableFuture.supplyAsync(() -> context.content().check(content, message.smtputf8()), scanner)
                .handleAsync((violation, failure) -> {
                    if (failure != null) {
                        log.error("content check failed: {}", failure.toString());
                        return refused(Replies.CONTENT_CHECK_ERROR);
                    }
                    return violation.isPresent() ? Optional.of(contentRefused(message, violation.get())) : hops(message);
                }, session);
    }

    private static Outcome contentRefused(CompletedMessage message, ContentViolation violation) {
        refusal(message.client(), "content").log("client=[{}], helo={}, from=<{}>, refused: {}", message.client().addressText(),
                message.client().heloName(), message.senderAddress(), violation.reason());
        return new Refused(Replies.contentRefused(violation));
    }

    /**
     * A line about a message refused after DATA, with its client and why as fields, which the JSON
     * log format writes as such (postillion.log.format), named as the rejection metric's reasons.
     */
    private static LoggingEventBuilder refusal(Client client, String outcome) {
        return log.atInfo().addKeyValue("client", client.addressText()).addKeyValue("outcome", outcome);
    }

    /** More Received fields than max-received-headers: a mail loop (RFC 5321 section 6.3). */
    private Optional<Outcome> hops(CompletedMessage message) {
        return MessageHeaders.parse(message.content()).count("Received") > context.settings().maxReceivedHeaders()
                ? refused(Replies.TOO_MANY_HOPS) : Optional.empty();
    }

    /** An authenticated user's message is From its own addresses only (SPEC section 5). */
    private CompletionStage<Optional<Outcome>> guardSender(CompletedMessage message) {
        Optional<SaslAuthenticator.Accepted> user = message.client().user();
        if (user.isEmpty() || SenderGuard.authorsAllowed(message.content(), user.get().ownAddresses())) {
            return PASS;
        }
        refusal(message.client(), "sender_guard").log("client=[{}], sasl_username=<{}>: From header denied",
                message.client().addressText(),
                user.get().user());
        return CompletableFuture.completedFuture(refused(Replies.SENDER_DENIED));
    }

    /**
     * Greylisting of the null sender, after DATA (SPEC section 4): a bounce cannot be refused at
     * RCPT without refusing every bounce, so its triplets are checked once the whole message is
     * in, and a retry of it passes as any other.
     */
    private CompletionStage<Optional<Outcome>> greylistNullSender(CompletedMessage message) {
        if (message.sender().isPresent() || !context.greylist().enabled() || message.client().trusted()) {
            return PASS;
        }
        return hostedRecipients(message).thenCompose(hosted -> hosted.isEmpty() ? PASS
                : greylistNullSender(message, hosted));
    }

    private CompletionStage<Optional<Outcome>> greylistNullSender(CompletedMessage message,
            List<EmailAddress> greylisted) {
        List<CompletableFuture<GreylistTriplet.Verdict>> checks = greylisted.stream()
                .map(recipient -> context.greylist().check(message.client().address(), Optional.empty(), recipient)
                        .toCompletableFuture())
                .toList();
        return CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new)).handleAsync((ok, failure) -> {
            if (failure != null) {
                log.warn("greylist check of a null-sender message failed: {}", failure.getMessage());
                return refused(Replies.GREYLIST_UNAVAILABLE);
            }
            if (checks.stream().allMatch(check -> check.join().pass())) {
                return Optional.empty();
            }
            refusal(message.client(), "greylisted").log("greylisted after DATA: client=[{}], from=<>",
                    message.client().addressText());
            return refused(Replies.GREYLISTED);
        }, session);
    }

    /** The recipients at domains hosted here: mail to other domains is not greylisted. */
    private CompletionStage<List<EmailAddress>> hostedRecipients(CompletedMessage message) {
        List<EmailAddress> recipients = message.recipients().stream().map(Envelope.Recipient::address).toList();
        List<CompletableFuture<Boolean>> hosted = recipients.stream()
                .map(recipient -> context.directory().hosts(recipient.domain()).toCompletableFuture())
                .toList();
        return CompletableFuture.allOf(hosted.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<EmailAddress> greylisted = new ArrayList<>();
            for (int i = 0; i < recipients.size(); i++) {
                if (hosted.get(i).join()) { // complete: all are
                    greylisted.add(recipients.get(i));
                }
            }
            return greylisted;
        });
    }

    /**
     * SPF and DKIM of the complete message (SPEC section 4), recorded in an Authentication-Results
     * field in front of it; fields forged in our name are removed first (RFC 8601 section 5).
     */
    private CompletionStage<Outcome> authenticate(CompletedMessage message) {
        byte[] cleaned = AuthenticationResults.withoutForged(message.content(), context.hostname());
        if (!context.authenticator().enabled()) {
            return filterSpam(queueId(message, cleaned), message, cleaned, Optional.empty(), false);
        }
        Client client = message.client();
        CompletionStage<Authentication> checks;
        try {
            checks = context.authenticator()
                    .authenticate(client.address(), client.heloName(), message.senderAddress(), cleaned);
        } catch (RuntimeException e) {
            checks = CompletableFuture.failedFuture(e); // a pool that refuses work refuses at once
        }
        return checks.handleAsync((found, failure) -> failure == null
                        ? judged(message, cleaned, found) : checksFailed(message, cleaned, failure), session)
                .thenCompose(outcome -> outcome);
    }

    /**
     * The checks could not run: unless told to accept such mail, the message is deferred rather
     * than let in unchecked, for a p=reject domain's forgery would pass while they fail.
     */
    private CompletionStage<Outcome> checksFailed(CompletedMessage message, byte[] cleaned, Throwable failure) {
        Client client = message.client();
        if (context.authenticator().onError() == OnCheckError.ACCEPT) {
            log.error("client=[{}], helo={}, from=<{}>: authentication checks failed, accepted unchecked",
                    client.addressText(), client.heloName(), message.senderAddress(), failure);
            return judged(message, cleaned, Authentication.NONE);
        }
        log.error("client=[{}], helo={}, from=<{}>: authentication checks failed, deferred", client.addressText(),
                client.heloName(), message.senderAddress(), failure);
        return done(new Refused(Replies.AUTH_CHECK_ERROR));
    }

    /** DMARC's reject refuses the message; anything else is recorded and the message spooled. */
    private CompletionStage<Outcome> judged(CompletedMessage message, byte[] cleaned, Authentication found) {
        Client client = message.client();
        String mailFrom = message.sender().isPresent() ? message.senderAddress() : client.heloName();
        // Our own users (relay networks, authenticated sessions) send as hosted domains before
        // their mail is signed on the way out: their DMARC is recorded, never enforced.
        Optional<DmarcPolicy> disposition = client.trusted()
                ? Optional.empty() : found.dmarc().map(DmarcVerdict::disposition);
        if (disposition.equals(Optional.of(DmarcPolicy.REJECT))) {
            refusal(client, "dmarc").log("rejected by DMARC: client=[{}], from=<{}>, header.from={}: {}",
                    client.addressText(), mailFrom,
                    found.dmarc().get().domain(), found.dmarc().get().reason());
            return done(new Refused(Replies.dmarcRejected(found.dmarc().get().domain())));
        }
        if (!client.trusted() && found.dmarc().filter(MessagePolicy::rejectUnchecked).isPresent()) {
            refusal(client, "dmarc_deferred").log("deferred by DMARC: client=[{}], from=<{}>, header.from={}: {}",
                    client.addressText(), mailFrom,
                    found.dmarc().get().domain(), found.dmarc().get().reason());
            return done(new Refused(Replies.dmarcUnavailable(found.dmarc().get().domain())));
        }
        String header = AuthenticationResults.header(context.hostname(), found.spf(), found.dkim(), found.dmarc(),
                mailFrom, message.smtputf8());
        QueueId id = queueId(message, cleaned);
        found.dkim().ifPresent(signatures -> logUnverified(id, signatures));
        return filterSpam(id, message, cleaned, Optional.of(header),
                disposition.equals(Optional.of(DmarcPolicy.QUARANTINE)));
    }

    /**
     * Why each signature that did not pass failed, in detail: the header's comment names only the
     * reason, so that what went wrong inside stays with the operator.
     */
    private static void logUnverified(QueueId id, List<DkimResult> signatures) {
        for (DkimResult signature : signatures) {
            if (!signature.passed()) {
                log.info("{}: dkim={} header.d={} header.s={}: {}{}", id, signature.status().keyword(),
                        signature.domain(), signature.selector(), signature.reason().text(),
                        signature.detail().isEmpty() ? "" : " (" + signature.detail() + ")");
            }
        }
    }

    /**
     * A p=reject domain's message whose aligned DKIM or SPF check could not finish for now: it
     * might fail, so it is not accepted, and it might pass, so it is not refused for good.
     */
    private static boolean rejectUnchecked(DmarcVerdict verdict) {
        return verdict.result() == DmarcVerdict.Result.TEMPERROR && verdict.policy() == DmarcPolicy.REJECT;
    }

    /**
     * The spam filter (SPEC section 4), for mail from the world only: our users' mail is not
     * scanned. What Rspamd judged is written in X-Spam fields and marks the envelope for Junk; a
     * message over the reject score is refused when no recipient would take it; a filter that
     * failed lets the message in unscanned, or defers it when told to.
     */
    private CompletionStage<Outcome> filterSpam(QueueId id, CompletedMessage message, byte[] content,
            Optional<String> authenticationResults, boolean quarantined) {
        Client client = message.client();
        if (!context.spam().enabled() || client.trusted()) {
            return spool(id, message, content, authenticationResults, quarantined, new SpamVerdict.Unscanned());
        }
        RspamdClient.Envelope envelope = new RspamdClient.Envelope(client.address().getHostAddress(),
                client.heloName(), message.senderAddress(),
                message.recipients().stream().map(recipient -> recipient.address().toString()).toList(),
                id.toString(), context.hostname());
        return context.spam().judge(envelope, content).thenComposeAsync(verdict -> {
            if (verdict instanceof SpamVerdict.Failed
                    && context.spam().settings().onFailure() == SpamSettings.OnFailure.TEMPFAIL) {
                return done(new Refused(Replies.SPAM_CHECK_ERROR));
            }
            if (verdict instanceof SpamVerdict.Scanned scanned && scanned.reject()) {
                return refusedBySpamFilter(message).thenComposeAsync(refuse -> refuse
                        ? spamRefused(message, scanned)
                        : spool(id, message, content, authenticationResults, quarantined, verdict), session);
            }
            return spool(id, message, content, authenticationResults, quarantined, verdict);
        }, session);
    }

    /**
     * Whether every recipient lets the spam filter refuse its mail: a hosted mailbox with the
     * filter on that does not allow-list the sender. Otherwise the message is taken and filed per
     * recipient, as refusing it would refuse it to those who want it.
     */
    private CompletionStage<Boolean> refusedBySpamFilter(CompletedMessage message) {
        List<CompletableFuture<Directory.Resolution>> resolved = message.recipients().stream()
                .map(recipient -> context.directory().resolve(recipient.address()).toCompletableFuture())
                .toList();
        return CompletableFuture.allOf(resolved.toArray(CompletableFuture[]::new)).handle((done, failure) ->
                failure == null && resolved.stream().map(CompletableFuture::join).allMatch(resolution ->
                        resolution.lookup() == Directory.Lookup.MAILBOX && resolution.address().spamFilter()
                                && SenderLists.verdict(resolution.address(), message.senderAddress())
                                        != SenderLists.Verdict.ALLOWED));
    }

    private CompletionStage<Outcome> spamRefused(CompletedMessage message, SpamVerdict.Scanned verdict) {
        refusal(message.client(), "spam").log("rejected as spam: client=[{}], from=<{}>, score={}, action={}",
                message.client().addressText(), message.senderAddress(), verdict.score(), verdict.action());
        return done(new Refused(Replies.SPAM_REJECTED));
    }

    /**
     * The id the message is spooled under: its pieces' when they are its content's start as
     * spooled, else a new one. Only removing a forged Authentication-Results field changes that
     * start, which is rare enough for the message to be spooled whole then, its pieces deleted.
     */
    private QueueId queueId(CompletedMessage message, byte[] cleaned) {
        return message.pieces().any() && cleaned == message.content() ? message.pieces().id()
                : context.spool().newId();
    }

    /**
     * Commits the message, our Received field, the Authentication-Results field and the spam
     * filter's fields in front of it, to the spool; the 250 follows once it is on disk
     * (ARCHITECTURE rule 3). A message whose pieces are in the spool already gets the trace fields
     * as its record, the rest of its content as its last piece.
     */
    private CompletionStage<Outcome> spool(QueueId id, CompletedMessage message, byte[] content,
            Optional<String> authenticationResults, boolean quarantined, SpamVerdict spam) {
        Client client = message.client();
        Optional<SpamVerdict.Scanned> scanned = spam instanceof SpamVerdict.Scanned verdict
                ? Optional.of(verdict) : Optional.empty();
        // Only our own users' mail originates here, and only it is DKIM-signed when it leaves.
        Envelope envelope = new Envelope(message.sender(), message.parameters(), message.recipients(),
                client.heloName(), client.addressText(), context.clock().instant(), message.smtputf8(), quarantined,
                client.trusted(), scanned.map(SpamVerdict.Scanned::junk).orElse(false));
        String trace = ReceivedHeader.format(envelope, id, context.hostname(), client)
                + authenticationResults.orElse("") + scanned.map(SpamVerdict.Scanned::headers).orElse("");
        byte[] head = trace.getBytes(StandardCharsets.UTF_8);
        boolean inPieces = id.equals(message.pieces().id());
        CompletionStage<Void> committed = inPieces
                ? context.spool().accept(id, envelope, head, content, message.pieces().count())
                : context.spool().accept(id, envelope, withTrace(head, content));
        return committed.handleAsync((ok, failure) -> {
            if (failure != null) {
                log.error("{}: spool commit failed: {}", id, failure.getMessage());
                return new Refused(Replies.QUEUE_WRITE_ERROR);
            }
            SessionLog.queued(id, client, envelope, (long) head.length + content.length, context.role().configName());
            // Counted once taken, whole: see SenderRate for why not at MAIL or RCPT.
            client.user().ifPresent(user -> context.senders().count(user.user().key(), message.recipients().size()));
            return new Queued(id);
        }, session);
    }

    /** The one copy of the content: our trace fields go in front (RFC 5321 section 4.4). */
    private static byte[] withTrace(byte[] header, byte[] content) {
        byte[] message = new byte[header.length + content.length];
        System.arraycopy(header, 0, message, 0, header.length);
        System.arraycopy(content, 0, message, header.length, content.length);
        return message;
    }
}
