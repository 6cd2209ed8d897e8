package dev.postillion.loadtest.wire;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Logs in, as a mail client does: on the connection the user holds, or else on a new one, through
 * the greeting and, with {@link Tls#STARTTLS}, the upgrade. One request, timed from the connect (or
 * the login command) to the login's reply; the checks apply to the reply that ended it, which is
 * the greeting's or the upgrade's where one of them said no. A user whose login failed holds no
 * connection.
 */
public final class LoginStep<C extends MailboxClient<R>, R extends Reply, K extends ConnectionComponents<C>>
        implements ClientStep<C, R, K> {

    @Override
    public CompletableFuture<C> run(C held, String request, ReplyChecks<R> checks, RequestReports<R> reports,
            K components) {
        Login login = components.login();
        String user = login.user().resolve(reports.user());
        String password = login.password().resolve(reports.user());
        long start = reports.now();
        CompletableFuture<C> client = held != null ? CompletableFuture.completedFuture(held)
                : components.connect(reports.user());
        CompletableFuture<R> reply = client.thenCompose(open -> {
            Supplier<CompletableFuture<R>> logIn = () -> open.login(login.method(), user, password);
            if (held != null) {
                return logIn.get();
            }
            return open.greeting().thenCompose(greeting -> unless(greeting, () -> components.endpoint().tls() == Tls.STARTTLS
                    ? open.startTls(components.connector().tls()).thenCompose(secured -> unless(secured, logIn))
                    : logIn.get()));
        });
        return reports.report(request, start, reply, checks).thenCompose(loggedIn -> client.thenApply(open -> {
            if (!loggedIn) {
                open.leave();
            }
            return loggedIn ? open : null;
        })).exceptionally(failed -> null);
    }

    /** The next exchange, unless {@code reply} said no: then the exchange ends with it. */
    private static <R extends Reply> CompletableFuture<R> unless(R reply, Supplier<CompletableFuture<R>> next) {
        return reply.positive() ? next.get() : CompletableFuture.completedFuture(reply);
    }

    @Override
    public boolean needsConnection() {
        return false;
    }
}
