package dev.postillion.loadtest.wire;

import io.gatling.core.config.GatlingConfiguration;
import io.gatling.core.session.Session;
import io.gatling.netty.util.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a protocol's virtual users connect: a client bootstrap whose connections go on the event
 * loop of the user that makes them (Gatling's own loops, as its HTTP client does), and the TLS
 * client context for implicit TLS and the protocol's upgrade command.
 */
public final class Connector {

    private final Bootstrap bootstrap;
    private final SslContext tls;
    private final Duration replyTimeout;

    public Connector(Trust trust, Duration connectTimeout, Duration replyTimeout, GatlingConfiguration configuration) {
        this.bootstrap = new Bootstrap()
                .channelFactory(Transports.newSocketChannelFactory(
                        configuration.netty().useNativeTransport(), configuration.netty().useIoUring()))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(connectTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true);
        this.tls = sslContext(trust, configuration.ssl().useOpenSsl());
        this.replyTimeout = replyTimeout;
    }

    private static SslContext sslContext(Trust trust, boolean useOpenSsl) {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(useOpenSsl ? SslProvider.OPENSSL : SslProvider.JDK)
                .endpointIdentificationAlgorithm(null);
        try {
            if (trust instanceof Trust.All) {
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (trust instanceof Trust.Store store) {
                char[] password = store.password() == null ? null : store.password().toCharArray();
                KeyStore keyStore = KeyStore.getInstance(store.path().toFile(), password);
                TrustManagerFactory trusted = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trusted.init(keyStore);
                builder.trustManager(trusted);
            }
            return builder.build();
        } catch (SSLException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS for the protocol: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the protocol's trust store", e);
        }
    }

    /** The TLS client context, for the protocol's upgrade command. */
    public SslContext tls() {
        return tls;
    }

    /**
     * Connects on the user's own event loop, framing replies with a new {@code decoder}; with
     * {@link Tls#IMPLICIT} the handshake is part of it.
     */
    public <R> CompletableFuture<ReplyConnection<R>> connect(Session user, String host, int port, Tls mode,
            Supplier<ChannelHandler> decoder) {
        return ReplyConnection.open(bootstrap.clone(user.eventLoop()), host, port, mode == Tls.IMPLICIT ? tls : null,
                replyTimeout, decoder);
    }
}
