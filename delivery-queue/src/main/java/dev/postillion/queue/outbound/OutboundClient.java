package dev.postillion.queue.outbound;

import dev.postillion.core.TlsHandshakes;
import dev.postillion.queue.RecipientOutcome.Status;
import dev.postillion.queue.TransportSecurity;
import dev.postillion.queue.TransportSecurity.Dane;
import dev.postillion.queue.routing.MailHost;
import dev.postillion.queue.routing.NextHop;
import dev.postillion.queue.tls.TlsDemand;
import dev.postillion.queue.tls.TlsLevel;
import dev.postillion.queue.tls.TlsPolicy;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens SMTP sessions with remote servers (the client half of Postfix's smtp(8)): connects, takes
 * the greeting, says EHLO (or HELO to a server that does not know EHLO), learns the server's
 * extensions, and puts TLS under the session as the host's {@link TlsDemand} asks (STARTTLS, RFC
 * 3207; DANE, RFC 7672). Nothing here blocks a thread: every stage completes on the connection's
 * event loop.
 */
public final class OutboundClient {

    private static final Logger log = LoggerFactory.getLogger(OutboundClient.class);

    /** How an attempt to open a session went. */
    public sealed interface Session {

        /** Greeted: ready for mail transactions. */
        record Ready(OutboundConnection connection) implements Session {}

        /**
         * No session: the connection failed, the server would not talk, or its TLS was not what
         * the host's demand needs. A deferred verdict sends the client on to the next address; a
         * bounced one (HELO refused with 5yz) ends the attempt.
         *
         * @param security how far TLS and DANE got, for the queue log
         */
        record Refused(Verdict verdict, TransportSecurity security) implements Session {}
    }

    private final Bootstrap bootstrap;
    private final String heloName;
    private final SmtpClientSettings settings;
    private final TlsPolicy tlsPolicy;
    private final SslContext tls;
    private final TlsHandshakes handshakes;

