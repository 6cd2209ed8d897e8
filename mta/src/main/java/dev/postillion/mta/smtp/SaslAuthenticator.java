package dev.postillion.mta.smtp;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import dev.postillion.core.proto.AddressRecord;
import dev.postillion.mailbox.Directory;
import dev.postillion.mta.smtp.auth.AuthThrottle;
import dev.postillion.mta.smtp.auth.SaslCredentials;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the credentials an AUTH exchange offered (RFC 4954): the user name is an address of
 * ours, the password its own ({@link Directory#authenticate}), and neither the client nor the
 * account is locked out by the {@link AuthThrottle}. A failure is answered only after the
 * throttle's delay. Outcomes are counted in the {@code postillion.smtp.auth} metric by result.
 * Passwords are never logged; user names are.
 */
public final class SaslAuthenticator {

    /** How an exchange ends. */
    public sealed interface Verdict {}

    /**
     * @param user the authenticated address
     * @param ownAddresses every address the user may send as: itself and its aliases, in lower case
     */
    public record Accepted(EmailAddress user, Set<String> ownAddresses) implements Verdict {}

    /** Refused with {@code reply}; when {@code close}, the session says it and closes. */
    public record Refused(Reply reply, boolean close) implements Verdict {}

    private static final Logger log = LoggerFactory.getLogger(SaslAuthenticator.class);

    private final Directory directory;
    private final AuthThrottle throttle;
    private final String hostname;
    private final Counter succeeded;
    private final Counter failed;
    private final Counter lockedOut;
    private final Counter unavailable;

    public SaslAuthenticator(Directory directory, AuthThrottle throttle, String hostname, MeterRegistry metrics) {
        this.directory = directory;
        this.throttle = throttle;
        this.hostname = hostname;
        this.succeeded = outcomes(metrics, "success");
        this.failed = outcomes(metrics, "failure");
        this.lockedOut = outcomes(metrics, "locked-out");
        this.unavailable = outcomes(metrics, "unavailable");
    }

    private static Counter outcomes(MeterRegistry metrics, String result) {
        return Counter.builder("postillion.smtp.auth").description("SMTP AUTH attempts, by outcome")
                .tag("result", result).register(metrics);
    }

    CompletionStage<Verdict> check(InetAddress clientAddress, SaslCredentials credentials) {
        String client = ClientNetworks.clientKey(clientAddress);
        String username = credentials.username();
        if (throttle.lockedOut(client, username)) {
            lockedOut.increment();
            log.info("auth refused: client=[{}], user=<{}>: locked out", clientAddress.getHostAddress(), username);
            return CompletableFuture.completedFuture(new Refused(Replies.tooManyAuthFailures(hostname), true));
        }
        Optional<EmailAddress> address = address(credentials);
        if (address.isEmpty()) {
            return failure(clientAddress, client, username);
        }
        return directory.authenticate(address.get(), credentials.password()).handle((found, error) -> {
            if (error != null) {
                unavailable.increment();
                log.warn("auth of <{}> could not be checked: {}", username, error.toString());
                return CompletableFuture.<Verdict>completedFuture(new Refused(Replies.AUTH_UNAVAILABLE, false));
            }
            return found.map(record -> success(clientAddress, client, record))
                    .orElseGet(() -> failure(clientAddress, client, username).toCompletableFuture());
        }).thenCompose(verdict -> verdict);
    }

    /**
     * The address to log in as. We act for no one else: an authorization identity other than the
     * user itself (RFC 4616 section 2) fails as a wrong password does.
     */
    private static Optional<EmailAddress> address(SaslCredentials credentials) {
        if (!credentials.authorizationId().isEmpty()
                && !credentials.authorizationId().equalsIgnoreCase(credentials.username())) {
            return Optional.empty();
        }
        try {
            return Optional.of(EmailAddress.parse(credentials.username(), true));
        } catch (AddressSyntaxException e) {
            return Optional.empty();
        }
    }

    private CompletableFuture<Verdict> success(InetAddress clientAddress, String client, AddressRecord record) {
        throttle.succeeded(client, record.getLocalPart() + "@" + record.getDomain());
        succeeded.increment();
        EmailAddress user = new EmailAddress(record.getLocalPart().toLowerCase(Locale.ROOT), record.getDomain());
        log.info("client=[{}], sasl_username=<{}>: authenticated", clientAddress.getHostAddress(), user);
        return CompletableFuture.completedFuture(new Accepted(user, directory.ownAddresses(record)));
    }

    /** Counts the failure; the 535 comes after the throttle's delay, or a lockout's 421 at once. */
    private CompletionStage<Verdict> failure(InetAddress clientAddress, String client, String username) {
        failed.increment();
        AuthThrottle.Penalty penalty = throttle.failed(client, username);
        log.info("auth failed: client=[{}], user=<{}>{}", clientAddress.getHostAddress(), username,
                penalty.lockedOut() ? ", now locked out" : "");
        if (penalty.lockedOut()) {
            return CompletableFuture.completedFuture(new Refused(Replies.tooManyAuthFailures(hostname), true));
        }
        Duration delay = penalty.delay();
        return CompletableFuture.supplyAsync(() -> new Refused(Replies.AUTH_FAILED, false),
                CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
    }
}
