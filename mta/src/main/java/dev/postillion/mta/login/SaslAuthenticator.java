package dev.postillion.mta.login;

import dev.postillion.core.AddressSyntaxException;
import dev.postillion.core.EmailAddress;
import dev.postillion.mailbox.AppPassword;
import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.Login;
import dev.postillion.mta.login.AuthLockouts;
import dev.postillion.mta.login.AuthThrottle;
import dev.postillion.mta.login.LoginSessions;
import dev.postillion.mta.login.SaslCredentials;
import dev.postillion.mta.net.ClientNetworks;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.dispatch.ExecutionContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the credentials an AUTH exchange offered (RFC 4954): the user name is an address of
 * ours, the password its own or one of its app passwords ({@link Directory#authenticate}, which
 * says which: a wrong app password fails and counts as a wrong password does), and the client network is not
 * locked out by the {@link AuthThrottle}, which counts the attempt before the check and may slow
 * the account down first. A failure is answered only after the throttle's delay. Outcomes are
 * counted in the {@code postillion.smtp.auth} metric by result.
 * Passwords are never logged; user names are, with control characters replaced.
 */
public final class SaslAuthenticator {

    /** How an exchange ends. */
    public sealed interface Verdict {}

    /**
     * @param login the address and the credential it logged in with: its password or which app password
     * @param ownAddresses every address the user may send as: itself and its aliases, in lower case
     */
    public record Accepted(Login login, Set<String> ownAddresses) implements Verdict {

        /** The authenticated address, in canonical form. */
        public EmailAddress user() {
            return login.address().mailbox();
        }
    }

    /**
     * Refused with {@code reply} (SMTP's answer; other protocols answer by {@code reason}); when
     * {@code close}, the session says it and closes.
     */
    /** Refused for {@code reason}; each protocol answers it in its own words (SMTP, IMAP, POP3). */
    public record Refused(Reason reason) implements Verdict {}

    /** Why a login was refused; LOCKED_OUT also ends the connection. */
    public enum Reason { FAILED, DISABLED, LOCKED_OUT, UNAVAILABLE }

    private static final Logger log = LoggerFactory.getLogger(SaslAuthenticator.class);
    /** The longest user name the log shows (RFC 5321's path limit). */
    private static final int MAX_LOGGED = 256;

    private final Directory directory;
    private final LoginSessions sessions;
    private final Scheduler scheduler;
    private final AuthThrottle throttle;
    private final AuthLockouts lockouts;
    private final Clock clock;
    private final Counter succeeded;
    private final Counter failed;
    private final Counter lockedOut;
    private final Counter unavailable;

    /**
     * @param scheduler the actor system's: its timer takes a delay without a lock, where the JDK's
     *     delayed executor would wait for its queue's lock on the session's event loop
     */
    public SaslAuthenticator(Directory directory, AuthThrottle throttle, AuthLockouts lockouts, LoginSessions sessions,
            Clock clock, MeterRegistry metrics, Scheduler scheduler) {
        this.directory = directory;
        this.sessions = sessions;
        this.scheduler = scheduler;
        this.throttle = throttle;
        this.lockouts = lockouts;
        this.clock = clock;
        this.succeeded = outcomes(metrics, "success");
        this.failed = outcomes(metrics, "failure");
        this.lockedOut = outcomes(metrics, "locked-out");
        this.unavailable = outcomes(metrics, "unavailable");
    }

    private static Counter outcomes(MeterRegistry metrics, String result) {
        return Counter.builder("postillion.smtp.auth").description("Logins (SMTP AUTH, IMAP, POP3), by outcome")
                .tag("result", result).register(metrics);
    }

    /**
     * A session logged in as {@code accepted} over {@code protocol}: {@code revoke} hears when the
     * credential it used changes (the password) or is revoked (an app password), and an app
     * password's use is recorded.
     */
    public void loggedIn(Accepted accepted, AppPassword.Protocol protocol, ActorRef<LoginSessions.Revoked> revoke,
            ActorRef<?> session) {
        sessions.loggedIn(accepted.user().key(), accepted.login().credential(), revoke, session);
        directory.appPasswords().used(accepted.login(), protocol);
    }

    /** {@code session}, logged in as {@code user}, logged out and goes on (ManageSieve's UNAUTHENTICATE). */
    public void loggedOut(EmailAddress user, ActorRef<?> session) {
        sessions.loggedOut(user.key(), session);
    }

    public CompletionStage<Verdict> check(InetAddress clientAddress, SaslCredentials credentials) {
        String client = ClientNetworks.clientKey(clientAddress);
        String account = account(credentials.username());
        String shown = printable(credentials.username());
        // A lockout decided by another node of the cluster holds here too.
        return lockouts.lockedOut(client).thenCompose(elsewhere -> elsewhere
                ? CompletableFuture.completedFuture(AuthThrottle.Admission.LOCKED_OUT)
                : throttle.admit(client, account)).handle((admission, error) -> {
            if (error != null) {
                unavailable.increment();
                log.warn("auth of <{}> could not be checked: {}", shown, error.toString());
                return CompletableFuture.<Verdict>completedFuture(new Refused(Reason.UNAVAILABLE));
            }
            if (admission.lockedOut()) {
                lockedOut.increment();
                log.info("auth refused: client=[{}], user=<{}>: locked out", clientAddress.getHostAddress(), shown);
                return CompletableFuture.<Verdict>completedFuture(
                        new Refused(Reason.LOCKED_OUT));
            }
            // An account with failures in a row is slowed, from every network, before the check.
            return after(admission.delay())
                    .thenCompose(ignored -> checked(clientAddress, admission, client, account, shown, credentials));
        }).thenCompose(verdict -> verdict);
    }

    private CompletionStage<Verdict> checked(InetAddress clientAddress, AuthThrottle.Admission admission, String client,
            String account, String shown, SaslCredentials credentials) {
        // We act for no one else: an authorization identity other than the user itself (RFC 4616
        // section 2) fails as a wrong password does, after the same work.
        boolean forItself = credentials.authorizationId().isEmpty()
                || credentials.authorizationId().equalsIgnoreCase(credentials.username());
        return directory.authenticate(credentials.username(), credentials.password()).handle((found, error) -> {
            if (error != null) {
                return CompletableFuture.<Verdict>completedFuture(notChecked(client, account, shown, error));
            }
            // A password this node already heard was changed (or an app password revoked), checked
            // on a directory cache that had not heard yet, fails as a wrong one does (LoginSessions).
            return found.filter(login -> forItself)
                    .filter(login -> !sessions.outdated(login.address().mailbox().key(), login.credential()))
                    .map(login -> login.address().disabled() ? disabled(clientAddress, client, account, shown)
                            : success(clientAddress, client, account, shown, login))
                    .orElseGet(() -> failure(clientAddress, admission, client, shown));
        }).thenCompose(verdict -> verdict);
    }

    private CompletableFuture<Void> after(Duration delay) {
        if (delay.isZero()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> elapsed = new CompletableFuture<>();
        // Completing a future is all the timer's thread does: the check goes on where it is composed.
        scheduler.scheduleOnce(delay, () -> elapsed.complete(null), ExecutionContexts.fromExecutor(Runnable::run));
        return elapsed;
    }

    /**
     * The account a user name counts against: the address it names, in canonical form, so that
     * no spelling of it ({@code "anna"@x}, {@code ANNA@x}) gets a count of its own; every name that
     * is no address shares one count.
     */
    static String account(String username) {
        try {
            return EmailAddress.parse(username, true).key();
        } catch (AddressSyntaxException e) {
            return "<not an address>";
        }
    }

    /** The user name as the log may show it: a client's control characters could forge lines. */
    private static String printable(String username) {
        StringBuilder shown = new StringBuilder();
        username.codePoints().limit(MAX_LOGGED).forEach(c -> shown.appendCodePoint(c < ' ' || c == 0x7f ? '?' : c));
        return shown.toString();
    }

    /**
     * The addresses the user may send as are read (its alias domains) before the success counts: a
     * read that fails leaves the attempt unchecked, as a directory failure does.
     */
    private CompletableFuture<Verdict> success(InetAddress clientAddress, String client, String account,
            String shown, Login login) {
        EmailAddress user = login.address().mailbox();
        return directory.ownAddresses(login.address()).<Verdict>handle((own, error) -> {
            if (error != null) {
                return notChecked(client, account, shown, error);
            }
            throttle.succeeded(client, user.key());
            succeeded.increment();
            log.info("client=[{}], sasl_username=<{}>: authenticated{}", clientAddress.getHostAddress(), user,
                    login.credential().isAppPassword() ? " with app password '" + login.credential().appPassword()
                            + "'" : "");
            return new Accepted(login, own);
        }).toCompletableFuture();
    }

    /**
     * The right password of a disabled address (SPEC section 1: a disabled address neither sends
     * nor reads): refused, saying so, and counted as no guess.
     */
    private CompletableFuture<Verdict> disabled(InetAddress clientAddress, String client, String account,
            String shown) {
        throttle.notChecked(client, account);
        failed.increment();
        log.info("auth refused: client=[{}], user=<{}>: the address is disabled", clientAddress.getHostAddress(), shown);
        return CompletableFuture.completedFuture(new Refused(Reason.DISABLED));
    }

    /** The directory failed: the attempt is no guess, and the client may try again (454). */
    private Refused notChecked(String client, String account, String shown, Throwable error) {
        throttle.notChecked(client, account);
        unavailable.increment();
        log.warn("auth of <{}> could not be checked: {}", shown, error.toString());
        return new Refused(Reason.UNAVAILABLE);
    }

    /** The failure stays counted; the 535 comes after the throttle's delay, or a lockout's 421 at once. */
    private CompletableFuture<Verdict> failure(InetAddress clientAddress, AuthThrottle.Admission admission,
            String client, String shown) {
        failed.increment();
        AuthThrottle.Penalty penalty = throttle.failed(admission);
        log.info("auth failed: client=[{}], user=<{}>{}", clientAddress.getHostAddress(), shown,
                penalty.lockedOut() ? ", now locked out" : "");
        if (penalty.lockedOut()) {
            lockouts.lockOut(client, clock.instant().plus(throttle.lockout())).whenComplete((done, error) -> {
                if (error != null) {
                    log.warn("the lockout of client=[{}] is not shared with the other nodes: {}",
                            clientAddress.getHostAddress(), error.toString());
                }
            });
            return CompletableFuture.completedFuture(new Refused(Reason.LOCKED_OUT));
        }
        return after(penalty.delay()).thenApply(ignored -> new Refused(Reason.FAILED));
    }
}