    /**
     * @param group the event loops the connections run on: the node's shared I/O group
     * @param channelType the socket channel class that goes with the group's I/O type, such as
     *     {@code NioSocketChannel} for an NIO group or {@code EpollSocketChannel} for an epoll one
     * @param heloName the name this node gives in EHLO and HELO: its hostname
     */
    public OutboundClient(EventLoopGroup group, Class<? extends SocketChannel> channelType, String heloName,
            SmtpClientSettings settings, TlsPolicy tlsPolicy, TlsHandshakes handshakes) {
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(settings.connectTimeout().toMillis()));
        this.heloName = heloName;
        this.settings = settings;
        this.tlsPolicy = tlsPolicy;
        this.tls = clientContext();
        this.handshakes = handshakes;
    }

    public SmtpClientSettings settings() {
        return settings;
    }

    /** The TLS level of a next hop's servers. */
    public TlsLevel tlsLevel(NextHop nextHop) {
        return tlsPolicy.level(nextHop);
    }

    /**
     * Connects to one address of a mail host and greets it, with TLS as {@code level} and the
     * host's TLSA records ask. The stage completes normally whatever the server does; it fails
     * only for a bug here.
     */
    public CompletionStage<Session> open(MailHost host, InetAddress address, TlsLevel level) {
        return open(new RemoteServer(host, address), TlsDemand.of(level, host));
    }

    private CompletableFuture<Session> open(RemoteServer server, TlsDemand demand) {
        if (demand.mode() == TlsDemand.Mode.REFUSED) {
            return CompletableFuture.completedFuture(new Session.Refused(
                    Verdict.local(Status.DEFERRED, server.relay(), "4.7.5", demand.refusal()), plainText(demand)));
        }
        Conversation conversation = new Conversation(server, settings);
        CompletableFuture<Session> session = new CompletableFuture<>();
        bootstrap.clone()
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new SmtpReplyDecoder(), conversation);
                    }
                })
                .connect(new InetSocketAddress(server.address(), server.host().port()))
                .addListener((ChannelFuture connected) -> {
                    if (connected.isSuccess()) {
                        greet(connected.channel(), conversation, server, demand).whenComplete((opened, failure) -> {
                            if (failure == null) {
                                session.complete(opened);
                                return;
                            }
                            // Broken during the greeting or EHLO: the next address may do better.
                            ConversationBroken.in(failure).ifPresentOrElse(
                                    broken -> session.complete(new Session.Refused(Verdict.lost(server, broken),
                                            TransportSecurity.NONE)),
                                    () -> session.completeExceptionally(failure));
                        });
                    } else {
                        session.complete(new Session.Refused(Verdict.local(Status.DEFERRED, "none", "4.4.1",
                                "connect to " + server.relay() + ": " + connectFailure(server, connected.cause())),
                                TransportSecurity.NONE));
                    }
                });
        return session;
    }

    /**
     * The greeting, then EHLO. A server that refuses to talk, with 4yz or 5yz, is skipped for the
     * next address, as Postfix does with smtp_skip_5xx_greeting = yes (its default): a 5yz
     * greeting is taken as temporary, since another MX host, or this one later, may well accept.
     */
    private CompletableFuture<Session> greet(Channel channel, Conversation conversation, RemoteServer server,
            TlsDemand demand) {
        return conversation.greeting().thenCompose(greeting -> {
            if (!greeting.positive()) {
                return refuse(conversation, Verdict.refused(server, greeting, Step.GREETING, false).softened(),
                        TransportSecurity.NONE);
            }
            return conversation.ask("EHLO " + heloName, Step.EHLO).thenCompose(ehlo -> {
                if (ehlo.positive()) {
                    return negotiateTls(channel, conversation, server, ServerExtensions.parse(ehlo), demand);
                }
                if (ehlo.permanent()) {
                    return helo(channel, conversation, server, demand);
                }
                return refuse(conversation, Verdict.refused(server, ehlo, Step.EHLO, false), TransportSecurity.NONE);
            });
        });
    }

    /**
     * A server that does not know EHLO gets HELO (RFC 5321 section 3.2) and no extensions, so no
     * STARTTLS either. One that refuses HELO with 5yz bounces the recipients, as it does in Postfix.
     */
    private CompletableFuture<Session> helo(Channel channel, Conversation conversation, RemoteServer server,
            TlsDemand demand) {
        return conversation.ask("HELO " + heloName, Step.HELO).thenCompose(helo -> helo.positive()
                ? negotiateTls(channel, conversation, server, ServerExtensions.NONE, demand)
                : refuse(conversation, Verdict.refused(server, helo, Step.HELO, false), TransportSecurity.NONE));
    }

    /**
     * STARTTLS when the demand wants TLS and the server offers it (RFC 3207). A server that does
     * not offer it, or answers STARTTLS with an error, gets the mail in plain text only when TLS
     * is opportunistic (RFC 7435 section 3); otherwise its recipients are deferred, as Postfix
     * does: 4.7.4 "TLS is required, but was not offered" (RFC 7672 section 2.2 for DANE).
     */
    private CompletableFuture<Session> negotiateTls(Channel channel, Conversation conversation, RemoteServer server,
            ServerExtensions extensions, TlsDemand demand) {
        if (!demand.wantsTls() || !extensions.starttls() && !demand.requiresTls()) {
            return ready(channel, conversation, server, extensions, plainText(demand));
        }
        if (!extensions.starttls()) {
            return refuse(conversation, Verdict.local(Status.DEFERRED, server.relay(), "4.7.4",
                    "TLS is required, but was not offered by host " + server), plainText(demand));
        }
        return conversation.ask("STARTTLS", Step.STARTTLS).thenCompose(reply -> {
            if (reply.code() == 220) {
                return handshake(channel, conversation, server, demand);
            }
            return demand.requiresTls()
                    ? refuse(conversation, Verdict.refused(server, reply, Step.STARTTLS, false).softened(),
                            plainText(demand))
                    : ready(channel, conversation, server, extensions, plainText(demand));
        });
    }

    /**
     * The TLS handshake, then the check of the certificate against the TLSA records when DANE
     * applies, then EHLO again, the extensions learnt before being forgotten (RFC 3207 section
     * 4.2). A failed opportunistic handshake is followed at once by a new connection to the same
     * address in plain text, as Postfix does for smtp_tls_security_level = may: the server offered
     * TLS it cannot do, and plain text is what opportunistic TLS falls back to. Mandatory TLS
     * defers (4.7.5, as for a certificate that does not match).
     */
    private CompletableFuture<Session> handshake(Channel channel, Conversation conversation, RemoteServer server,
            TlsDemand demand) {
        SslHandler handler = tls.newHandler(channel.alloc(), server.host().name(), server.host().port());
        handler.setHandshakeTimeoutMillis(settings.heloTimeout().toMillis());
        return conversation.startTls(handler).handle((session, failure) -> {
            handshakes.outbound(failure == null);
            if (failure == null) {
                return afterHandshake(channel, conversation, server, demand, session);
            }
            ConversationBroken broken = ConversationBroken.in(failure).orElseThrow(() -> new CompletionException(failure));
            if (demand.requiresTls()) {
                return CompletableFuture.<Session>completedFuture(new Session.Refused(
                        Verdict.local(Status.DEFERRED, server.relay(), "4.7.5", broken.getMessage()), plainText(demand)));
            }
            return open(server, TlsDemand.plain(demand.dane()));
        }).thenCompose(next -> next);
    }

    private CompletableFuture<Session> afterHandshake(Channel channel, Conversation conversation, RemoteServer server,
            TlsDemand demand, SSLSession session) {
        String protection = session.getProtocol() + "/" + session.getCipherSuite();
        if (demand.tlsa().isPresent() && !demand.tlsa().get().authenticate(peerChain(session), server.host().name())) {
            // RFC 7672 section 2.2: the server is not trusted with the mail; the next MX host may be.
            return refuse(conversation, Verdict.local(Status.DEFERRED, server.relay(), "4.7.5",
                    "dane: no TLSA record matches the server certificate of " + server),
                    new TransportSecurity(protection, Dane.FAILED));
        }
        TransportSecurity security = new TransportSecurity(protection,
                demand.tlsa().isPresent() ? Dane.VERIFIED : demand.dane());
        return conversation.ask("EHLO " + heloName, Step.EHLO).thenCompose(ehlo -> ehlo.positive()
                ? ready(channel, conversation, server, ServerExtensions.parse(ehlo), security)
                : refuse(conversation, Verdict.refused(server, ehlo, Step.EHLO, false).softened(), security));
    }

    private CompletableFuture<Session> ready(Channel channel, Conversation conversation, RemoteServer server,
            ServerExtensions extensions, TransportSecurity security) {
        return CompletableFuture.completedFuture(new Session.Ready(new OutboundConnection(channel, conversation,
                server, extensions, security, settings.connectionReuseLimit())));
    }

    /** Says QUIT to a server that would not talk (RFC 5321 section 3.1), without waiting for it. */
    private static CompletableFuture<Session> refuse(Conversation conversation, Verdict verdict,
            TransportSecurity security) {
        conversation.quit();
        return CompletableFuture.completedFuture(new Session.Refused(verdict, security));
    }

    /** A connection without TLS, with DANE as the demand stands (for a failed one, {@code failed}). */
    private static TransportSecurity plainText(TlsDemand demand) {
        return new TransportSecurity("none", demand.dane());
    }

    private static List<X509Certificate> peerChain(SSLSession session) {
        try {
            return Arrays.stream(session.getPeerCertificates())
                    .filter(X509Certificate.class::isInstance)
                    .map(X509Certificate.class::cast)
                    .toList();
        } catch (SSLPeerUnverifiedException e) {
            return List.of();
        }
    }

    /**
     * TLS 1.2 and 1.3, any certificate: opportunistic TLS does not authenticate (RFC 7435 section
     * 1.3), and DANE does, after the handshake, against the TLSA records rather than the JDK's CAs
     * (RFC 7672 section 3.1). Hence no hostname check by the engine either; the server name goes
     * out in SNI (RFC 7672 section 8.1).
     */
    private static SslContext clientContext() {
        try {
            return SslContextBuilder.forClient()
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .endpointIdentificationAlgorithm(null)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("the JDK cannot do TLS 1.2 or 1.3", e);
        }
    }

    /**
     * In Postfix's words: {@code Connection refused}, {@code Connection timed out}, or, for another
     * failure, whose library text is logged and not reported, {@code Network error}.
     */
    private static String connectFailure(RemoteServer server, Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return "Connection timed out";
        }
        if (cause instanceof ConnectException) {
            return "Connection refused";
        }
        log.info("connect to {} failed", server.relay(), cause);
        return "Network error";
    }
}
