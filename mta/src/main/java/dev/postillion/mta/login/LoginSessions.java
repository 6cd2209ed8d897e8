package dev.postillion.mta.login;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.postillion.mailbox.Credential;
import dev.postillion.mailbox.Directory;
import java.util.HashMap;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * The sessions logged in on this node, by address, and the end of those whose credential has
 * changed: "any password change cuts access to the address anywhere", and a revoked app password
 * ends the sessions it logged in. A change written through any node is published on a
 * cluster-wide topic; every node then revokes its sessions that logged in with the same credential
 * ({@link Credential#key()}: the password, or one app password) at an older version, and only
 * those: a session that already logged in with the new password stays, and so do the sessions of
 * the address's other app passwords.
 *
 * <p>The notice and a login can cross: a node whose directory cache has not yet heard of the
 * change can check the old password, or a login checked just before the change registers just
 * after the notice. So the latest version heard of is kept for {@value #VERSIONS_KEPT} credentials:
 * a login checked against an older one is refused ({@link #outdated}), and one that registers
 * with an older one is revoked at once.
 *
 * <p>The topic delivers at most once: a node that misses a notice (a partition) keeps its older
 * sessions until they end, at the latest after {@code postillion.smtp.session-time-limit}.
 */
public final class LoginSessions {

    /** The protocol of the registry, one actor per node. */
    public sealed interface Command {}

    /**
     * {@code session} logged in as {@code address} (canonical form) with {@code credential};
     * {@code revoke} is where it hears of the change (its message adapter, which cannot be
     * watched: the session itself is).
     */
    public record LoggedIn(String address, Credential credential, ActorRef<Revoked> revoke, ActorRef<?> session)
            implements Command {}

    /**
     * The credential of {@code address} with that key ({@link Credential#key()}: empty for the
     * password, else an app password's id) is now at {@code version}: a changed password's, or
     * past a revoked app password's. Published to every node.
     */
    public record CredentialChanged(String address, String credential, long version) implements Command {}

    /**
     * {@code session} logged out of {@code address} and goes on (ManageSieve's UNAUTHENTICATE, RFC
     * 5804 section 2.14): no change ends it any more, and it may log in again, as another address.
     */
    public record LoggedOut(String address, ActorRef<?> session) implements Command {}

    private record Ended(String address, ActorRef<?> session) implements Command {}

    /** A login the registry holds: where to tell it, and the credential it was made with. */
    private record Login(ActorRef<Revoked> revoke, Credential credential) {}

    /**
     * Told to a session whose login the change revoked: it ends, saying {@code why} ("the password
     * was changed", "the app password was revoked").
     */
    public record Revoked(String why) {}

    private static final int VERSIONS_KEPT = 10_000;

    private final ActorRef<Command> registry;
    /**
     * The latest version heard of, by address and credential ({@link #credentialOf}); written by
     * the registry, read by logins.
     */
    private final Cache<String, Long> latest;

    private LoginSessions(ActorRef<Command> registry, Cache<String, Long> latest) {
        this.registry = registry;
        this.latest = latest;
    }

    /** The node's registry, listening to the cluster's password changes and publishing {@code directory}'s. */
    public static LoginSessions start(ActorSystem<?> system, Directory directory) {
        ActorRef<Topic.Command<CredentialChanged>> topic = system.systemActorOf(
                Topic.create(CredentialChanged.class, "postillion-password-changes"), "password-changes",
                Props.empty());
        Cache<String, Long> latest = CacheBuilder.newBuilder().maximumSize(VERSIONS_KEPT).build();
        ActorRef<Command> registry = system.systemActorOf(Behaviors.setup(context -> registry(context, latest)),
                "login-sessions", Props.empty());
        topic.tell(Topic.subscribe(registry.narrow()));
        directory.onCredentialChanged(changed -> topic.tell(Topic.publish(new CredentialChanged(
                changed.address().key(), changed.credential().key(), changed.credential().version()))));
        return new LoginSessions(registry, latest);
    }

    /** Whether {@code credential} of {@code address} was changed or revoked since, as far as this node heard. */
    public boolean outdated(String address, Credential credential) {
        return outdated(latest, address, credential);
    }

    private static boolean outdated(Cache<String, Long> latest, String address, Credential credential) {
        Long known = latest.getIfPresent(credentialOf(address, credential.key()));
        return known != null && credential.version() < known;
    }

    /**
     * {@code session} logged in as {@code address} (canonical form) with {@code credential};
     * {@code revoke} is told {@link Revoked} when it changes or is revoked.
     */
    public void loggedIn(String address, Credential credential, ActorRef<Revoked> revoke, ActorRef<?> session) {
        registry.tell(new LoggedIn(address, credential, revoke, session));
    }

    /** {@code session}, logged in as {@code address} (canonical form), logged out and goes on. */
    public void loggedOut(String address, ActorRef<?> session) {
        registry.tell(new LoggedOut(address, session));
    }

    /** The key of an address's credential in {@link #latest}: the credential's key has no space. */
    private static String credentialOf(String address, String credential) {
        return address + " " + credential;
    }

    private static Revoked revoked(String credential) {
        return new Revoked(credential.isEmpty() ? "the password was changed" : "the app password was revoked");
    }

    private static Behavior<Command> registry(ActorContext<Command> context, Cache<String, Long> latest) {
        Map<String, Map<ActorRef<?>, Login>> sessions = new HashMap<>();
        return Behaviors.receive(Command.class)
                .onMessage(LoggedIn.class, login -> {
                    if (outdated(latest, login.address(), login.credential())) {
                        login.revoke().tell(revoked(login.credential().key()));
                        return Behaviors.same();
                    }
                    context.watchWith(login.session(), new Ended(login.address(), login.session()));
                    sessions.computeIfAbsent(login.address(), address -> new HashMap<>())
                            .put(login.session(), new Login(login.revoke(), login.credential()));
                    return Behaviors.same();
                })
                .onMessage(CredentialChanged.class, changed -> {
                    latest.asMap().merge(credentialOf(changed.address(), changed.credential()), changed.version(),
                            Math::max);
                    Map<ActorRef<?>, Login> logins = sessions.get(changed.address());
                    if (logins == null) {
                        return Behaviors.same();
                    }
                    logins.entrySet().removeIf(login -> {
                        Credential credential = login.getValue().credential();
                        boolean older = credential.key().equals(changed.credential())
                                && credential.version() < changed.version();
                        if (older) {
                            context.unwatch(login.getKey());
                            login.getValue().revoke().tell(revoked(changed.credential()));
                        }
                        return older;
                    });
                    if (logins.isEmpty()) {
                        sessions.remove(changed.address());
                    }
                    return Behaviors.same();
                })
                .onMessage(LoggedOut.class, out -> {
                    // Unwatched, so that a next login of the same session watches it afresh.
                    context.unwatch(out.session());
                    forget(sessions, out.address(), out.session());
                    return Behaviors.same();
                })
                .onMessage(Ended.class, ended -> {
                    forget(sessions, ended.address(), ended.session());
                    return Behaviors.same();
                })
                .build();
    }

    private static void forget(Map<String, Map<ActorRef<?>, Login>> sessions, String address, ActorRef<?> session) {
        Map<ActorRef<?>, Login> logins = sessions.get(address);
        if (logins != null) {
            logins.remove(session);
            if (logins.isEmpty()) {
                sessions.remove(address);
            }
        }
    }
}
