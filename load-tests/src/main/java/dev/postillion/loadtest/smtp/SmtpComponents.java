package dev.postillion.loadtest.smtp;

import io.gatling.commons.util.Clock;
import io.gatling.core.CoreComponents;
import io.gatling.core.config.GatlingConfiguration;
import io.gatling.core.protocol.ProtocolComponents;
import io.gatling.core.session.Session;
import io.gatling.core.stats.StatsEngine;
import io.gatling.netty.util.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import scala.Function1;
import scala.Option;
import scala.runtime.BoxedUnit;

/**
 * What the SMTP actions of one simulation share: the protocol's settings, Gatling's stats engine
 * and clock, and a client bootstrap whose connections go on the event loop of the virtual user
 * that makes them (Gatling's own loops, as its HTTP client does).
 */
final class SmtpComponents implements ProtocolComponents {

    /** Where a virtual user keeps its open connection between actions. */
    private static final String CONNECTION = "gatling.smtp.connection";

    private final SmtpProtocol protocol;
    private final StatsEngine statsEngine;
    private final Clock clock;
    private final Bootstrap bootstrap;
    private final SslContext tls;

    SmtpComponents(SmtpProtocol protocol, CoreComponents core) {
        this(protocol, core.statsEngine(), core.clock(), core.configuration());
    }

    SmtpComponents(SmtpProtocol protocol, StatsEngine statsEngine, Clock clock, GatlingConfiguration configuration) {
        this.protocol = protocol;
        this.statsEngine = statsEngine;
        this.clock = clock;
        this.bootstrap = new Bootstrap()
                .channelFactory(Transports.newSocketChannelFactory(
                        configuration.netty().useNativeTransport(), configuration.netty().useIoUring()))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(protocol.connectTimeout().toMillis()))
                .option(ChannelOption.TCP_NODELAY, true);
        this.tls = sslContext(protocol.trust(), configuration.ssl().useOpenSsl());
    }

    private static SslContext sslContext(SmtpProtocol.Trust trust, boolean useOpenSsl) {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(useOpenSsl ? SslProvider.OPENSSL : SslProvider.JDK)
                .endpointIdentificationAlgorithm(null);
        try {
            if (trust instanceof SmtpProtocol.Trust.All) {
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (trust instanceof SmtpProtocol.Trust.Store store) {
                char[] password = store.password() == null ? null : store.password().toCharArray();
                KeyStore keyStore = KeyStore.getInstance(store.path().toFile(), password);
                TrustManagerFactory trusted = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trusted.init(keyStore);
                builder.trustManager(trusted);
            }
            return builder.build();
        } catch (SSLException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS for the SMTP protocol: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the SMTP protocol's trust store", e);
        }
    }

    SmtpProtocol protocol() {
        return protocol;
    }

    StatsEngine statsEngine() {
        return statsEngine;
    }

    Clock clock() {
        return clock;
    }

    SslContext tls() {
        return tls;
    }

    /** Connects on the user's own event loop; with implicit TLS the handshake is part of it. */
    CompletableFuture<SmtpClient> connect(Session user) {
        SslContext implicit = protocol.tls() == SmtpProtocol.Tls.IMPLICIT ? tls : null;
        return SmtpConnection.open(bootstrap.clone(user.eventLoop()), protocol.host(), protocol.port(), implicit,
                protocol.replyTimeout()).thenApply(SmtpClient::new);
    }

    /** The client of the user's connection, or null if it has none. */
    static SmtpClient clientOf(Session user) {
        Option<Object> client = user.attributes().get(CONNECTION);
        return client.isDefined() ? (SmtpClient) client.get() : null;
    }

    static Session withClient(Session user, SmtpClient client) {
        return user.set(CONNECTION, client);
    }

    static Session withoutClient(Session user) {
        return user.remove(CONNECTION);
    }

    @Override
    public Function1<Session, Session> onStart() {
        return user -> user;
    }

    /** A user who leaves the scenario says QUIT on the connection it still holds. */
    @Override
    public Function1<Session, BoxedUnit> onExit() {
        return user -> {
            SmtpClient client = clientOf(user);
            if (client != null) {
                client.quitQuietly();
            }
            return BoxedUnit.UNIT;
        };
    }
}
