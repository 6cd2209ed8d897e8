package dev.postillion.mta.policy.dkim;

import dev.postillion.auth.dkim.DkimMessage;
import dev.postillion.auth.dkim.DkimSigner;
import dev.postillion.auth.dkim.HeaderField;
import dev.postillion.auth.dmarc.AuthorDomain;
import dev.postillion.core.Envelope;
import dev.postillion.queue.DeliveryRequest;
import dev.postillion.queue.RecipientOutcome;
import dev.postillion.queue.RecipientOutcome.Status;
import dev.postillion.queue.Transport;
import dev.postillion.queue.outbound.LineLengthLimit;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DKIM-signs mail on its way out: wraps the remote transport, through which everything that leaves
 * the node passes (relayed mail of the relay networks, forwards, auto-replies, reports), and hands
 * it each message signed when it originated here ({@link Envelope#originatedHere()}: from a trusted
 * client, or written by the node) and its From domain (RFC 5322.From, the domain DMARC aligns with)
 * is hosted here and has keys. {@code d=} is that domain; an alias domain signs with its primary
 * domain's keys under its own name, so that its signatures align too.
 *
 * <p>Forwards (redirects, backup copies) leave unsigned: their From field was written by whoever
 * sent the original, perhaps a forger of a hosted domain whose DMARC policy let the message in,
 * and a signature would vouch for it (RFC 6376 section 5.1).
 *
 * <p>Lines over SMTP's 998 octets are broken first, in every message that leaves, signed or not
 * ({@link LineLengthLimit}).
 *
 * <p>Signing (parsing, body hash, an RSA-2048 signature of about a millisecond) runs on the given
 * executor, never on the queue manager's or Netty's threads. A message of a domain whose keys
 * cannot be read is deferred (4.3.0), not sent unsigned: its domain may publish a DMARC policy
 * that would have it refused.
 */
public final class SigningTransport implements Transport {

    private static final Logger log = LoggerFactory.getLogger(SigningTransport.class);

    private final Transport remote;
    private final DomainKeyStore keys;
    private final Function<String, Optional<String>> keyDomain;
    private final Clock clock;
    private final Executor executor;

    /**
     * @param remote the transport that takes the signed message out
     * @param keyDomain for a domain, the hosted domain whose keys sign its mail: itself, or the
     *     primary of an alias domain; empty when not hosted
     * @param executor where signing runs: not an actor's or Netty's thread
     */
    public SigningTransport(Transport remote, DomainKeyStore keys, Function<String, Optional<String>> keyDomain,
            Clock clock, Executor executor) {
        this.remote = remote;
        this.keys = keys;
        this.keyDomain = keyDomain;
        this.clock = clock;
        this.executor = executor;
    }

    @Override
    public CompletionStage<List<RecipientOutcome>> deliver(DeliveryRequest request) {
        return CompletableFuture.supplyAsync(() -> signed(withinLineLimit(request)), executor)
                .handle((signed, failure) -> failure == null ? remote.deliver(signed) : deferred(request, failure))
                .thenCompose(outcomes -> outcomes);
    }

    /**
     * Every message leaving over SMTP, signed or not, has its lines over 998 octets broken (RFC 5321
     * section 4.5.3.1.6): here, before signing, so that the signature covers what is sent.
     */
    private static DeliveryRequest withinLineLimit(DeliveryRequest request) {
        byte[] content = LineLengthLimit.apply(request.content());
        return content == request.content() ? request
                : new DeliveryRequest(request.id(), request.envelope(), request.recipients(), content);
    }

    /** The request with its content signed, or as it is when not ours or its From domain does not sign here. */
    private DeliveryRequest signed(DeliveryRequest request) {
        if (!request.envelope().originatedHere()) {
            return request;
        }
        DkimMessage message = DkimMessage.parse(request.content());
        Optional<String> domain = authorDomain(message);
        if (domain.isEmpty()) {
            return request;
        }
        Optional<DomainKeys> domainKeys = domainKeys(domain.get());
        if (domainKeys.isEmpty()) {
            return request;
        }
        try {
            byte[] content = DkimSigner.sign(message, domain.get(), domainKeys.get().keys(), clock.instant());
            return new DeliveryRequest(request.id(), request.envelope(), request.recipients(), content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign for " + domain.get(), e);
        }
    }

    /** The one From address's domain; a message with none or several is not signed. */
    private static Optional<String> authorDomain(DkimMessage message) {
        List<String> from = message.headers().stream().filter(field -> field.is("From")).map(HeaderField::value).toList();
        return AuthorDomain.ofFields(from) instanceof AuthorDomain.Single single
                ? Optional.of(single.domain()) : Optional.empty();
    }

    private Optional<DomainKeys> domainKeys(String domain) {
        Optional<String> owner = keyDomain.apply(domain);
        if (owner.isEmpty()) {
            return Optional.empty();
        }
        try {
            return keys.keys(owner.get());
        } catch (GeneralSecurityException e) {
            throw new UnreadableKeys(owner.get(), e);
        }
    }

    /**
     * Our own fault: every recipient is tried again later (ARCHITECTURE rule 7). The outcome, which
     * delay warnings and returned-mail reports quote, says what failed in the operator's words; the
     * exception goes to the log with the queue id.
     */
    private CompletionStage<List<RecipientOutcome>> deferred(DeliveryRequest request, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        String detail = cause instanceof UnreadableKeys unreadable
                ? "the DKIM keys of " + unreadable.domain + " cannot be read" : "DKIM signing failed";
        log.error("{}: {}", request.id(), detail, cause);
        return CompletableFuture.completedFuture(request.recipients().stream()
                .map(recipient -> RecipientOutcome.local(recipient, Status.DEFERRED, "none", "4.3.0", detail))
                .toList());
    }

    /** A domain's keys that do not open with the master key: another master key, or damaged records. */
    private static final class UnreadableKeys extends RuntimeException {

        private final String domain;

        UnreadableKeys(String domain, GeneralSecurityException cause) {
            super("the DKIM keys of " + domain + " do not open with the master key", cause);
            this.domain = domain;
        }
    }
}
