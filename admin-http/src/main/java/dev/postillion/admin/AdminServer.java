package dev.postillion.admin;

import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds the admin API (Pekko HTTP) on {@code postillion.admin.bind}:{@code port}. */
public final class AdminServer {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    private AdminServer() {}

    public static CompletionStage<ServerBinding> start(ActorSystem<?> system, String bind, int port,
            AdminRoutes routes) {
        return Http.get(system).newServerAt(bind, port).bind(routes.route())
                .thenApply(binding -> {
                    log.info("Admin API listening on {}", binding.localAddress());
                    return binding;
                });
    }
}
