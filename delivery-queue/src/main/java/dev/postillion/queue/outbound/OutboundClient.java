package dev.postillion.queue.outbound;

import dev.postillion.queue.RecipientOutcome.Status;
import dev.postillion.queue.routing.MailHost;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Opens SMTP sessions with remote servers (the client half of Postfix's smtp(8)): connects, takes
 * the greeting, says EHLO (or HELO to a server that does not know EHLO) and learns the server's
 * extensions. Nothing here blocks a thread: every stage completes on the connection's event loop.
 */
public final class OutboundClient {

    /** How an attempt to open a session went. */
    public sealed interface Session {

        /** Greeted: ready for mail transactions. */
        record Ready(OutboundConnection connection) implements Session {}

        /**
         * No session: the connection failed or the server would not talk. A deferred verdict sends
         * the client on to the next address; a bounced one (HELO refused with 5yz) ends the attempt.
         */
        record Refused(Verdict verdict) implements Session {}
    }

    private final Bootstrap bootstrap;
    private final String heloName;
    private final SmtpClientSettings settings;

    /**
     * @param group the event loops the connections run on: the node's shared I/O group
     * @param channelType the socket channel class that goes with the group's I/O type, such as
     *     {@code NioSocketChannel} for an NIO group or {@code EpollSocketChannel} for an epoll one
     * @param heloName the name this node gives in EHLO and HELO: its hostname
     */
    public OutboundClient(EventLoopGroup group, Class<? extends SocketChannel> channelType, String heloName,
            SmtpClientSettings settings) {
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(settings.connectTimeout().toMillis()));
        this.heloName = heloName;
        this.settings = settings;
    }

    public SmtpClientSettings settings() {
        return settings;
    }

    /**
     * Connects to one address of a mail host and greets it. The stage completes normally whatever
     * the server does; it fails only for a bug here.
     */
    public CompletionStage<Session> open(MailHost host, InetAddress address) {
        RemoteServer server = new RemoteServer(host, address);
        Conversation conversation = new Conversation(server, settings);
        CompletableFuture<Session> session = new CompletableFuture<>();
        bootstrap.clone()
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new SmtpReplyDecoder(), conversation);
                    }
                })
                .connect(new InetSocketAddress(address, host.port()))
                .addListener((ChannelFuture connected) -> {
                    if (connected.isSuccess()) {
                        greet(connected.channel(), conversation, server).whenComplete((opened, failure) -> {
                            if (failure == null) {
                                session.complete(opened);
                                return;
                            }
                            // Broken during the greeting or EHLO: the next address may do better.
                            ConversationBroken.in(failure).ifPresentOrElse(
                                    broken -> session.complete(new Session.Refused(Verdict.lost(server, broken))),
                                    () -> session.completeExceptionally(failure));
                        });
                    } else {
                        session.complete(new Session.Refused(Verdict.local(Status.DEFERRED, "none", "4.4.1",
                                "connect to " + server.relay() + ": " + connectFailure(connected.cause()))));
                    }
                });
        return session;
    }

    /**
     * The greeting, then EHLO. A server that refuses to talk, with 4yz or 5yz, is skipped for the
     * next address, as Postfix does with smtp_skip_5xx_greeting = yes (its default): a 5yz
     * greeting is taken as temporary, since another MX host, or this one later, may well accept.
     */
    private CompletableFuture<Session> greet(Channel channel, Conversation conversation, RemoteServer server) {
        return conversation.greeting().thenCompose(greeting -> {
            if (!greeting.positive()) {
                return refuse(conversation, Verdict.refused(server, greeting, Step.GREETING, false).softened());
            }
            return conversation.ask("EHLO " + heloName, Step.EHLO).thenCompose(ehlo -> {
                if (ehlo.positive()) {
                    return beginMail(new OutboundConnection(channel, conversation, server,
                            ServerExtensions.parse(ehlo), settings.connectionReuseLimit()));
                }
                if (ehlo.permanent()) {
                    return helo(channel, conversation, server);
                }
                return refuse(conversation, Verdict.refused(server, ehlo, Step.EHLO, false));
            });
        });
    }

    /**
     * A server that does not know EHLO gets HELO (RFC 5321 section 3.2) and no extensions. One
     * that refuses HELO with 5yz bounces the recipients, as it does in Postfix.
     */
    private CompletableFuture<Session> helo(Channel channel, Conversation conversation, RemoteServer server) {
        return conversation.ask("HELO " + heloName, Step.HELO).thenCompose(helo -> helo.positive()
                ? beginMail(new OutboundConnection(channel, conversation, server, ServerExtensions.NONE,
                        settings.connectionReuseLimit()))
                : refuse(conversation, Verdict.refused(server, helo, Step.HELO, false)));
    }

    /**
     * The session is ready for mail. Opportunistic STARTTLS (RFC 3207; SPEC section 5) goes in
     * here: when {@code connection.extensions().starttls()}, send STARTTLS, put an SslHandler first
     * in the pipeline on its 220 reply, and say EHLO again, forgetting the extensions learnt
     * before (RFC 3207 section 4.2). Until then sessions stay in clear text, as Postfix's do with
     * smtp_tls_security_level = none.
     */
    private CompletableFuture<Session> beginMail(OutboundConnection connection) {
        return CompletableFuture.completedFuture(new Session.Ready(connection));
    }

    /** Says QUIT to a server that would not talk (RFC 5321 section 3.1), without waiting for it. */
    private static CompletableFuture<Session> refuse(Conversation conversation, Verdict verdict) {
        conversation.quit();
        return CompletableFuture.completedFuture(new Session.Refused(verdict));
    }

    /** In Postfix's words: {@code Connection refused}, {@code Connection timed out}, or the error. */
    private static String connectFailure(Throwable cause) {
        if (cause instanceof ConnectTimeoutException) {
            return "Connection timed out";
        }
        if (cause instanceof ConnectException) {
            return "Connection refused";
        }
        return cause.getMessage();
    }
}
